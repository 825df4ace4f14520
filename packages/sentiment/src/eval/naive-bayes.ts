import type { GoldText } from './datasets';
import { kFolds, pearson, signAccuracy } from './metrics';

/**
 * A multinomial naive Bayes on word unigrams and bigrams, trained per fold. It exists only to compare
 * against the rule scorer in the eval: it is never shipped, since its weights would be derived from
 * research-only data.
 */

function features(text: string): string[] {
  const words =
    text
      .toLowerCase()
      .replace(/https?:\/\/\S+/g, ' ')
      .replace(/\$[a-z][a-z0-9.]*/g, ' ')
      .match(/[a-z0-9']+/g) ?? [];
  const bigrams = words.slice(1).map((w, i) => `${words[i]} ${w}`);
  return [...words, ...bigrams];
}

interface Model {
  logPrior: [number, number];
  logLikelihood: [Map<string, number>, Map<string, number>];
  unseen: [number, number];
}

function train(set: GoldText[]): Model {
  const counts: [Map<string, number>, Map<string, number>] = [new Map(), new Map()];
  const docs = [0, 0];
  const totals = [0, 0];
  const vocabulary = new Set<string>();
  for (const t of set) {
    if (t.gold === 0) continue;
    const c = t.gold > 0 ? 1 : 0;
    docs[c]!++;
    for (const f of features(t.text)) {
      counts[c].set(f, (counts[c].get(f) ?? 0) + 1);
      totals[c]!++;
      vocabulary.add(f);
    }
  }
  const v = vocabulary.size;
  const like = (c: 0 | 1) =>
    new Map([...counts[c]].map(([f, n]) => [f, Math.log((n + 1) / (totals[c]! + v))]));
  const n = docs[0]! + docs[1]!;
  return {
    logPrior: [Math.log(docs[0]! / n), Math.log(docs[1]! / n)],
    logLikelihood: [like(0), like(1)],
    unseen: [Math.log(1 / (totals[0]! + v)), Math.log(1 / (totals[1]! + v))],
  };
}

/** P(positive) − P(negative), in −1…1. */
function predict(model: Model, text: string): number {
  let [logNeg, logPos] = model.logPrior;
  for (const f of features(text)) {
    // Words seen in neither class carry no evidence.
    if (!model.logLikelihood[0].has(f) && !model.logLikelihood[1].has(f)) continue;
    logNeg += model.logLikelihood[0].get(f) ?? model.unseen[0];
    logPos += model.logLikelihood[1].get(f) ?? model.unseen[1];
  }
  const pPos = 1 / (1 + Math.exp(logNeg - logPos));
  return 2 * pPos - 1;
}

/** k-fold cross-validated sign accuracy and correlation of the naive Bayes comparison model. */
export function crossValidateNaiveBayes(set: GoldText[], k = 5): { signAccuracy: number; pearson: number } {
  const predicted = new Array<number>(set.length).fill(0);
  for (const test of kFolds(set.length, k)) {
    const inTest = new Set(test);
    const model = train(set.filter((_, i) => !inTest.has(i)));
    for (const i of test) predicted[i] = predict(model, set[i]!.text);
  }
  const gold = set.map((t) => t.gold);
  return { signAccuracy: signAccuracy(predicted, gold), pearson: pearson(predicted, gold) };
}
