import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createDuckDbStore } from '@tradehits/analytics/duckdb-store';
import type { AnalyticsStore } from '@tradehits/analytics/store';
import { withIndicators } from '@tradehits/core/indicators';
import type { MarketDataSource } from '@tradehits/core/ports';
import { BINANCE_2018_DIR } from '@tradehits/core/testing/binance-2018';
import type { BarWithIndicators } from '@tradehits/core/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFileMarketData } from './file-source';
import { type IngestBarsOptions, type IngestProgress, ingestBars } from './ingest-bars';

const dir = mkdtempSync(path.join(tmpdir(), 'tradehits-ingest-'));
const source = createFileMarketData(BINANCE_2018_DIR);
const MID = Date.UTC(2018, 0, 20, 13, 7);

/** A migrated DuckDB store in this file's scratch folder. */
async function openStore(name: string): Promise<AnalyticsStore> {
  const store = await createDuckDbStore(path.join(dir, name));
  await store.migrate();
  return store;
}

function expectSameBars(a: BarWithIndicators[], b: BarWithIndicators[]) {
  expect(a.map((x) => x.openTime)).toEqual(b.map((x) => x.openTime));
  let worst = { error: 0, where: '' };
  for (let i = 0; i < a.length; i++) {
    for (const [key, value] of Object.entries(a[i]!)) {
      const other = b[i]![key as keyof BarWithIndicators];
      const error =
        typeof value === 'number' && typeof other === 'number'
          ? Math.abs(value - other) / Math.max(Math.abs(value), 1e-12)
          : value === other
            ? 0
            : Number.POSITIVE_INFINITY;
      if (!(error <= worst.error)) worst = { error, where: `${key} at ${i}: ${value} vs ${other}` };
    }
  }
  expect(worst.error, worst.where).toBeLessThan(1e-9);
}

describe('ingestBars', () => {
  let full: AnalyticsStore;
  let resumed: AnalyticsStore;
  beforeAll(async () => {
    full = await openStore('full.duckdb');
    resumed = await openStore('resumed.duckdb');
  });
  afterAll(async () => {
    await full.close();
    await resumed.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const symbols = ['ETH/BTC', 'ADA/BTC'];
  const timeframes = ['5m', '1h', '1d'] as const;
  /** Both pairs at every timeframe from the recording into `store`. */
  const ingestAll = (store: AnalyticsStore, options: Partial<IngestBarsOptions> = {}) =>
    ingestBars({ source, store, assetType: 'crypto', symbols, timeframes: [...timeframes], ...options });

  it('backfills every symbol and timeframe with indicators, reporting progress', async () => {
    const progress: IngestProgress[] = [];
    const summary = await ingestAll(full, { onProgress: (p) => progress.push(p) });
    expect(summary.map((s) => [s.symbol, s.timeframe, s.rows, s.error])).toEqual([
      ['ETH/BTC', '5m', 5760, undefined],
      ['ETH/BTC', '1h', 480, undefined],
      ['ETH/BTC', '1d', 20, undefined],
      ['ADA/BTC', '5m', 5720, undefined],
      ['ADA/BTC', '1h', 478, undefined], // two whole hours missing from the recording
      ['ADA/BTC', '1d', 20, undefined],
    ]);
    expect(progress.map((p) => `${p.completed}/${p.total}`)).toEqual([
      '1/6',
      '2/6',
      '3/6',
      '4/6',
      '5/6',
      '6/6',
    ]);
    const stored = await full.bars({ symbol: 'ETH/BTC', timeframe: '5m' });
    // Exactly what was computed, across several of the store's 2048-row write chunks.
    expect(stored).toEqual(withIndicators(await source.fetchBars({ symbol: 'ETH/BTC', timeframe: '5m' })));
    expect(stored[199]!.sma200).not.toBeNull();
    expect(stored[198]!.sma200).toBeNull();
  });

  it('a second run finds nothing new and writes nothing', async () => {
    const before = await full.countBars();
    const summary = await ingestAll(full);
    expect(summary.every((s) => s.rows === 0 && !s.error)).toBe(true);
    expect(await full.countBars()).toBe(before);
  });

  it('resumes from the stored end with warm-up history: same values as one full run', async () => {
    const first = await ingestAll(resumed, { to: MID });
    expect(first.find((s) => s.symbol === 'ETH/BTC' && s.timeframe === '5m')!.rows).toBeLessThan(5760);
    await ingestAll(resumed);
    for (const symbol of symbols) {
      for (const timeframe of timeframes) {
        expectSameBars(await resumed.bars({ symbol, timeframe }), await full.bars({ symbol, timeframe }));
      }
    }
  });

  it('one failing symbol is reported and the others still ingest', async () => {
    const flaky: MarketDataSource = {
      id: 'flaky',
      symbols: source.symbols,
      fetchBars: async (req) => {
        if (req.symbol === 'LTC/BTC') throw new Error('venue unavailable (503)');
        return source.fetchBars(req);
      },
    };
    const summary = await ingestBars({
      source: flaky,
      store: full,
      assetType: 'crypto',
      symbols: ['LTC/BTC', 'NOPE/BTC', 'XMR/BTC'],
      timeframes: ['1h'],
    });
    expect(summary.map((s) => [s.symbol, s.rows, s.error])).toEqual([
      ['LTC/BTC', 0, 'venue unavailable (503)'],
      ['NOPE/BTC', 0, expect.stringMatching(/No recorded candles for NOPE\/BTC/)],
      ['XMR/BTC', 480, undefined],
    ]);
    expect(await full.countBars({ symbol: 'LTC/BTC' })).toBe(0);
  });

  it('a failed write is reported on every series of its batch, and the next batch still lands', async () => {
    const store = await openStore('failing.duckdb');
    let writes = 0;
    const failingOnce: AnalyticsStore = {
      ...store,
      upsertBars: async (assetType, bars) => {
        if (++writes === 1) throw new Error('disk full');
        return store.upsertBars(assetType, bars);
      },
    };
    const summary = await ingestBars({
      source,
      store: failingOnce,
      assetType: 'crypto',
      symbols: ['ETH/BTC', 'LTC/BTC', 'XLM/BTC'],
      timeframes: ['1h'],
      batchRows: 900, // two series per batch
    });
    expect(summary.map((s) => [s.symbol, s.rows, s.error])).toEqual([
      ['ETH/BTC', 0, 'disk full'],
      ['LTC/BTC', 0, 'disk full'],
      ['XLM/BTC', 480, undefined],
    ]);
    expect(await store.countBars()).toBe(480);
    await store.close();
  });

  it('takes only bars whose period had ended by `to`: nothing of the hour or day it falls in', async () => {
    const store = await openStore('until.duckdb');
    await ingestBars({
      source,
      store,
      assetType: 'crypto',
      symbols: ['XLM/BTC'],
      timeframes: ['5m', '1h', '1d'],
      to: Date.UTC(2018, 0, 20, 15, 2),
    });
    const newest = async (timeframe: '5m' | '1h' | '1d') =>
      new Date((await store.bars({ symbol: 'XLM/BTC', timeframe, limit: 1 }))[0]!.openTime).toISOString();
    expect(await newest('5m')).toBe('2018-01-20T14:55:00.000Z');
    expect(await newest('1h')).toBe('2018-01-20T14:00:00.000Z');
    expect(await newest('1d')).toBe('2018-01-19T00:00:00.000Z');
    await store.close();
  });

  it('pages through a source that serves a few bars per call', async () => {
    const store = await openStore('paged.duckdb');
    const [summary] = await ingestBars({
      source,
      store,
      assetType: 'crypto',
      symbols: ['XLM/BTC'],
      timeframes: ['1h'],
      pageSize: 7,
      from: Date.UTC(2018, 0, 12),
      // The day's 24 hours, each closed by midnight; the hour from midnight on is not taken.
      to: Date.UTC(2018, 0, 13),
    });
    expect(summary).toMatchObject({ rows: 24 });
    await store.close();
  });
});
