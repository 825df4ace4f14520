import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createDuckDbStore } from '@tradehits/analytics/duckdb-store';
import type { AnalyticsStore } from '@tradehits/analytics/store';
import { loadConfig } from '@tradehits/config';
import { detectSeries } from '@tradehits/core/detector';
import { type EngineUser, engineTick, type MarketTick } from '@tradehits/core/engine';
import { withIndicators } from '@tradehits/core/indicators';
import { tradeParametersSchema } from '@tradehits/core/params';
import { rangePct } from '@tradehits/core/safety';
import { binance2018As, loadBinance2018 } from '@tradehits/core/testing/binance-2018';
import { DEFAULT_SAFETY } from '@tradehits/core/testing/safety';
import type { BarWithIndicators, Detection } from '@tradehits/core/types';
import { createMemoryBus } from '@tradehits/jobs/events';
import { type ScanServices, scanMarkets } from '@tradehits/jobs/processors/scan-markets';
import { SENTIMENT_SOURCE_ENV } from '@tradehits/jobs/testing';
import { sentimentFor } from '@tradehits/sentiment/reading';
import type { BenchSuite } from './lib';

/**
 * The idle engine tick: 10,000 users × 50 symbols on a bar where nobody trades, over the shared 5m
 * candles in a DuckDB file (50 symbols: the seven pairs relabelled and cycled), sentiment judged from
 * recorded aggregates. The subject is the tick as it runs now: the scan with each symbol's detector kept
 * between ticks and fed the new bar, then the pure engine deciding for every user. The baseline, on the
 * same bars in the same run and interleaved tick by tick, is the scan it replaced: every tick it read
 * seven days of bars per symbol and re-ran the detector over all of them. Users' rows come from the
 * database in the real tick and are not part of this measure. Medians over the timed ticks.
 */

const USERS = 10_000;
const SYMBOLS = 50;
const TICKS = 15;
const WARM_UP = 3;
const BAR = 5 * 60_000;
const HISTORY_BARS = 7 * 288 + 48;

/** Runs the idle-tick benchmark and returns its rows. */
export async function benchIdleTick(): Promise<
  { name: string; value: number; unit: string; ratio?: number }[]
> {
  const dir = mkdtempSync(path.join(tmpdir(), 'tradehits-bench-tick-'));
  const store = await createDuckDbStore(path.join(dir, 'a.duckdb'));
  try {
    await store.migrate();
    const pairs = loadBinance2018().map((s) => s.symbol);
    const symbols = Array.from({ length: SYMBOLS }, (_, i) => `S${i}/BTC`);
    const series = symbols.map((symbol, i) =>
      withIndicators(binance2018As(symbol, 0, pairs[i % pairs.length])),
    );
    // Every symbol's bars up to a common time; the timed ticks then add one bar at a time.
    const end = Math.min(...series.map((s) => s.at(-1)!.openTime));
    const first = end - (WARM_UP + TICKS) * BAR;
    await store.upsertBars(
      'crypto',
      series.flatMap((s) => s.filter((b) => b.openTime <= first)),
    );
    await store.upsertSentimentAggregates(
      symbols.flatMap((symbol) =>
        Array.from({ length: 21 * 48 }, (_, k) => ({
          symbol,
          assetType: 'crypto' as const,
          window: '24h' as const,
          asOf: end - k * 1_800_000,
          average: 10 * Math.sin(k),
          trend: 'flat' as const,
          bullish: 1,
          bearish: 1,
          total: 2,
          bySource: { news: 0, social: null, political: null, coinmarketcap: null },
          signal: 'hold' as const,
          confidence: 0.5,
        })),
      ),
    );
    const services: ScanServices = {
      config: loadConfig({ NODE_ENV: 'test', ...SENTIMENT_SOURCE_ENV }),
      analytics: store,
      bus: createMemoryBus(),
      market: {
        crypto: { id: 'bench', fetchBars: async () => [], symbols: async () => symbols },
        stock: { id: 'bench', fetchBars: async () => [], symbols: async () => [] },
      },
    };
    // Nobody trades: auto-trading is off for everyone, so every user is judged and skipped.
    const users: EngineUser[] = Array.from({ length: USERS }, (_, i) => ({
      id: `user-${i}`,
      rules: [tradeParametersSchema.parse({ autoTradingEnabled: false, buyAtLowestOnly: i % 2 === 0 })],
      mode: 'paper',
      balanceCents: 1_000_000,
      lossTodayCents: 0,
    }));
    const decide = (markets: MarketTick[], now: number) =>
      engineTick({
        now,
        markets,
        users,
        positions: [],
        safety: DEFAULT_SAFETY,
        isMarketOpen: () => true,
        sentiment: 'judge',
        minConfidence: 0.7,
      });

    // Build the kept detectors once (the first tick after a start), untimed.
    await scanMarkets(services, { assetType: 'crypto', timeframe: '5m', barTime: first, now: first + BAR });
    const subject: number[] = [];
    const baseline: number[] = [];
    for (let k = 1; k <= WARM_UP + TICKS; k++) {
      const t = first + k * BAR;
      await store.upsertBars(
        'crypto',
        series.flatMap((s) => s.filter((b) => b.openTime === t)),
      );
      const t0 = performance.now();
      const scan = await scanMarkets(services, {
        assetType: 'crypto',
        timeframe: '5m',
        barTime: t,
        now: t + BAR,
      });
      if ('skipped' in scan) throw new Error(`bench tick skipped: ${scan.skipped}`);
      decide(scan.markets, t + BAR);
      const t1 = performance.now();
      decide(await fullRescan(store, symbols, t + BAR), t + BAR);
      const t2 = performance.now();
      if (k > WARM_UP) {
        subject.push(t1 - t0);
        baseline.push(t2 - t1);
      }
    }
    const s = median(subject);
    const b = median(baseline);
    return [
      {
        name: 'idle tick, 10,000 users × 50 symbols, kept detectors',
        value: round(s),
        unit: 'ms',
        ratio: s / b,
      },
      { name: 'idle tick, same, full re-scan every tick (baseline)', value: round(b), unit: 'ms' },
    ];
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The scan as it was: seven days of bars per symbol, the detector over all of them, every tick. */
async function fullRescan(store: AnalyticsStore, symbols: string[], now: number): Promise<MarketTick[]> {
  const markets: MarketTick[] = [];
  const detections: Detection[] = [];
  for (const symbol of symbols) {
    const bars: BarWithIndicators[] = await store.bars({
      symbol,
      timeframe: '5m',
      to: now - BAR,
      limit: HISTORY_BARS,
    });
    const last = bars.at(-1);
    if (!last) continue;
    const sentiment = await sentimentFor(store, symbol, now);
    const detection = detectSeries(
      bars,
      { symbol, assetType: 'crypto', timeframe: '5m', sentiment: 'judge' },
      sentiment,
    ).at(-1)!;
    let high = -Infinity;
    let low = Infinity;
    for (const b of bars.slice(-12)) {
      if (b.high > high) high = b.high;
      if (b.low < low) low = b.low;
    }
    detections.push(detection);
    markets.push({
      symbol,
      assetType: 'crypto',
      bar: last,
      detection,
      sentiment,
      recentRangePct: rangePct(high, low),
    });
  }
  await store.upsertDetections(detections);
  return markets;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function round(x: number): number {
  return Math.round(x * 10) / 10;
}

if (import.meta.url === pathToFileURL(process.argv[1]!).href) {
  for (const row of await benchIdleTick()) console.log(row);
}

/** The idle tick as a `npm run bench` suite. */
export const idleTickSuite: BenchSuite = { name: 'engine-tick', run: () => benchIdleTick() };
