import { DEFAULT_SCORER_OPTIONS, type ScorerOptions, scoreSentiment } from '@tradehits/core/sentiment-score';
import type { GoldText } from './datasets';
import { coverage, kFolds, pearson, signAccuracy, signAccuracyWithEvidence } from './metrics';

/** Cross-validated measures of one scorer on one set. */
export interface CvResult {
  signAccuracy: number;
  /** Sign accuracy on the texts with a non-zero score only. */
  withEvidence: number;
  pearson: number;
  coverage: number;
  /** Per fold, the settings picked on the training folds. */
  picked: Partial<ScorerOptions>[];
}

/** The settings the eval may tune; everything else stays at the shipped default. */
export const TUNING_GRID: Partial<ScorerOptions>[] = [5, 10, 15, 25].flatMap((alpha) =>
  [1.2, 1.6, 2].flatMap((thingMove) =>
    [0.3, 0.5].map((beforeContrast) => ({ alpha, thingMove, beforeContrast })),
  ),
);

/** Objective on training folds: sign accuracy first, correlation as a tie-breaker. */
function objective(predicted: number[], gold: number[]): number {
  return signAccuracy(predicted, gold) + 0.1 * pearson(predicted, gold);
}

/**
 * k-fold cross-validation of the rule scorer: for each fold the settings are chosen on the other
 * folds only, then the held-out fold is scored with them. Predictions are pooled over folds.
 */
export function crossValidateScorer(set: GoldText[], k = 5, grid = TUNING_GRID): CvResult {
  const predicted = new Array<number>(set.length).fill(0);
  const picked: Partial<ScorerOptions>[] = [];
  const folds = kFolds(set.length, k);
  // Score every text once per grid point; folds only choose among the cached columns.
  const table = grid.map((g) =>
    set.map((t) => scoreSentiment(t.text, { ...DEFAULT_SCORER_OPTIONS, ...g }).score),
  );
  for (const test of folds) {
    const inTest = new Set(test);
    const train = set.map((_, i) => i).filter((i) => !inTest.has(i));
    const trainGold = train.map((i) => set[i]!.gold);
    let best = 0;
    let bestValue = Number.NEGATIVE_INFINITY;
    table.forEach((scores, g) => {
      const value = objective(
        train.map((i) => scores[i]!),
        trainGold,
      );
      if (value > bestValue) {
        bestValue = value;
        best = g;
      }
    });
    picked.push(grid[best]!);
    for (const i of test) predicted[i] = table[best]![i]!;
  }
  const gold = set.map((t) => t.gold);
  return {
    signAccuracy: signAccuracy(predicted, gold),
    withEvidence: signAccuracyWithEvidence(predicted, gold),
    pearson: pearson(predicted, gold),
    coverage: coverage(predicted),
    picked,
  };
}

/** The shipped scorer as it is, no tuning: what the product does on this set. */
export function scoreAsShipped(set: GoldText[]): { signAccuracy: number; pearson: number; coverage: number } {
  const predicted = set.map((t) => scoreSentiment(t.text).score);
  const gold = set.map((t) => t.gold);
  return {
    signAccuracy: signAccuracy(predicted, gold),
    pearson: pearson(predicted, gold),
    coverage: coverage(predicted),
  };
}
