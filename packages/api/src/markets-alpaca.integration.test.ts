import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type AnalyticsStore, createDuckDbStore } from '@tradehits/analytics';
import { loadConfig } from '@tradehits/config';
import { barRows, parseBarColumns } from '@tradehits/core/bar-columns';
import { resampleBars } from '@tradehits/core/resample';
import { binance2018As } from '@tradehits/core/testing/binance-2018';
import type { Bar, Timeframe } from '@tradehits/core/types';
import type { DbHandle } from '@tradehits/db';
import { createPostgresTestDb } from '@tradehits/db/testing';
import { createMarketDataSources } from '@tradehits/exchange';
import {
  ALPACA_TIMEFRAME,
  FAKE_ALPACA_CREDENTIALS,
  type FakeAlpaca,
  startFakeAlpaca,
  toAlpacaWireBar,
} from '@tradehits/exchange/testing/fake-alpaca';
import { runBackfill } from '@tradehits/jobs/cli/backfill';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BarsAnswer } from './bars-cache';
import { createTestApi } from './testing';

/**
 * US stock bars backfilled from Alpaca (a local fake of its REST API, driven by the real SDK) read
 * back through `markets.bars` as a signed-in trader sees them.
 *
 * The bars are the shared real ETH/BTC 5m candles relabelled as AAPL and moved to March 2025 (prices
 * and volumes unchanged), with their 1h and 1d resamples as Alpaca's own 1Hour and 1Day series.
 */

const SYMBOL = 'AAPL';
const rows = (answer: BarsAnswer) => barRows(parseBarColumns(answer.json));
const BAR = 5 * 60_000;
const SHIFT = Date.UTC(2025, 2, 3) - Date.UTC(2018, 0, 10);
const TIMEFRAMES = ['5m', '1h', '1d'] as const;

function servedBars(): Record<Timeframe, Bar[]> {
  const bars5m = binance2018As(SYMBOL, SHIFT);
  return { '5m': bars5m, '1h': resampleBars(bars5m, '1h'), '1d': resampleBars(bars5m, '1d') };
}

/** What a chart draws from a bar: its time and prices, compared exactly. */
const ohlcv = (b: Pick<Bar, 'openTime' | 'open' | 'high' | 'low' | 'close' | 'volume'>) => [
  b.openTime,
  b.open,
  b.high,
  b.low,
  b.close,
  b.volume,
];

describe('markets.bars over an Alpaca backfill', () => {
  const served = servedBars();
  let db: DbHandle;
  let fake: FakeAlpaca;
  let dir: string;
  let store: AnalyticsStore | undefined;

  beforeAll(async () => {
    db = await createPostgresTestDb();
    dir = await mkdtemp(path.join(tmpdir(), 'tradehits-api-alpaca-'));
    fake = await startFakeAlpaca({
      bars: {
        [SYMBOL]: Object.fromEntries(
          TIMEFRAMES.map((tf) => [ALPACA_TIMEFRAME[tf], served[tf].map(toAlpacaWireBar)]),
        ),
      },
      // Smaller pages than Alpaca's 10,000, so the 5m series takes several.
      pageSize: 1000,
    });
  });
  afterAll(async () => {
    await store?.close();
    await fake?.close();
    await db?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('shows every backfilled bar at 5m, 1h and 1d to a signed-in trader', async () => {
    const env = {
      STOCK_VENUE: 'alpaca',
      STOCK_SYMBOLS: SYMBOL,
      ALPACA_KEY_ID: FAKE_ALPACA_CREDENTIALS.keyId,
      ALPACA_SECRET_KEY: FAKE_ALPACA_CREDENTIALS.secretKey,
      ALPACA_DATA_URL: fake.url,
      ALPACA_TRADING_URL: fake.url,
    };
    const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', DATA_DIR: dir, ...env });
    if (config.analytics.kind !== 'duckdb') throw new Error('expected the embedded analytics store');
    const summaries = await runBackfill(
      { source: 'alpaca', symbols: [SYMBOL], timeframes: [...TIMEFRAMES], from: Date.UTC(2025, 2, 1) },
      config,
      { write: () => undefined, progress: false },
    );
    expect(summaries.map((s) => [s.timeframe, s.rows, s.error])).toEqual(
      TIMEFRAMES.map((tf) => [tf, served[tf].length, undefined]),
    );
    expect(fake.requests.filter((r) => r.path === '/v2/stocks/bars').length).toBeGreaterThan(5);

    store = await createDuckDbStore(config.analytics.file);
    const testApi = await createTestApi(db, env, {
      analytics: store,
      market: createMarketDataSources(config),
    });
    try {
      testApi.setNow(new Date(Date.UTC(2025, 3, 1)));
      const { caller: api } = await testApi.signUp('reader');
      expect(await api.markets.symbols({ assetType: 'stock' })).toEqual([SYMBOL]);

      for (const tf of ['1h', '1d'] as const) {
        const bars = rows(await api.markets.bars({ symbol: SYMBOL, timeframe: tf, limit: 5000 }));
        expect(bars.map(ohlcv)).toEqual(served[tf].map(ohlcv));
        expect(bars.at(-1)!.rsi14).not.toBeNull();
      }

      // 5m has more bars than one call returns: the newest 5000, then the rest before them.
      const newest = rows(await api.markets.bars({ symbol: SYMBOL, timeframe: '5m', limit: 5000 }));
      expect(newest).toHaveLength(5000);
      const older = rows(
        await api.markets.bars({
          symbol: SYMBOL,
          timeframe: '5m',
          to: newest[0]!.openTime - BAR,
          limit: 5000,
        }),
      );
      expect([...older, ...newest].map(ohlcv)).toEqual(served['5m'].map(ohlcv));
      expect(older[0]!.rsi14).toBeNull();
      expect(newest.at(-1)!.rsi14).not.toBeNull();
    } finally {
      await testApi.close();
    }
  });
});
