import { pathToFileURL } from 'node:url';
import { prepareSeries, runBacktest } from '@tradehits/core/backtest';
import { DetectorState } from '@tradehits/core/detector';
import { type EngineUser, engineTick, type MarketTick } from '@tradehits/core/engine';
import { withIndicators } from '@tradehits/core/indicators';
import { backtestParamsSchema, tradeParametersSchema } from '@tradehits/core/params';
import { loadBinance2018 } from '@tradehits/core/testing/binance-2018';
import { DEFAULT_SAFETY } from '@tradehits/core/testing/safety';
import type { Detection } from '@tradehits/core/types';
import { type BenchRow, type BenchSuite, interleave, rateRow, round, timeRow } from './lib';

/**
 * Trading benchmarks on the shared Binance 5m data:
 * (a) one engine tick for 10,000 users × 50 symbols. The detections are the real data's buy signals
 *     (each pair's signal bars, cycled to 50 symbols), so every user-symbol pair is judged; users and
 *     their parameters are made deterministically.
 * (b) backtest throughput in bar-evaluations per second over the prepared series (indicators computed
 *     once), with its ratio to a bare loop that only reads each bar, measured in the same run.
 * Median of several runs after a few warm-up runs (the JIT needs about five backtests to settle); the
 * backtest and its bare loop alternate run by run.
 */

const USERS = 10_000;
const SYMBOLS = 50;
const RUNS = 9;
const WARM_UP = 5;

/** Runs the trading benchmarks and returns their numbers. */
export async function benchTrading(): Promise<BenchRow[]> {
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
      bar: { openTime: d.barTime, open: d.price, high: d.price, low: d.price, close: d.price, volume: 1e6 },
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
  const tickSamples = await interleave({ tick }, { runs: RUNS, warmUp: WARM_UP });
  const decided = tick();
  const pairs = decided.intents.length + decided.skips.reduce((n, g) => n + g.userIds.length, 0);

  // (b) backtest throughput against a bare loop over the same bars, alternating run by run
  const params = backtestParamsSchema.parse({});
  let sink = 0;
  const samples = await interleave(
    {
      backtest: () => runBacktest(prepared, { params }),
      bare: () => {
        for (const s of prepared) for (const b of s.bars) sink += b.close;
      },
    },
    { runs: RUNS, warmUp: WARM_UP },
  );
  if (sink === 0) throw new Error('bare loop was optimised away');
  const bare = rateRow('bare loop over the same bars', totalBars, samples.bare, 'bars/s');
  const backtest = rateRow(
    'backtest throughput (7 pairs, 5m, indicators precomputed)',
    totalBars,
    samples.backtest,
    'bar-evaluations/s',
  );
  const tickRow = timeRow('engine tick, 10,000 users × 50 symbols', tickSamples.tick);

  return [
    tickRow,
    {
      name: 'engine tick per judged user-symbol pair',
      value: round((tickRow.value * 1e6) / pairs),
      unit: 'ns',
    },
    { ...backtest, ratio: round(backtest.value / bare.value, 4), baseline: bare.name },
    bare,
  ];
}

/** The pure trading suite for `npm run bench`. */
export const tradingSuite: BenchSuite = { name: 'trading', run: () => benchTrading() };

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const row of await benchTrading()) {
    const ratio = row.ratio === undefined ? '' : `  (ratio to bare loop ${row.ratio})`;
    console.log(`${row.name}: ${row.value} ${row.unit}${ratio}`);
  }
}
