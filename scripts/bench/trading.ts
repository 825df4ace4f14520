import { pathToFileURL } from 'node:url';
import { prepareSeries, runBacktest } from '@tradehits/core/backtest';
import { DetectorState } from '@tradehits/core/detector';
import { type EngineUser, engineTick, type MarketTick } from '@tradehits/core/engine';
import { withIndicators } from '@tradehits/core/indicators';
import { backtestParamsSchema, tradeParametersSchema } from '@tradehits/core/params';
import { loadBinance2018 } from '@tradehits/core/testing/binance-2018';
import { DEFAULT_SAFETY } from '@tradehits/core/testing/safety';
import type { Detection } from '@tradehits/core/types';

/**
 * Trading benchmarks on the shared Binance 5m data:
 * (a) one engine tick for 10,000 users × 50 symbols. The detections are the real data's buy signals
 *     (each pair's signal bars, cycled to 50 symbols), so every user-symbol pair is judged; users and
 *     their parameters are made deterministically.
 * (b) backtest throughput in bar-evaluations per second over the prepared series (indicators computed
 *     once), with its ratio to a bare loop that only reads each bar, measured in the same run.
 * Median of several runs after a few warm-up runs (the JIT needs about five backtests to settle).
 */

const USERS = 10_000;
const SYMBOLS = 50;
const RUNS = 9;
const WARM_UP = 5;

/** Runs the trading benchmarks and returns their numbers. */
export async function benchTrading(): Promise<
  { name: string; value: number; unit: string; ratio?: number }[]
> {
  const series = loadBinance2018();
  const prepared = prepareSeries(series, '5m');
  const totalBars = prepared.reduce((n, s) => n + s.bars.length, 0);

  // (a) one engine tick
  const signals: Detection[] = [];
  for (const s of series) {
    const state = new DetectorState({
      symbol: s.symbol,
      assetType: 'crypto',
      timeframe: '5m',
      sentiment: 'ignore',
    });
    for (const bar of withIndicators(s.bars)) if (state.push(bar)) signals.push(state.detection());
  }
  const markets: MarketTick[] = Array.from({ length: SYMBOLS }, (_, i) => {
    const d = signals[i % signals.length]!;
    const symbol = `${d.symbol.split('/')[0]}${i}/USD`;
    return {
      symbol,
      assetType: 'crypto',
      bar: { openTime: d.barTime, open: d.price, high: d.price, low: d.price, close: d.price },
      detection: { ...d, symbol },
      sentiment: { score: 10 + (i % 50), politicalMin: i % 9 === 0 ? -20 : null, politicalScore: null },
      recentRangePct: 2,
    };
  });
  const users: EngineUser[] = Array.from({ length: USERS }, (_, i) => ({
    id: `user-${i}`,
    rules: [
      tradeParametersSchema.parse({
        autoTradingEnabled: i % 10 !== 0,
        symbol: i % 4 === 0 ? markets[i % SYMBOLS]!.symbol : 'ALL',
        tradeAmount: 25 + (i % 8) * 25,
        maxConcurrentTrades: 1 + (i % 10),
        minSentimentScore: (i % 6) * 10,
        requirePoliticalPositive: i % 3 === 0,
        buyAtLowestOnly: i % 5 !== 0,
        tradingHoursStart: i % 7 === 0 ? '13:00' : '00:00',
        tradingHoursEnd: i % 7 === 0 ? '21:00' : '23:59',
      }),
    ],
    mode: i % 20 === 0 ? 'live' : 'paper',
    balanceCents: 10_000 + (i % 13) * 7_500,
    lossTodayCents: 0,
  }));
  const now = Date.UTC(2018, 0, 20, 12, 0);
  const tick = () =>
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
  const tickMs = median(RUNS, tick);
  const decided = tick();
  const pairs = decided.intents.length + decided.skips.reduce((n, g) => n + g.userIds.length, 0);

  // (b) backtest throughput against a bare loop over the same bars
  const params = backtestParamsSchema.parse({});
  const backtestMs = median(RUNS, () => runBacktest(prepared, { params }));
  let sink = 0;
  const bareMs = median(RUNS, () => {
    for (const s of prepared) for (const b of s.bars) sink += b.close;
  });
  if (sink === 0) throw new Error('bare loop was optimised away');
  const backtestRate = totalBars / (backtestMs / 1000);
  const bareRate = totalBars / (bareMs / 1000);

  return [
    { name: 'engine tick, 10,000 users × 50 symbols', value: round(tickMs), unit: 'ms' },
    { name: 'engine tick per judged user-symbol pair', value: round((tickMs * 1e6) / pairs), unit: 'ns' },
    {
      name: 'backtest throughput (7 pairs, 5m, indicators precomputed)',
      value: Math.round(backtestRate),
      unit: 'bar-evaluations/s',
      ratio: round(backtestRate / bareRate, 4),
    },
    { name: 'bare loop over the same bars', value: Math.round(bareRate), unit: 'bars/s' },
  ];
}

function median(runs: number, fn: () => unknown): number {
  for (let i = 0; i < WARM_UP; i++) fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    fn();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(runs / 2)]!;
}

function round(x: number, digits = 2): number {
  return Number(x.toFixed(digits));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const row of await benchTrading()) {
    const ratio = row.ratio === undefined ? '' : `  (ratio to bare loop ${row.ratio})`;
    console.log(`${row.name}: ${row.value} ${row.unit}${ratio}`);
  }
}
