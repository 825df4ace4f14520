import type { SentimentAggregate } from '@tradehits/core';
import type { DbHandle } from '@tradehits/db';
import { createPostgresTestDb } from '@tradehits/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGGREGATED_TTL_MS } from './routers/sentiment';
import { createTestApi } from './testing';

const MINUTE = 60_000;
/** The start of a cache slot, plus a second. */
const T = Date.UTC(2026, 0, 5, 12) + 1_000;

function aggregate(window: '1h' | '24h', asOf: number, average: number): SentimentAggregate {
  return {
    symbol: 'BTC/USD',
    assetType: 'crypto',
    window,
    asOf,
    average,
    trend: 'flat',
    bullish: 1,
    bearish: 0,
    total: 1,
    bySource: { news: average, social: null, political: null, coinmarketcap: null },
    signal: 'hold',
    confidence: 0.5,
  };
}

describe('sentiment.aggregated', () => {
  let db: DbHandle;
  let api: Awaited<ReturnType<typeof createTestApi>>;
  beforeAll(async () => {
    db = await createPostgresTestDb();
    api = await createTestApi(db);
  });
  afterAll(async () => {
    await api?.close();
    await db?.close();
  });

  it('answers the newest aggregates, shared for one short slot of the clock, then fresh', async () => {
    const { caller } = await api.signUp('sentiment-reader');
    api.setNow(new Date(T));
    const { analytics } = api.services;
    await analytics.upsertSentimentAggregates([
      aggregate('1h', T - 60 * MINUTE, 10),
      aggregate('24h', T - 60 * MINUTE, 20),
    ]);

    const first = await caller.sentiment.aggregated({ symbol: 'BTC/USD' });
    expect([first.h1?.average, first.h24?.average]).toEqual([10, 20]);

    // A newer aggregate within the slot: the shared answer stands (at most AGGREGATED_TTL_MS old).
    await analytics.upsertSentimentAggregates([aggregate('1h', T - 1_000, 30)]);
    api.setNow(new Date(T + AGGREGATED_TTL_MS / 2));
    expect((await caller.sentiment.aggregated({ symbol: 'BTC/USD' })).h1?.average).toBe(10);

    // The next slot sees it; other symbols were never shared with this one.
    api.setNow(new Date(T + AGGREGATED_TTL_MS));
    const next = await caller.sentiment.aggregated({ symbol: 'BTC/USD' });
    expect([next.h1?.average, next.h24?.average]).toEqual([30, 20]);
    expect(await caller.sentiment.aggregated({ symbol: 'ETH/USD' })).toEqual({ h1: null, h24: null });
  });
});
