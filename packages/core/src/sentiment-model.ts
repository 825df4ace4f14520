import { categorize, scoreByRules, type TextSentiment } from './sentiment-score';
import { SHIPPED_SENTIMENT_MODEL } from './sentiment-weights.gen';

/**
 * The shipped sentiment scorer: the finance rules' score plus learned word weights, in one logistic
 * model. The rules carry what they understand (negation, "losses narrow", sized moves); the learned
 * words cover what no rule names ("to open 50 stores", "job cuts"). Pure and deterministic.
 */

/** A linear model over the rules' compound score (−1…1) and word features; `z > 0` reads bullish. */
export interface SentimentModel {
  /** Weight of the rules' compound score. */
  ruleWeight: number;
  /** Weight per feature (a word or a two-word phrase); features not listed weigh 0. */
  weights: Readonly<Record<string, number>>;
}

/** A scored text, with the learned words that moved it beside the rules' hits. */
export interface ModelSentiment extends TextSentiment {
  /** The rules' own score, −100…100. */
  rules: number;
  /** Each learned feature found in the text with its weight, strongest first. */
  learned: { term: string; weight: number }[];
}

/** Words too common to say anything on their own. */
const STOP_WORDS = new Set([
  'a',
  'an',
  'and',
  'are',
  'as',
  'at',
  'be',
  'by',
  'for',
  'from',
  'in',
  'is',
  'it',
  'its',
  'of',
  'on',
  'that',
  'the',
  'this',
  'to',
  'with',
]);

/**
 * The features of a text: its distinct words (lower-case, no stop words) and adjacent word pairs.
 * Cashtags and links are left out: a ticker says what a text is about, not how it feels.
 */
export function textFeatures(text: string): string[] {
  const words =
    text
      .toLowerCase()
      .replace(/https?:\/\/\S+/g, ' ')
      .replace(/\$[a-z][a-z0-9.]*/g, ' ')
      .match(/[a-z]+/g) ?? [];
  const features = new Set(words.filter((w) => w.length > 1 && !STOP_WORDS.has(w)));
  for (let i = 1; i < words.length; i++) features.add(`${words[i - 1]} ${words[i]}`);
  return [...features];
}

/**
 * Scores a text from −100 (very bearish) to 100 (very bullish) as 100 · tanh(z / 4). The softer
 * scale keeps the score's correlation with graded gold scores where the rules alone had it.
 */
export function scoreSentiment(
  text: string,
  model: SentimentModel = SHIPPED_SENTIMENT_MODEL,
): ModelSentiment {
  const rules = scoreByRules(text);
  // The log-odds that the text is bullish: the rules' compound plus the weight of each known feature.
  let z = model.ruleWeight * (rules.score / 100);
  const learned: { term: string; weight: number }[] = [];
  for (const term of textFeatures(text)) {
    // Own keys only: a word like "constructor" must not find Object.prototype's.
    const weight = Object.hasOwn(model.weights, term) ? model.weights[term]! : 0;
    if (weight === 0) continue;
    z += weight;
    learned.push({ term, weight });
  }
  learned.sort((a, b) => Math.abs(b.weight) - Math.abs(a.weight));
  // A text with neither rule hits nor known words stays exactly 0: no evidence is not a lean.
  const score = Math.round(100 * Math.tanh(z / 4)) + 0;
  return { score, category: categorize(score), hits: rules.hits, rules: rules.score, learned };
}
