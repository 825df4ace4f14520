import { describe, expect, it } from 'vitest';
import { seededRandom } from './bootstrap';
import {
  bestScore,
  type Candidate,
  DEFAULT_WALK_FORWARD,
  foldCandidates,
  sampleCandidates,
  scoreFold,
  spanOf,
  walkForward,
  walkForwardFolds,
} from './optimize';
import { backtestParamsSchema, tradeParametersSchema } from './params';
import { loadBinance2018 } from './testing/binance-2018';
import type { Bar } from './types';

const DAY = 86_400_000;
const series = loadBinance2018().filter((s) =>
  ['DASH/BTC', 'NXT/BTC', 'XMR/BTC', 'ETH/BTC'].includes(s.symbol),
);
const base = backtestParamsSchema.parse({ params: { maxConcurrentTrades: 1 } });
const config = {
  ...DEFAULT_WALK_FORWARD,
  samples: 3,
  minTrades: 3,
  resamples: 300,
  trainDays: 8,
  testDays: 3,
};

/** The same bars with every bar from `from` on replaced by a different, wilder path. */
function scrambledFrom(from: number): typeof series {
  const random = seededRandom(99);
  return series.map((s) => ({
    ...s,
    bars: s.bars.map((b): Bar => {
      if (b.openTime < from) return b;
      const k = 0.9 + random() * 0.2;
      return {
        ...b,
        open: b.open * k,
        high: b.high * k * 1.02,
        low: b.low * k * 0.98,
        close: b.close * k,
        volume: b.volume * 3,
      };
    }),
  }));
}

describe('walk-forward folds', () => {
  it('tiles the data after the first train window with test windows that follow their train windows', () => {
    const { from, to } = spanOf(series);
    const folds = walkForwardFolds(from, to, config);
    expect(folds).toHaveLength(4);
    expect(folds[0]!.trainFrom).toBe(from);
    for (const f of folds) {
      expect(f.trainTo).toBe(f.testFrom);
      expect(f.testFrom - f.trainFrom).toBe(8 * DAY);
      expect(f.testTo).toBeGreaterThan(f.testFrom);
    }
    for (let i = 1; i < folds.length; i++) expect(folds[i]!.testFrom).toBe(folds[i - 1]!.testTo);
    expect(folds.at(-1)!.testTo).toBe(to);
    expect(() => walkForwardFolds(from, from + 5 * DAY, config)).toThrow(/too short/);
  });

  it('draws the same valid candidates from the same seed, and others from another', () => {
    const a = sampleCandidates(5, 2, 50);
    expect(sampleCandidates(5, 2, 50)).toEqual(a);
    expect(sampleCandidates(6, 2, 50)).not.toEqual(a);
    for (const c of a) expect(tradeParametersSchema.safeParse(c).success).toBe(true);
  });
});

describe('walkForward on shared data', () => {
  const report = walkForward(series, base, config);
  const { from, to } = spanOf(series);
  const folds = walkForwardFolds(from, to, config);

  it('chooses each fold from bars before its test window: changing the test window and later changes no choice', () => {
    const fold = folds[1]!;
    const scrambled = scrambledFrom(fold.testFrom);
    const candidates = foldCandidates(base, fold, config);
    const clean = scoreFold(series, fold, base, candidates, config);
    const dirty = scoreFold(scrambled, fold, base, candidates, config);
    expect(dirty).toEqual(clean);
    // The comparison is not vacuous: the same scramble from inside the train window changes the scores.
    const inside = scrambledFrom(fold.trainFrom + DAY);
    expect(scoreFold(inside, fold, base, candidates, config)).not.toEqual(clean);
    const again = walkForward(scrambled, base, config);
    expect(again.folds[0]).toEqual(report.folds[0]);
    expect(again.folds[1]!.chosen).toEqual(report.folds[1]!.chosen);
    expect(again.folds[1]!.train).toEqual(report.folds[1]!.train);
  }, 300_000);

  it('reports only the test windows as out-of-sample, every trade decided inside its window', () => {
    const sum = report.folds.reduce((n, f) => n + f.test.trades, 0);
    expect(report.outOfSample.trades).toBe(sum);
    expect(report.outOfSample.pnlCents).toBe(report.folds.reduce((n, f) => n + f.test.pnlCents, 0));
    expect(report.inSample.trades).toBe(report.folds.reduce((n, f) => n + f.train.trades, 0));
    const source = report.folds.findLast((f) => !f.fallback);
    expect(report.recommendedFold).toBe(source?.fold.index ?? null);
    if (source !== undefined) expect(report.recommended).toEqual(source.chosen);
    // The recommendation's own figures come only from bars after the window it was chosen on.
    expect(report.recommendedOutOfSample.from).toBe(source?.fold.trainTo ?? spanOf(series).from);
    expect(report.costModel).toMatch(/^range-volume costs/);
  });

  it('never chooses a candidate with fewer train trades than the minimum', () => {
    for (const f of report.folds) {
      if (!f.fallback) expect(f.train.trades).toBeGreaterThanOrEqual(config.minTrades);
    }
    const none = bestScore([
      { candidate: 0, eligible: false, score: Number.NEGATIVE_INFINITY, summary: report.folds[0]!.train },
    ]);
    expect(none).toBeNull();
  });

  it('keeps test trades inside their windows', async () => {
    const { finishFold } = await import('./optimize');
    const fold = folds[2]!;
    const candidates: Candidate[] = foldCandidates(base, fold, config);
    const done = finishFold(
      series,
      fold,
      base,
      candidates,
      scoreFold(series, fold, base, candidates, config),
    );
    for (const t of done.testTrades) {
      expect(t.entryTime).toBeGreaterThan(fold.testFrom);
      expect(t.exitTime).toBeLessThanOrEqual(fold.testTo);
    }
    for (const t of done.trainTrades) {
      expect(t.entryTime).toBeGreaterThan(fold.trainFrom);
      expect(t.exitTime).toBeLessThanOrEqual(fold.trainTo);
    }
  }, 300_000);
});
