import { createHash } from 'node:crypto';
import { scoreSentiment } from '@tradehits/core/sentiment-model';
import { DEFAULT_SCORER_OPTIONS, type ScorerOptions, scoreByRules } from '@tradehits/core/sentiment-score';
import type { GoldText } from './datasets';
import { coverage, kFolds, pearson, signAccuracy, signAccuracyWithEvidence } from './metrics';
import { type TrainingOptions, trainSentimentModel } from './train';

/** How well predicted scores match the gold ones. */
export interface Measures {
  signAccuracy: number;
  /** Sign accuracy on the texts with a non-zero score only. */
  withEvidence: number;
  pearson: number;
  coverage: number;
}

/** Cross-validated measures of the rule scorer on one set. */
export interface CvResult extends Measures {
  /** Per fold, the settings picked on the training folds. */
  picked: Partial<ScorerOptions>[];
}

export function measure(predicted: readonly number[], set: readonly GoldText[]): Measures {
  const gold = set.map((t) => t.gold);
  return {
    signAccuracy: signAccuracy(predicted, gold),
    withEvidence: signAccuracyWithEvidence(predicted, gold),
    pearson: pearson(predicted, gold),
    coverage: coverage(predicted),
  };
}

/**
 * k folds of a set's indexes that keep every copy of a text in one fold: a headline is listed once
 * per company it names, and a copy on both sides would let a model see its test text.
 */
export function textFolds(set: readonly GoldText[], k: number): number[][] {
  const texts = [...new Set(set.map((t) => t.text))];
  const foldOf = new Map<string, number>();
  kFolds(texts.length, k).forEach((fold, f) => {
    for (const i of fold) foldOf.set(texts[i]!, f);
  });
  const folds: number[][] = Array.from({ length: k }, () => []);
  set.forEach((t, i) => {
    folds[foldOf.get(t.text)!]!.push(i);
  });
  return folds;
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
export function crossValidateScorer(set: readonly GoldText[], k = 5, grid = TUNING_GRID): CvResult {
  const predicted = new Array<number>(set.length).fill(0);
  const picked: Partial<ScorerOptions>[] = [];
  const folds = textFolds(set, k);
  // Score every text once per grid point; folds only choose among the cached columns.
  const table = grid.map((g) =>
    set.map((t) => scoreByRules(t.text, { ...DEFAULT_SCORER_OPTIONS, ...g }).score),
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
  return { ...measure(predicted, set), picked };
}

/** The rule scorer at its shipped settings, no tuning. */
export function scoreByRulesAsShipped(set: readonly GoldText[]): Measures {
  return measure(
    set.map((t) => scoreByRules(t.text).score),
    set,
  );
}

/**
 * k-fold cross-validation of the shipped scorer (rules plus learned words): for each fold the word
 * weights are trained on the other folds and on `alsoTrainOn`, never on the fold itself.
 */
export function crossValidateModel(
  set: readonly GoldText[],
  alsoTrainOn: readonly GoldText[],
  k = 5,
  options?: TrainingOptions,
): Measures {
  const predicted = new Array<number>(set.length).fill(0);
  for (const test of textFolds(set, k)) {
    const inTest = new Set(test);
    const model = trainSentimentModel([...set.filter((_, i) => !inTest.has(i)), ...alsoTrainOn], options);
    for (const i of test) predicted[i] = scoreSentiment(set[i]!.text, model).score;
  }
  return measure(predicted, set);
}

/**
 * The headlines were split by the SHA-1 of their title before the lexicon was written: only titles
 * whose hash starts with an even byte were read. The odd half is the honest check on unseen text.
 */
export function splitByLexiconReading(headlines: readonly GoldText[]): {
  read: GoldText[];
  unread: GoldText[];
} {
  const unread = (t: GoldText) => (createHash('sha1').update(t.text).digest()[0]! & 1) === 1;
  return { read: headlines.filter((t) => !unread(t)), unread: headlines.filter(unread) };
}

/** The shipped scorer on the unread half, its word weights trained on the read half and the posts. */
export function measureOnUnreadHeadlines(
  headlines: readonly GoldText[],
  posts: readonly GoldText[],
): { unread: number; rules: Measures; model: Measures } {
  const { read, unread } = splitByLexiconReading(headlines);
  const model = trainSentimentModel([...read, ...posts]);
  return {
    unread: unread.length,
    rules: scoreByRulesAsShipped(unread),
    model: measure(
      unread.map((t) => scoreSentiment(t.text, model).score),
      unread,
    ),
  };
}
