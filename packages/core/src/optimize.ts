import {
  type BacktestSeries,
  costModelOf,
  type PreparedSeries,
  prepareSeries,
  runBacktest,
} from './backtest';
import { bootstrap, type Estimate, mean, seededRandom, shareAboveZero } from './bootstrap';
import { describeCosts } from './costs';
import type { TradeRecord } from './metrics';
import { type BacktestParams, tradeParametersSchema } from './params';
import { TIMEFRAME_MS } from './types';

/**
 * The walk-forward optimiser, pure. History is cut into rolling folds: a train window followed by the
 * test window it is judged on, each test window starting where the previous one ended. On each train
 * window a seeded random search scores candidate parameters; the best eligible one (enough trades) is
 * then run on the following test window. The reported result is the concatenation of the test windows
 * only, beside the same parameters' in-sample figures, each with bootstrap intervals.
 *
 * What a window sees: every run replays the bars from the start of the data up to the end of its
 * window, trading only inside the window, so indicators and the detector have the history a live tick
 * would have. A train window's run therefore stops at its test window's start: the choice for a test
 * window never reads a bar of it or of anything later. A test window's figures count only trades
 * decided inside it; the earlier bars it replays only warm up indicators.
 *
 * Candidates are a user's own parameters (exits, buy-at-lowest-only, max concurrent trades), so a
 * result can be applied to a trader's settings as it stands.
 */

/** The parameters the search varies; everything else comes from the base parameters. */
export interface Candidate {
  takeProfitPct: number;
  stopLossPct: number;
  takeProfitAtr: number | null;
  stopLossAtr: number | null;
  trailingStopPct: number | null;
  breakEvenAfterPct: number | null;
  maxHoldingHours: number | null;
  buyAtLowestOnly: boolean;
  maxConcurrentTrades: number;
}

/** How to walk forward. Windows are in whole days. */
export interface WalkForwardConfig {
  trainDays: number;
  testDays: number;
  /** Candidates drawn per train window (the base parameters are always scored too). */
  samples: number;
  seed: number;
  /** A candidate with fewer train trades cannot be chosen. */
  minTrades: number;
  /** Bootstrap resamples for the intervals. */
  resamples: number;
}

export const DEFAULT_WALK_FORWARD: WalkForwardConfig = {
  trainDays: 6,
  testDays: 2,
  samples: 60,
  seed: 1,
  minTrades: 5,
  resamples: 2_000,
};

/** One train window and the test window after it ([from, to) instants). */
export interface Fold {
  index: number;
  trainFrom: number;
  trainTo: number;
  testFrom: number;
  testTo: number;
}

/** What a run of trades made. Returns are fractions of each trade's cost; money in cents. */
export interface TradeSummary {
  trades: number;
  wins: number;
  winRate: number | null;
  pnlCents: number;
  feesCents: number;
  profitFactor: number | null;
  /** Mean net return per trade (pnl / cost). */
  meanReturn: number | null;
}

/** A summary with bootstrap intervals over its trades. */
export interface SummaryWithIntervals extends TradeSummary {
  winRateInterval: Estimate | null;
  meanReturnInterval: Estimate | null;
  /** Interval of the total P&L (n × the mean of resampled trades). */
  pnlInterval: Estimate | null;
}

/** A candidate's score on a window. */
export interface CandidateScore {
  candidate: number;
  eligible: boolean;
  /** Lower bound of the 80 % interval of the mean trade return; −∞ when not eligible. */
  score: number;
  summary: TradeSummary;
}

/** A fold's outcome. */
export interface FoldResult {
  fold: Fold;
  chosen: Candidate;
  /** True when no candidate had enough trades and the base parameters were kept. */
  fallback: boolean;
  eligible: number;
  train: TradeSummary;
  test: TradeSummary;
}

/** The optimiser's report. */
export interface WalkForwardReport {
  config: WalkForwardConfig;
  costModel: string;
  symbols: string[];
  from: number;
  to: number;
  folds: FoldResult[];
  /** The chosen parameters on their own train windows (overlapping windows count their trades again). */
  inSample: SummaryWithIntervals;
  /** The concatenated test windows: the result. */
  outOfSample: SummaryWithIntervals;
  /**
   * What to apply going forward: the choice of the latest fold that had an eligible candidate (the
   * base parameters when none had).
   */
  recommended: Candidate;
  /** The fold `recommended` was chosen in; null when it is the base parameters. */
  recommendedFold: number | null;
  /** `recommended` run on every bar after the train window it was chosen on: its own out-of-sample figures. */
  recommendedOutOfSample: SummaryWithIntervals & { from: number; to: number };
  notes: string[];
}

const DAY_MS = 86_400_000;
const SCORE_LEVEL = 0.8;

/** Rolling folds over [from, to): test windows tile the span after the first train window. */
export function walkForwardFolds(
  from: number,
  to: number,
  config: Pick<WalkForwardConfig, 'trainDays' | 'testDays'>,
): Fold[] {
  const trainMs = config.trainDays * DAY_MS;
  const testMs = config.testDays * DAY_MS;
  if (!(trainMs > 0 && testMs > 0)) throw new Error('walk-forward windows must be longer than 0 days');
  const folds: Fold[] = [];
  for (let testFrom = from + trainMs; testFrom < to; testFrom += testMs) {
    folds.push({
      index: folds.length,
      trainFrom: testFrom - trainMs,
      trainTo: testFrom,
      testFrom,
      testTo: Math.min(testFrom + testMs, to),
    });
  }
  if (folds.length === 0) {
    throw new Error(
      `the data spans ${((to - from) / DAY_MS).toFixed(1)} days: too short for a ${config.trainDays}-day train window and a test window`,
    );
  }
  return folds;
}

/** The seeded random search's candidates for a fold (the same seed and fold give the same list). */
export function sampleCandidates(seed: number, fold: number, count: number): Candidate[] {
  const random = seededRandom((seed * 1_000_003 + fold * 7_919) >>> 0);
  const uniform = (lo: number, hi: number) => Math.round((lo + random() * (hi - lo)) * 100) / 100;
  const maybe = (p: number, lo: number, hi: number) => (random() < p ? uniform(lo, hi) : null);
  const out: Candidate[] = [];
  for (let i = 0; i < count; i++) {
    const atr = random() < 0.35;
    out.push({
      takeProfitPct: uniform(0.5, 6),
      stopLossPct: uniform(0.5, 6),
      takeProfitAtr: atr ? uniform(1, 12) : null,
      stopLossAtr: atr ? uniform(1, 10) : null,
      trailingStopPct: maybe(0.5, 0.3, 4),
      breakEvenAfterPct: maybe(0.4, 0.3, 3),
      maxHoldingHours: maybe(0.6, 0.5, 48),
      buyAtLowestOnly: random() < 0.5,
      maxConcurrentTrades: 1 + Math.floor(random() * 3),
    });
  }
  return out;
}

/** The candidate the base parameters already hold. */
export function candidateOf(params: BacktestParams): Candidate {
  const p = params.params;
  return {
    takeProfitPct: p.takeProfitPct,
    stopLossPct: p.stopLossPct,
    takeProfitAtr: p.takeProfitAtr,
    stopLossAtr: p.stopLossAtr,
    trailingStopPct: p.trailingStopPct,
    breakEvenAfterPct: p.breakEvenAfterPct,
    maxHoldingHours: p.maxHoldingHours,
    buyAtLowestOnly: p.buyAtLowestOnly,
    maxConcurrentTrades: p.maxConcurrentTrades,
  };
}

/** The base parameters with a candidate's values, validated as a user's parameters are. */
export function withCandidate(base: BacktestParams, candidate: Candidate): BacktestParams {
  const params = tradeParametersSchema.parse({ ...base.params, ...candidate });
  return { ...base, params: { ...params, autoTradingEnabled: true } };
}

/** The bars of `[start of data, end)` with indicators computed on that prefix alone. */
export function prepareUntil(
  series: readonly BacktestSeries[],
  end: number,
  timeframe: BacktestParams['timeframe'],
): PreparedSeries[] {
  return prepareSeries(
    series.map((s) => ({ ...s, bars: s.bars.filter((b) => b.openTime < end) })),
    timeframe,
  );
}

/** Runs a candidate on a window of prepared bars (which must end at the window's end). */
export function runWindow(
  prepared: readonly PreparedSeries[],
  params: BacktestParams,
  from: number,
): TradeRecord[] {
  return runBacktest(prepared, { params, tradeFrom: from }).trades;
}

/** Scores a candidate's train trades: the lower 80 % bound of its mean trade return, with enough trades. */
export function scoreTrades(
  candidate: number,
  trades: readonly TradeRecord[],
  config: WalkForwardConfig,
): CandidateScore {
  const summary = summarise(trades);
  const eligible = trades.length >= config.minTrades;
  const interval = eligible
    ? bootstrap(returnsOf(trades), mean, {
        resamples: Math.min(config.resamples, 500),
        level: SCORE_LEVEL,
        seed: config.seed,
      })
    : null;
  return { candidate, eligible, score: interval?.low ?? Number.NEGATIVE_INFINITY, summary };
}

/** The best eligible score (ties to the earlier candidate); null when none is eligible. */
export function bestScore(scores: readonly CandidateScore[]): CandidateScore | null {
  let best: CandidateScore | null = null;
  for (const s of scores) if (s.eligible && (best === null || s.score > best.score)) best = s;
  return best;
}

/** Evaluates candidates on a fold's train window; the optimiser's parallel runner does the same in workers. */
export function scoreFold(
  series: readonly BacktestSeries[],
  fold: Fold,
  base: BacktestParams,
  candidates: readonly Candidate[],
  config: WalkForwardConfig,
  first = 0,
): CandidateScore[] {
  const prepared = prepareUntil(series, fold.trainTo, base.timeframe);
  return candidates.map((c, i) =>
    scoreTrades(first + i, runWindow(prepared, withCandidate(base, c), fold.trainFrom), config),
  );
}

/** The candidates scored on a fold: the base parameters first, then the seeded samples. */
export function foldCandidates(base: BacktestParams, fold: Fold, config: WalkForwardConfig): Candidate[] {
  return [candidateOf(base), ...sampleCandidates(config.seed, fold.index, config.samples)];
}

/** Picks a fold's parameters from its scores and runs them on the test window. */
export function finishFold(
  series: readonly BacktestSeries[],
  fold: Fold,
  base: BacktestParams,
  candidates: readonly Candidate[],
  scores: readonly CandidateScore[],
): { result: FoldResult; trainTrades: TradeRecord[]; testTrades: TradeRecord[] } {
  const best = bestScore(scores);
  const chosen = candidates[best?.candidate ?? 0]!;
  const params = withCandidate(base, chosen);
  const trainTrades = runWindow(prepareUntil(series, fold.trainTo, base.timeframe), params, fold.trainFrom);
  const testTrades = runWindow(prepareUntil(series, fold.testTo, base.timeframe), params, fold.testFrom);
  return {
    result: {
      fold,
      chosen,
      fallback: best === null,
      eligible: scores.filter((s) => s.eligible).length,
      train: summarise(trainTrades),
      test: summarise(testTrades),
    },
    trainTrades,
    testTrades,
  };
}

/** Assembles the report from the finished folds. */
export function assembleReport(input: {
  series: readonly BacktestSeries[];
  config: WalkForwardConfig;
  base: BacktestParams;
  finished: readonly ReturnType<typeof finishFold>[];
}): WalkForwardReport {
  const { config, base, finished } = input;
  const options = { resamples: config.resamples, level: 0.95, seed: config.seed };
  const withIntervals = (trades: readonly TradeRecord[]): SummaryWithIntervals => {
    const returns = returnsOf(trades);
    const pnl = trades.map((t) => t.pnlCents);
    const total = bootstrap(pnl, mean, options);
    return {
      ...summarise(trades),
      winRateInterval: bootstrap(pnl, shareAboveZero, options),
      meanReturnInterval: bootstrap(returns, mean, options),
      pnlInterval:
        total === null
          ? null
          : { value: total.value * pnl.length, low: total.low * pnl.length, high: total.high * pnl.length },
    };
  };
  const folds = finished.map((f) => f.result);
  const fallbacks = folds.filter((f) => f.fallback).length;
  const notes = [
    `walk-forward: ${folds.length} folds, ${config.trainDays}-day train and ${config.testDays}-day test windows, ${config.samples} seeded candidates (seed ${config.seed}) per train window plus the base parameters`,
    `a candidate needs at least ${config.minTrades} train trades; it is scored by the lower bound of the 80 % bootstrap interval of its mean trade return`,
    'out-of-sample = the concatenated test windows only; intervals are 95 % percentile bootstrap over their trades',
  ];
  if (fallbacks > 0) notes.push(`${fallbacks} folds had no eligible candidate and kept the base parameters`);
  const { from, to } = spanOf(input.series);
  const source = [...finished].reverse().find((f) => !f.result.fallback)?.result;
  const recommended = source?.chosen ?? candidateOf(base);
  const recommendedFrom = source?.fold.trainTo ?? from;
  const recommendedTrades = runWindow(
    prepareUntil(input.series, to, base.timeframe),
    withCandidate(base, recommended),
    recommendedFrom,
  );
  return {
    config,
    costModel: describeCosts(costModelOf(base)),
    symbols: input.series.map((s) => s.symbol),
    from,
    to,
    folds,
    inSample: withIntervals(finished.flatMap((f) => f.trainTrades)),
    outOfSample: withIntervals(finished.flatMap((f) => f.testTrades)),
    recommended,
    recommendedFold: source?.fold.index ?? null,
    recommendedOutOfSample: { ...withIntervals(recommendedTrades), from: recommendedFrom, to },
    notes,
  };
}

/** The whole walk-forward in this thread (tests, small runs); the CLI spreads `scoreFold` over workers. */
export function walkForward(
  series: readonly BacktestSeries[],
  base: BacktestParams,
  config: WalkForwardConfig,
): WalkForwardReport {
  const { from, to } = spanOf(series);
  const finished = walkForwardFolds(from, to, config).map((fold) => {
    const candidates = foldCandidates(base, fold, config);
    return finishFold(series, fold, base, candidates, scoreFold(series, fold, base, candidates, config));
  });
  return assembleReport({ series, config, base, finished });
}

/** [first bar open, last bar close) across the series. */
export function spanOf(series: readonly BacktestSeries[]): { from: number; to: number } {
  let from = Number.POSITIVE_INFINITY;
  let to = Number.NEGATIVE_INFINITY;
  for (const s of series) {
    if (s.bars.length === 0) continue;
    from = Math.min(from, s.bars[0]!.openTime);
    to = Math.max(to, s.bars.at(-1)!.openTime + TIMEFRAME_MS[s.bars[0]!.timeframe]);
  }
  if (!Number.isFinite(from)) throw new Error('walk-forward needs bars');
  return { from, to };
}

/** Counts and money of a run of trades. */
export function summarise(trades: readonly TradeRecord[]): TradeSummary {
  let wins = 0;
  let pnl = 0;
  let fees = 0;
  let profit = 0;
  let loss = 0;
  for (const t of trades) {
    pnl += t.pnlCents;
    fees += t.feesCents;
    if (t.pnlCents > 0) {
      wins++;
      profit += t.pnlCents;
    } else {
      loss -= t.pnlCents;
    }
  }
  const n = trades.length;
  return {
    trades: n,
    wins,
    winRate: n > 0 ? wins / n : null,
    pnlCents: pnl,
    feesCents: fees,
    profitFactor: loss > 0 ? profit / loss : null,
    meanReturn: n > 0 ? mean(Float64Array.from(returnsOf(trades))) : null,
  };
}

function returnsOf(trades: readonly TradeRecord[]): number[] {
  return trades.map((t) => (t.costCents > 0 ? t.pnlCents / t.costCents : 0));
}
