import type { AssetType, BarWithIndicators, SentimentAggregate } from '@tradehits/core';
import { withIndicators } from '@tradehits/core/indicators';
import { createParameters, createUser, type Db, ensurePaperAccounts } from '@tradehits/db';

const HOUR = 3_600_000;

/**
 * Environment that configures one sentiment source (a news feed on a closed local port; the engine
 * never fetches it), so ticks judge the recorded sentiment and treat a missing reading as failed, as
 * they do in production. Without any source the engine leaves sentiment out ("sentiment off").
 */
export const SENTIMENT_SOURCE_ENV = { NEWS_FEEDS: 'http://127.0.0.1:9/feed.xml' } as const;

/**
 * A `<currency>/USD` rate for tests over the BTC-quoted shared candles, which carry none: a constant 5m
 * close every hour over [from, to). Paper accounts hold USD, so paper ETH/BTC entries convert at it.
 */
export function usdRateBars(currency: string, close: number, from: number, to: number): BarWithIndicators[] {
  const bars = [];
  for (let t = Math.floor(from / HOUR) * HOUR; t < to; t += HOUR)
    bars.push({
      symbol: `${currency}/USD`,
      timeframe: '5m' as const,
      openTime: t,
      open: close,
      high: close,
      low: close,
      close,
      volume: 1,
      tradeCount: null,
    });
  return withIndicators(bars);
}

/**
 * A recorded bullish sentiment series for tests: a 24 h aggregate (average 50) every half hour over
 * [from, to), the shape the sentiment jobs store and the engine reads.
 */
export function bullishAggregates(
  symbol: string,
  assetType: AssetType,
  from: number,
  to: number,
): SentimentAggregate[] {
  const rows: SentimentAggregate[] = [];
  for (let t = from; t < to; t += HOUR / 2) {
    rows.push({
      symbol,
      assetType,
      window: '24h',
      asOf: t,
      average: 50,
      trend: 'flat',
      bullish: 8,
      bearish: 1,
      total: 10,
      bySource: { news: 50, social: null, political: null, coinmarketcap: null },
      signal: 'buy',
      confidence: 0.7,
    });
  }
  return rows;
}

/** A user named `username` (email `<username>@x.test`) with 100,000.00 in each paper account. */
export async function createPaperUser(db: Db, username: string) {
  const user = (await createUser(db, {
    username,
    email: `${username}@x.test`,
    passwordHash: 'x',
    fullName: username,
    balance: 10_000_000,
  }))!;
  await ensurePaperAccounts(db, user.id, 10_000_000);
  return user;
}

/** What a test may change about `createPaperTrader`'s parameters. */
export interface PaperTraderOverrides {
  maxConcurrentTrades?: number;
  autoTradingEnabled?: boolean;
}

/**
 * A paper user (see `createPaperUser`) trading `assetType` automatically around the clock: every
 * symbol, 1,000.00 a trade at lowest points only, 1.5 % take-profit and stop-loss, sentiment at least 10.
 */
export async function createPaperTrader(
  db: Db,
  username: string,
  assetType: AssetType,
  overrides: PaperTraderOverrides = {},
) {
  const user = await createPaperUser(db, username);
  await createParameters(db, user.id, {
    assetType,
    symbol: 'ALL',
    tradeAmount: 100_000,
    takeProfitPct: 1.5,
    stopLossPct: 1.5,
    maxConcurrentTrades: overrides.maxConcurrentTrades ?? 3,
    buyAtLowestOnly: true,
    minSentimentScore: 10,
    requirePoliticalPositive: false,
    autoTradingEnabled: overrides.autoTradingEnabled ?? true,
    tradingHoursStart: '00:00',
    tradingHoursEnd: '23:59',
  });
  return user;
}
