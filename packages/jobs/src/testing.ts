import type { AssetType, SentimentAggregate } from '@tradehits/core';

const HOUR = 3_600_000;

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
