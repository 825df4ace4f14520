import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createDuckDbStore } from '@tradehits/analytics/duckdb-store';
import type { AnalyticsStore } from '@tradehits/analytics/store';
import { loadConfig } from '@tradehits/config';
import type { SentimentAggregate } from '@tradehits/core';
import { prepareSeries, runBacktest } from '@tradehits/core/backtest';
import { averageTrueRange } from '@tradehits/core/exits';
import { withIndicators } from '@tradehits/core/indicators';
import { backtestParamsSchema } from '@tradehits/core/params';
import { BINANCE_2018_DIR, binance2018Pair } from '@tradehits/core/testing/binance-2018';
import type { BarWithIndicators, Detection } from '@tradehits/core/types';
import { sentimentScoreSeries } from '@tradehits/sentiment/reading';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryBus } from '../events';
import { createFileMarketData } from '../ingest/file-source';
import { SENTIMENT_SOURCE_ENV } from '../testing';
import {
  type MarketScan,
  resetDetectorStates,
  type ScanServices,
  SENTIMENT_OFF,
  scanMarkets,
} from './scan-markets';

const BAR = 5 * 60_000;
const HOUR = 3_600_000;
const PAIRS = ['ETH/BTC', 'LTC/BTC'];
/** Bars judged tick by tick at the end of the recording (the rest is history already stored). */
const LIVE_BARS = 1_200;

/**
 * Live detection against the backtester over the same recorded bars in DuckDB: bars arrive one tick at
 * a time as ingestion would write them, the scan judges each, and every verdict (confidence, reasons,
 * support, lowest point, signal, sentiment) must equal the backtest's verdict at that bar. The recorded
 * sentiment varies and has a gap of unknown readings, so a series (not one reading) is what both see.
 */
describe('live detection equals backtest detection', () => {
  let dir: string;
  const stores: AnalyticsStore[] = [];
  const series = PAIRS.map((symbol) => ({ symbol, bars: withIndicators(binance2018Pair(symbol)) }));

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'tradehits-scan-'));
  });
  afterAll(async () => {
    for (const s of stores) await s.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** Recorded 24 h aggregates every half hour, swinging between bearish and bullish, none for 6 hours. */
  function recordedSentiment(symbol: string, from: number, to: number): SentimentAggregate[] {
    const rows: SentimentAggregate[] = [];
    const gapFrom = to - 3 * 24 * HOUR;
    for (let t = from, k = 0; t < to; t += HOUR / 2, k++) {
      if (t >= gapFrom && t < gapFrom + 6 * HOUR) continue;
      const average = Math.round(35 + 40 * Math.sin(k / 7 + symbol.length));
      rows.push({
        symbol,
        assetType: 'crypto',
        window: '24h',
        asOf: t,
        average,
        trend: 'flat',
        bullish: 5,
        bearish: 2,
        total: 9,
        bySource: { news: average, social: null, political: null, coinmarketcap: null },
        signal: 'hold',
        confidence: 0.5,
      });
    }
    return rows;
  }

  async function desk(env: Record<string, string>) {
    const store = await createDuckDbStore(path.join(dir, `${stores.length}.duckdb`));
    stores.push(store);
    await store.migrate();
    const source = createFileMarketData(BINANCE_2018_DIR);
    const services: ScanServices = {
      config: loadConfig({ NODE_ENV: 'test', CRYPTO_SYMBOLS: PAIRS.join(','), ...env }),
      analytics: store,
      bus: createMemoryBus(),
      market: {
        crypto: { ...source, symbols: async () => PAIRS },
        stock: { ...source, symbols: async () => [] },
      },
    };
    return { store, services };
  }

  /** Stores the history before `liveFrom`, then ticks every later bar time; returns each verdict. */
  async function runLive(services: ScanServices, store: AnalyticsStore, liveFrom: number) {
    const history = series.flatMap((s) => s.bars.filter((b) => b.openTime < liveFrom));
    await store.upsertBars('crypto', history);
    const byTime = new Map<number, BarWithIndicators[]>();
    for (const s of series) {
      for (const b of s.bars) {
        if (b.openTime < liveFrom) continue;
        const list = byTime.get(b.openTime);
        if (list === undefined) byTime.set(b.openTime, [b]);
        else list.push(b);
      }
    }
    const live: Detection[] = [];
    const atr = new Map<string, number | null>();
    let missing = 0;
    for (const [t, bars] of [...byTime].sort((a, b) => a[0] - b[0])) {
      await store.upsertBars('crypto', bars);
      const scan = await scanMarkets(services, {
        assetType: 'crypto',
        timeframe: '5m',
        barTime: t,
        now: t + BAR,
      });
      expect(scan).not.toHaveProperty('skipped');
      const { markets, missing: absent } = scan as MarketScan;
      missing += absent.length;
      for (const m of markets) {
        live.push(m.detection!);
        atr.set(`${m.symbol}@${t}`, m.atr ?? null);
      }
    }
    return { live, missing, atr };
  }

  function backtestVerdicts(sentiment: 'ignore' | ((t: number, symbol: string) => number | null)) {
    const verdicts = new Map<string, Detection>();
    const result = runBacktest(prepareSeries(series, '5m'), {
      params: backtestParamsSchema.parse({}),
      sentiment,
      onDetection: (d) => verdicts.set(`${d.symbol}@${d.barTime}`, d),
    });
    return { verdicts, result };
  }

  it('judging recorded sentiment: every bar and every signal agree', { timeout: 600_000 }, async () => {
    const { store, services } = await desk(SENTIMENT_SOURCE_ENV);
    const first = Math.min(...series.map((s) => s.bars[0]!.openTime));
    const end = Math.max(...series.map((s) => s.bars.at(-1)!.openTime)) + BAR;
    const recorded = new Map(PAIRS.map((p) => [p, recordedSentiment(p, first - 2 * HOUR, end)]));
    await store.upsertSentimentAggregates([...recorded.values()].flat());

    const liveFrom = series[0]!.bars.at(-LIVE_BARS)!.openTime;
    const { live, missing } = await runLive(services, store, liveFrom);
    const lookups = new Map(PAIRS.map((p) => [p, sentimentScoreSeries(recorded.get(p)!)]));
    const { verdicts, result } = backtestVerdicts((t, symbol) => lookups.get(symbol)!(t + BAR));

    expect(live.length + missing).toBe(PAIRS.length * new Set(live.map((d) => d.barTime)).size);
    expect(live.length).toBeGreaterThan(LIVE_BARS);
    for (const d of live) expect(d).toEqual(verdicts.get(`${d.symbol}@${d.barTime}`));
    const liveSignals = live.filter((d) => d.buySignal);
    const backtestSignals = [...verdicts.values()].filter((d) => d.buySignal && d.barTime >= liveFrom);
    expect(liveSignals.length).toBeGreaterThan(0);
    expect(liveSignals).toEqual(backtestSignals);
    // The gap in the recording shows up as unknown sentiment, judged as failed, in both.
    expect(live.some((d) => d.sentiment === null && d.notes.includes('sentiment unknown'))).toBe(true);
    expect(result.signals).toBeGreaterThanOrEqual(liveSignals.length);

    // Rebuilt from history (a restart) the detector reaches the same verdict as the one fed bar by bar.
    const lastTime = live.at(-1)!.barTime;
    const again = (await scanMarkets(services, {
      assetType: 'crypto',
      timeframe: '5m',
      barTime: lastTime,
      now: lastTime + BAR,
    })) as MarketScan;
    resetDetectorStates(store);
    const rebuilt = (await scanMarkets(services, {
      assetType: 'crypto',
      timeframe: '5m',
      barTime: lastTime,
      now: lastTime + BAR,
    })) as MarketScan;
    expect(rebuilt.markets.map((m) => m.detection)).toEqual(again.markets.map((m) => m.detection));
    expect(again.markets.map((m) => m.detection)).toEqual(live.filter((d) => d.barTime === lastTime));

    // A tick for an older bar, once a newer one has closed and been stored, judges nothing.
    const stale = await scanMarkets(services, {
      assetType: 'crypto',
      timeframe: '5m',
      barTime: lastTime - BAR,
      now: lastTime + BAR,
    });
    expect(stale).toEqual({ skipped: expect.stringMatching(/^stale: the 5m bar at .* has closed since/) });
    // And a bar that has not closed yet is not judged either.
    expect(
      await scanMarkets(services, {
        assetType: 'crypto',
        timeframe: '5m',
        barTime: lastTime,
        now: lastTime + 60_000,
      }),
    ).toEqual({ skipped: expect.stringMatching(/has not closed/) });
  });

  it('with no sentiment source configured: judged without the sentiment terms, as a backtest does, and says so', {
    timeout: 600_000,
  }, async () => {
    const { store, services } = await desk({});
    const liveFrom = series[0]!.bars.at(-300)!.openTime;
    const { live, atr } = await runLive(services, store, liveFrom);
    const { verdicts } = backtestVerdicts('ignore');
    expect(live.length).toBeGreaterThan(300);
    // ATR-multiple exits are planned with the ATR the backtester measures at the same bar.
    let compared = 0;
    for (const s of series) {
      const whole = averageTrueRange(s.bars);
      s.bars.forEach((b, i) => {
        const got = atr.get(`${s.symbol}@${b.openTime}`);
        if (got === undefined) return;
        expect(got).toBeCloseTo(whole[i]!, 12);
        compared++;
      });
    }
    expect(compared).toBe(live.length);
    for (const d of live) {
      expect(d.notes).toContain(SENTIMENT_OFF);
      const expected = verdicts.get(`${d.symbol}@${d.barTime}`)!;
      expect(d).toEqual({
        ...expected,
        notes: expected.notes.map((n) => (n === 'sentiment ignored' ? SENTIMENT_OFF : n)),
      });
    }
    const lastTime = live.at(-1)!.barTime;
    const scan = (await scanMarkets(services, {
      assetType: 'crypto',
      timeframe: '5m',
      barTime: lastTime,
      now: lastTime + BAR,
    })) as MarketScan;
    expect(scan.sentiment).toBe('ignore');
    expect(scan.notes).toEqual([SENTIMENT_OFF]);
    expect(scan.settings).toBe(services.config.DETECTOR_SETTINGS);
  });
});
