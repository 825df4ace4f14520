import { type AnalyticsStore, createDuckDbStore } from '@tradehits/analytics';
import { barRows, parseBarColumns } from '@tradehits/core/bar-columns';
import { withIndicators } from '@tradehits/core/indicators';
import { binance2018Pair } from '@tradehits/core/testing/binance-2018';
import type { BarWithIndicators } from '@tradehits/core/types';
import { createMemoryBus } from '@tradehits/jobs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BARS_CACHE_DEPTH, type BarsAnswer, BarsCache, barsCacheFor } from './bars-cache';

const SYMBOL = 'ETH/BTC';
const rows = (a: BarsAnswer) => barRows(parseBarColumns(a.json));

/** The store with its `bars` reads counted. */
function counted(store: AnalyticsStore) {
  const state = { reads: 0 };
  const proxy = new Proxy(store, {
    get(target, key, receiver) {
      if (key !== 'bars') return Reflect.get(target, key, receiver);
      return (q: Parameters<AnalyticsStore['bars']>[0]) => {
        state.reads++;
        return target.bars(q);
      };
    },
  });
  return { store: proxy, state };
}

describe('bars cache over DuckDB', () => {
  // 20 days of 5m bars: more than the cache holds, so older pages must come from the store.
  const all = withIndicators(binance2018Pair(SYMBOL)).map((b) => ({ ...b, symbol: SYMBOL }));
  const stored = all.slice(0, -3);
  let store: AnalyticsStore;
  let now = 0;
  beforeEach(async () => {
    store = await createDuckDbStore(':memory:');
    await store.migrate();
    await store.upsertBars('crypto', stored);
    now = 0;
  });
  afterEach(() => store.close());

  it('answers exactly what the store answers, inside the cache and beyond it', async () => {
    expect(stored.length).toBeGreaterThan(BARS_CACHE_DEPTH);
    const cache = new BarsCache(store, () => now);
    const queries = [
      { limit: 500 },
      { limit: BARS_CACHE_DEPTH },
      { limit: 100, to: stored.at(-200)!.openTime },
      { limit: 5000, from: stored.at(-300)!.openTime, to: stored.at(-10)!.openTime },
      // Before the cached bars: the store answers.
      { limit: 50, to: stored.at(-BARS_CACHE_DEPTH - 10)!.openTime },
      { limit: 5000, from: stored[0]!.openTime, to: stored[400]!.openTime },
      { limit: 10, from: stored.at(-1)!.openTime + 1 },
    ];
    for (const q of queries) {
      const expected = await store.bars({ symbol: SYMBOL, timeframe: '5m', ...q });
      expect(rows(await cache.answer({ symbol: SYMBOL, timeframe: '5m', ...q })), JSON.stringify(q)).toEqual(
        expected,
      );
    }
  });

  it('reads the store once for a burst, keeps the ETag while nothing changes, and appends announced bars', async () => {
    const { store: watched, state } = counted(store);
    const bus = createMemoryBus();
    const cache = barsCacheFor(watched, bus);
    const q = { symbol: SYMBOL, timeframe: '5m' as const, limit: 1000 };
    const burst = await Promise.all(Array.from({ length: 20 }, () => cache.answer(q)));
    expect(state.reads).toBe(1);
    expect(new Set(burst.map((a) => a.etag)).size).toBe(1);
    expect(rows(burst[0]!).at(-1)).toEqual(stored.at(-1));

    // Ingestion writes the next bars and says so on the bus: the next read fetches only the tail.
    const fresh: BarWithIndicators[] = all.slice(-3);
    await store.upsertBars('crypto', fresh);
    bus.publish({ type: 'bar', symbol: SYMBOL, timeframe: '5m', openTime: fresh.at(-1)!.openTime });
    const after = await cache.answer(q);
    expect(state.reads).toBe(2);
    expect(after.etag).not.toBe(burst[0]!.etag);
    expect(rows(after)).toEqual(all.slice(-1000));

    // Announced again with nothing new: a tail read, and the same answer and ETag.
    bus.publish({ type: 'bar', symbol: SYMBOL, timeframe: '5m', openTime: fresh.at(-1)!.openTime });
    expect((await cache.answer(q)).etag).toBe(after.etag);
    await bus.close();
  });

  it('picks up unannounced writes once the tail is old, including a rewritten last bar', async () => {
    const { store: watched, state } = counted(store);
    const cache = new BarsCache(watched, () => now);
    const q = { symbol: SYMBOL, timeframe: '5m' as const, limit: 10 };
    const before = await cache.answer(q);
    const last = { ...stored.at(-1)!, close: stored.at(-1)!.close * 1.01 };
    await store.upsertBars('crypto', [last, all.at(-3)!]);
    now += 1_000;
    expect((await cache.answer(q)).etag).toBe(before.etag);
    expect(state.reads).toBe(1);
    now += 5_000;
    const answer = rows(await cache.answer(q));
    expect(state.reads).toBe(2);
    expect(answer.at(-2)).toEqual(last);
    expect(answer.at(-1)).toEqual(all.at(-3));
    expect(answer).toHaveLength(10);
  });

  it('answers an empty series, and a symbol nobody stored, with no bars', async () => {
    const cache = new BarsCache(store, () => now);
    expect(rows(await cache.answer({ symbol: 'NONE/USD', timeframe: '5m', limit: 500 }))).toEqual([]);
    expect(rows(await cache.answer({ symbol: SYMBOL, timeframe: '1h', limit: 500 }))).toEqual([]);
  });
});
