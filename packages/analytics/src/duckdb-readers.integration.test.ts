import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { withIndicators } from '@tradehits/core/indicators';
import { binance2018Pair } from '@tradehits/core/testing/binance-2018';
import { afterAll, describe, expect, it } from 'vitest';
import { createDuckDbStore } from './duckdb-store';

const dir = mkdtempSync(path.join(tmpdir(), 'tradehits-duckdb-readers-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('DuckDB reads on several connections', () => {
  const bars = withIndicators(binance2018Pair('ETH/BTC')).map((b) => ({ ...b, symbol: 'ETH/BTC' }));

  it('answers many reads at once, each as if alone, while writes go on in order', async () => {
    const store = await createDuckDbStore(path.join(dir, 'a.duckdb'), { readers: 3 });
    try {
      await store.migrate();
      await store.upsertBars('crypto', bars.slice(0, 3000));
      const queries = Array.from({ length: 24 }, (_, i) => ({
        symbol: 'ETH/BTC',
        timeframe: '5m' as const,
        to: bars[1000 + i * 50]!.openTime,
        limit: 100 + i,
      }));
      const expected = queries.map((q) => bars.filter((b) => b.openTime <= q.to).slice(-q.limit));
      // Reads issued together with a write: each read sees the data either before or after it, whole.
      const [answers] = await Promise.all([
        Promise.all(queries.map((q) => store.bars(q))),
        store.upsertBars('crypto', bars.slice(3000)),
      ]);
      expect(answers).toEqual(expected);
      // A read after the write resolves sees all of it.
      expect(await store.countBars({ symbol: 'ETH/BTC', timeframe: '5m' })).toBe(bars.length);
      expect(await store.lastBarTime('ETH/BTC', '5m')).toBe(bars.at(-1)!.openTime);
    } finally {
      await store.close();
    }
  });

  it('closes only after the reads in flight finish', async () => {
    const store = await createDuckDbStore(path.join(dir, 'b.duckdb'), { readers: 2 });
    await store.migrate();
    await store.upsertBars('crypto', bars.slice(0, 500));
    const reads = Array.from({ length: 6 }, () =>
      store.bars({ symbol: 'ETH/BTC', timeframe: '5m', limit: 500 }),
    );
    await store.close();
    for (const r of await Promise.all(reads)) expect(r).toHaveLength(500);
  });
});
