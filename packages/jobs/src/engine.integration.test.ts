import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createDuckDbStore } from '@tradehits/analytics/duckdb-store';
import type { AnalyticsStore } from '@tradehits/analytics/store';
import { loadConfig } from '@tradehits/config';
import { detectSeries } from '@tradehits/core/detector';
import {
  createParameters,
  createUser,
  type DbHandle,
  ensurePaperAccounts,
  getAccount,
  getTrade,
  listOpenTrades,
  openPosition,
  putSetting,
  tradeHistory,
  upsertLiveAccount,
} from '@tradehits/db';
import { createPostgresTestDb } from '@tradehits/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryBus, type LiveEvent } from './events';
import { createFileMarketData } from './ingest/file-source';
import { ingestBars } from './ingest/ingest-bars';
import { createLogger } from './log';
import { runEngineTick } from './processors/engine-tick';
import type { Services } from './runner';
import { bullishAggregates } from './testing';

const DATA = path.resolve(import.meta.dirname, '../../../../shared/data/market/binance-2018-01');
const SYMBOL = 'ETH/BTC';
const BAR = 5 * 60_000;
const HOUR = 3_600_000;

/**
 * The engine over replayed real bars: real Postgres, a DuckDB analytics store holding the shared
 * ETH/BTC candles, and a recorded bullish sentiment series. A paper user with auto-trading on must get
 * a trade opened at a detector lowest point and closed at its take-profit or stop-loss.
 */
describe('engine ticks over replayed bars', () => {
  let db: DbHandle;
  let dir: string;
  let analytics: AnalyticsStore;
  let services: Services;
  let now = 0;
  const events: LiveEvent[] = [];
  let entryBar = 0;

  beforeAll(async () => {
    db = await createPostgresTestDb();
    dir = await mkdtemp(path.join(tmpdir(), 'tradehits-engine-'));
    analytics = await createDuckDbStore(path.join(dir, 'a.duckdb'));
    await analytics.migrate();
    const source = createFileMarketData(DATA);
    await ingestBars({
      source,
      store: analytics,
      assetType: 'crypto',
      symbols: [SYMBOL],
      timeframes: ['5m'],
    });
    const bus = createMemoryBus();
    bus.subscribe((e) => events.push(e));
    services = {
      config: loadConfig({ NODE_ENV: 'test', CRYPTO_SYMBOLS: SYMBOL }),
      db: db.db,
      analytics,
      bus,
      log: createLogger('silent'),
      market: {
        crypto: { ...source, symbols: async () => [SYMBOL] },
        stock: { ...source, symbols: async () => [] },
      },
      now: () => new Date(now),
    };
    // The first lowest point with bullish sentiment, found by the same detector the engine runs.
    const bars = await analytics.bars({ symbol: SYMBOL, timeframe: '5m', limit: 10_000 });
    const reading = { score: 50, politicalMin: null, politicalScore: null };
    const series = detectSeries(
      bars,
      { symbol: SYMBOL, assetType: 'crypto', timeframe: '5m', sentiment: 'judge' },
      reading,
    );
    const first = series.findIndex((d, i) => d.isLowestPoint && i > 2100);
    expect(first).toBeGreaterThan(0);
    entryBar = bars[first]!.openTime;
    // Recorded sentiment: an hourly bullish aggregate from a day before the entry to two days after.
    await analytics.upsertSentimentAggregates(
      bullishAggregates(SYMBOL, 'crypto', entryBar - 24 * HOUR, entryBar + 48 * HOUR),
    );
  });

  afterAll(async () => {
    await analytics.close();
    await db.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function trader(
    username: string,
    overrides: Partial<{ maxConcurrentTrades: number; autoTradingEnabled: boolean }> = {},
  ) {
    const user = (await createUser(db.db, {
      username,
      email: `${username}@x.test`,
      passwordHash: 'x',
      fullName: username,
      balance: '100000.00',
    }))!;
    await ensurePaperAccounts(db.db, user.id, '100000.00');
    await createParameters(db.db, user.id, {
      assetType: 'crypto',
      symbol: 'ALL',
      tradeAmount: '1000.00',
      takeProfitPct: '1.5',
      stopLossPct: '1.5',
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

  it('opens at a lowest point, closes at take-profit or stop-loss, and the ledger reconciles', async () => {
    const alice = await trader('alice');
    const idle = await trader('idle', { autoTradingEnabled: false });
    now = entryBar + BAR; // the tick right after the lowest-point bar closed
    const first = await runEngineTick(services, 'crypto', new Date(now));
    expect(first.lowest).toEqual([SYMBOL]);
    expect(first.opened).toBe(1);
    const [open] = await listOpenTrades(db.db, { userId: alice.id });
    expect(open).toMatchObject({
      symbol: SYMBOL,
      status: 'open',
      executionReason: 'lowest-point',
      wasLowestPoint: true,
      isPaper: true,
    });
    expect(await listOpenTrades(db.db, { userId: idle.id })).toHaveLength(0);
    expect(events.some((e) => e.type === 'trade.opened' && e.userId === alice.id)).toBe(true);

    // Tick bar by bar until the position exits (a day at most).
    for (let i = 2; i <= 288 && (await listOpenTrades(db.db, { userId: alice.id })).length > 0; i++) {
      now = entryBar + i * BAR;
      await runEngineTick(services, 'crypto', new Date(now));
    }
    const items = await tradeHistory(db.db, alice.id, 10);
    expect(items).toHaveLength(1);
    expect(['take-profit', 'stop-loss']).toContain(items[0]!.exitReason);
    expect(events.some((e) => e.type === 'trade.closed' && e.userId === alice.id)).toBe(true);
    const account = (await getAccount(db.db, alice.id, 'crypto', 'paper'))!;
    const cents = (s: string) => Math.round(Number(s) * 100);
    expect(cents(account.startBalance) + cents(account.realizedPnl) - cents(account.fees)).toBe(
      cents(account.balance),
    );
    expect(cents(account.balance) - cents(account.startBalance)).toBe(cents(items[0]!.pnl!));
  });

  it('never opens twice when two ticks for the same bar run at once', async () => {
    const bob = await trader('bob', { maxConcurrentTrades: 1 });
    now = entryBar + BAR;
    const results = await Promise.all([
      runEngineTick(services, 'crypto', new Date(now)),
      runEngineTick(services, 'crypto', new Date(now)),
    ]);
    expect(results.reduce((n, r) => n + ('opened' in r ? (r.opened ?? 0) : 0), 0)).toBeLessThanOrEqual(1);
    expect(await listOpenTrades(db.db, { userId: bob.id })).toHaveLength(1);
    const account = (await getAccount(db.db, bob.id, 'crypto', 'paper'))!;
    expect(Number(account.balance)).toBeGreaterThan(98_900); // spent once: 1000 + fee
    expect(Number(account.balance)).toBeLessThan(99_000);
  });

  it('opens nothing while the kill switch is on', async () => {
    const carol = await trader('carol');
    await putSetting(db.db, 'kill_switch', true, null);
    now = entryBar + BAR;
    await runEngineTick(services, 'crypto', new Date(now));
    expect(await listOpenTrades(db.db, { userId: carol.id })).toHaveLength(0);
    await putSetting(db.db, 'kill_switch', false, null);
  });

  it('finishes a live order a dead tick left held: failed, cash released, admins told', async () => {
    const dan = await trader('dan');
    await upsertLiveAccount(db.db, {
      userId: dan.id,
      assetType: 'crypto',
      venue: 'kraken',
      credentials: 'sealed',
      startBalance: '500.00',
    });
    const held = await openPosition(db.db, {
      userId: dan.id,
      assetType: 'crypto',
      mode: 'live',
      symbol: SYMBOL,
      clientOrderId: 'dan-held',
      status: 'pending_approval',
      maxConcurrentTrades: 3,
      amount: '50.00',
      entryFee: '0.00',
      quantity: '0.5',
      entryPrice: null,
      entryTime: null,
      takeProfitPrice: null,
      stopLossPrice: null,
      executionReason: 'lowest-point',
    });
    if (!held.ok) throw new Error(held.reason);
    expect((await getAccount(db.db, dan.id, 'crypto', 'live'))!.balance).toBe('450.00');
    // The next tick, well after the venue should have answered.
    now = Date.now() + 11 * 60_000;
    const result = await runEngineTick(services, 'crypto', new Date(now));
    expect(result).toMatchObject({ interrupted: 1 });
    expect((await getTrade(db.db, held.trade.id))!.status).toBe('failed');
    expect((await getAccount(db.db, dan.id, 'crypto', 'live'))!.balance).toBe('500.00');
  });
});
