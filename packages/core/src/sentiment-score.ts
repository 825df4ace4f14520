import {
  BAD_THINGS,
  BOOSTERS,
  CONTRAST_AFTER,
  CONTRAST_BEFORE,
  DIRECTIONS,
  EMOJI_VALENCE,
  FINANCE_LEXICON,
  FINANCE_PHRASES,
  GOOD_THINGS,
  LINKERS,
  MILESTONES,
  NEGATIONS,
  SCANT,
} from './sentiment-lexicon';
import type { SentimentCategory } from './types';

/**
 * Rule-based, finance-aware sentiment scoring (VADER's rules over a finance lexicon). Pure and
 * deterministic: the same text always gets the same score, on the CPU, with nothing downloaded.
 */

/** Knobs of the scorer; the defaults are what ships. The eval tunes them on training folds only. */
export interface ScorerOptions {
  /** Normalisation constant of VADER's compound: larger means a single word moves the score less. */
  alpha: number;
  /** Factor applied to a word preceded by a negation within three words. */
  negation: number;
  /** Weights of the clause before and after "but"/"however". */
  beforeContrast: number;
  afterContrast: number;
  /** Weight of a clause opened by "despite". */
  despiteClause: number;
  /** Least valence of a direction word that moves a good or bad thing ("losses narrow" → +this). */
  thingMove: number;
}

/** The shipped scorer settings. */
export const DEFAULT_SCORER_OPTIONS: ScorerOptions = {
  alpha: 15,
  negation: -0.74,
  beforeContrast: 0.5,
  afterContrast: 1.5,
  despiteClause: 0.4,
  thingMove: 1.6,
};

/** Scores within ±this are neutral: one faint word (e.g. "earnings" at 0.3 → 8) stays neutral. */
export const NEUTRAL_BAND = 10;

/** bearish < −10 ≤ neutral ≤ 10 < bullish. */
export function categorize(score: number, band = NEUTRAL_BAND): SentimentCategory {
  if (score > band) return 'bullish';
  if (score < -band) return 'bearish';
  return 'neutral';
}

/** A scored text: −100…100, its category, and the words that moved it (for explaining a score). */
export interface TextSentiment {
  score: number;
  category: SentimentCategory;
  /** Each contributing word or phrase with its final valence after the rules. */
  hits: { term: string; valence: number }[];
}

interface Token {
  /** Lower-cased, apostrophes removed. */
  word: string;
  raw: string;
  /** True for punctuation that ends a clause. */
  isBreak: boolean;
}

const URL = /\bhttps?:\/\/\S+|\bwww\.\S+/gi;
const CASHTAG = /\$[A-Za-z][A-Za-z0-9.]{0,9}\b/g;
const MENTION = /@\w+/g;
// Numbers stay whole ("5.2%", "1,200", "1.5bn") so their dots and commas do not end a clause.
const TOKEN = /\d+(?:[.,]\d+)*(?:%|[A-Za-z]+)?|[A-Za-z0-9]+(?:'[A-Za-z]+)?|[.,;:!?]/g;
const CAPS_EMPHASIS = 0.733;
const EXCLAMATION_EMPHASIS = 0.292;
const MAX_PHRASE_WORDS = 5;
/** Least valence of a move quantified in percent ("falls 6 %"): in news a sized move is strong evidence. */
const PERCENT_MOVE = 2.5;
const PERCENT_WORDS = new Set(['percent', 'pct', 'percentage', 'points']);
/** Words that may sit between a move and its size: "rose by almost 5 %". */
const SIZE_FILLERS = new Set([
  'by',
  'about',
  'around',
  'nearly',
  'almost',
  'over',
  'more',
  'than',
  'some',
  'as',
  'much',
  'up',
  'to',
]);
const PHRASES = new Map(
  Object.entries(FINANCE_PHRASES).map(([p, v]) => [
    tokenize(p)
      .map((t) => t.word)
      .join(' '),
    v,
  ]),
);

function tokenize(text: string): Token[] {
  const cleaned = text.replace(/[’‘]/g, "'").replace(/[-–—/]/g, ' ');
  return (cleaned.match(TOKEN) ?? []).map((raw) => ({
    raw,
    word: raw.toLowerCase().replace(/'/g, ''),
    isBreak: /^[.,;:!?]$/.test(raw),
  }));
}

/** The word and its likely base forms, most specific first ("dropped" → dropped, dropp, drop). */
function baseForms(word: string): string[] {
  const forms = [word];
  const strip = (suffix: string, add = '') => {
    if (word.length > suffix.length + 2 && word.endsWith(suffix)) {
      const stem = word.slice(0, -suffix.length);
      forms.push(stem + add);
      // Doubled consonant: slipped → slip, tanking → tank is untouched.
      if (!add && stem.length > 3 && stem.at(-1) === stem.at(-2)) forms.push(stem.slice(0, -1));
    }
  };
  if (!word.endsWith('ss')) strip('s');
  strip('es');
  strip('ies', 'y');
  strip('ied', 'y');
  strip('ed');
  strip('d');
  strip('ing');
  strip('ing', 'e');
  return forms;
}

function lookup<T>(table: Readonly<Record<string, T>>, word: string): T | undefined {
  for (const form of baseForms(word)) {
    if (Object.hasOwn(table, form)) return table[form];
  }
  return undefined;
}

/** −1 for a bad thing (losses, costs), +1 for a good thing (profit, sales), 0 otherwise. */
function thingPolarity(word: string): -1 | 0 | 1 {
  if (BAD_THINGS.has(word)) return -1;
  if (GOOD_THINGS.has(word)) return 1;
  return 0;
}

/** Scores a text from −100 (very bearish) to 100 (very bullish). */
export function scoreByRules(text: string, options: ScorerOptions = DEFAULT_SCORER_OPTIONS): TextSentiment {
  const emojiHits: { term: string; valence: number }[] = [];
  for (const [emoji, valence] of Object.entries(EMOJI_VALENCE)) {
    const count = text.split(emoji).length - 1;
    for (let i = 0; i < count; i++) emojiHits.push({ term: emoji, valence });
  }
  const stripped = text.replace(URL, ' ').replace(CASHTAG, ' ').replace(MENTION, ' ');
  const tokens = tokenize(stripped);
  const letters = stripped.replace(/[^A-Za-z]/g, '');
  // Caps only emphasise when the rest of the text is not shouted too.
  const mostlyCaps = letters.length > 0 && letters.replace(/[^A-Z]/g, '').length / letters.length > 0.6;

  const valences = new Array<number>(tokens.length).fill(0);
  const terms = new Array<string>(tokens.length).fill('');
  const consumed = new Array<boolean>(tokens.length).fill(false);

  // 1. Phrases, longest first, so "sell off" is one bearish term and not "sell" plus "off".
  for (let i = 0; i < tokens.length; i++) {
    for (let n = Math.min(MAX_PHRASE_WORDS, tokens.length - i); n >= 2; n--) {
      const slice = tokens.slice(i, i + n);
      if (slice.some((t) => t.isBreak)) continue;
      const key = slice.map((t) => t.word).join(' ');
      const valence = PHRASES.get(key);
      if (valence === undefined) continue;
      valences[i] = valence;
      terms[i] = key;
      for (let k = i; k < i + n; k++) consumed[k] = true;
      i += n - 1;
      break;
    }
  }

  // 2. Single words. A direction word next to a good or bad thing takes its sign from the pair:
  //    "profit dips" is bad, "losses narrow" good; the noun itself is then not scored again.
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (consumed[i] || token.isBreak) continue;
    const direction = lookup(DIRECTIONS, token.word);
    if (direction !== undefined) {
      let near = clauseNeighbours(tokens, i, 3, true).find(
        (j) => !consumed[j] && thingPolarity(tokens[j]!.word) !== 0,
      );
      // In a compound the last noun is the thing: "lower production costs" lowers costs.
      while (near !== undefined && near + 1 !== i && isFreeThing(tokens, consumed, near + 1)) near++;
      if (near !== undefined) {
        const strength = Math.max(options.thingMove, Math.abs(lookup(FINANCE_LEXICON, token.word) ?? 0));
        valences[i] = thingPolarity(tokens[near]!.word) * direction * strength;
        terms[i] = `${tokens[near]!.word} ${token.word}`;
        consumed[near] = true;
        valences[near] = 0;
        continue;
      }
    }
    // "hits a new high" reaches something; only "hit by costs" is a blow.
    if (REACH_VERBS.has(token.word) && reachesMilestone(tokens, i)) continue;
    const valence = lookup(FINANCE_LEXICON, token.word);
    if (valence !== undefined && !consumed[i]) {
      valences[i] = valence;
      terms[i] = token.word;
    }
  }

  // 2a. A good or bad thing that something of the opposite sign acts on is only the topic:
  //     in "profit hit by costs" the profit is not good news, in "poor profit" neither.
  const own = [...valences];
  for (let i = 0; i < tokens.length; i++) {
    if (own[i] === 0 || consumed[i] || thingPolarity(tokens[i]!.word) === 0) continue;
    const actedOn = clauseNeighbours(tokens, i, 3).some(
      (j) => Math.sign(own[j]!) === -Math.sign(own[i]!) && thingPolarity(tokens[j]!.word) === 0,
    );
    if (actedOn) valences[i] = 0;
  }

  // 2b. A move with a size in percent is strong evidence: "up 4 %", "shares fall 12 percent".
  for (let i = 0; i < tokens.length; i++) {
    const v = valences[i]!;
    if (v === 0 || lookup(DIRECTIONS, tokens[i]!.word) === undefined) continue;
    if (sizedInPercent(tokens, i + 1)) valences[i] = Math.sign(v) * Math.max(Math.abs(v), PERCENT_MOVE);
  }

  // 3. Modifiers: boosters, caps and negation look back up to three words within the clause.
  for (let i = 0; i < tokens.length; i++) {
    let v = valences[i]!;
    if (v === 0) continue;
    const sign = Math.sign(v);
    for (let back = 1; back <= 3; back++) {
      const prev = tokens[i - back];
      if (!prev || prev.isBreak) break;
      const boost = Object.hasOwn(BOOSTERS, prev.word) ? BOOSTERS[prev.word] : undefined;
      if (boost !== undefined) v += sign * boost * (1 - 0.05 * (back - 1));
    }
    const raw = tokens[i]!.raw;
    if (!mostlyCaps && raw.length > 1 && raw === raw.toUpperCase() && /[A-Z]/.test(raw))
      v += sign * CAPS_EMPHASIS;
    for (let back = 1; back <= 3; back++) {
      const prev = tokens[i - back];
      if (!prev || prev.isBreak) break;
      // "little cheer" denies the cheer; "a little better" is still better.
      const scant = SCANT.has(prev.word) && tokens[i - back - 1]?.word !== 'a';
      if (NEGATIONS.has(prev.word) || scant) {
        v *= options.negation;
        break;
      }
    }
    valences[i] = v;
  }

  // 4. Contrast: "X but Y" weighs Y over X; "despite Z" weighs its own clause down.
  const contrastAt = tokens.findIndex((t) => CONTRAST_AFTER.has(t.word));
  if (contrastAt >= 0) {
    for (let i = 0; i < tokens.length; i++) {
      if (i < contrastAt) valences[i]! *= options.beforeContrast;
      else if (i > contrastAt) valences[i]! *= options.afterContrast;
    }
  }
  tokens.forEach((t, at) => {
    if (!CONTRAST_BEFORE.has(t.word)) return;
    for (let i = at + 1; i < tokens.length && !tokens[i]!.isBreak; i++) valences[i]! *= options.despiteClause;
  });

  const hits = [
    ...tokens.flatMap((_, i) =>
      valences[i] !== 0 ? [{ term: terms[i]!, valence: round2(valences[i]!) }] : [],
    ),
    ...emojiHits,
  ];
  let sum = hits.reduce((acc, h) => acc + h.valence, 0);
  if (sum !== 0) {
    const exclamations = Math.min(4, tokens.filter((t) => t.raw === '!').length);
    sum += Math.sign(sum) * exclamations * EXCLAMATION_EMPHASIS;
  }
  const compound = sum / Math.sqrt(sum * sum + options.alpha);
  const score = Math.round(compound * 100);
  return { score, category: categorize(score), hits };
}

/** Whether a percentage follows from `from` on, past at most three filler words ("by nearly 5 %"). */
function sizedInPercent(tokens: Token[], from: number): boolean {
  for (let i = from; i < Math.min(tokens.length, from + 4); i++) {
    const { word, isBreak } = tokens[i]!;
    if (isBreak) return false;
    if (/^\d[\d.,]*%$/.test(word)) return true;
    if (/^\d[\d.,]*$/.test(word)) {
      const next = tokens[i + 1]?.word;
      return (
        next !== undefined && (PERCENT_WORDS.has(next) || (next === 'per' && tokens[i + 2]?.word === 'cent'))
      );
    }
    if (!SIZE_FILLERS.has(word)) return false;
  }
  return false;
}

const REACH_VERBS = new Set(['hit', 'hits', 'hitting']);

/** Whether a milestone ("high", "target", "record") follows within three words of the same clause. */
function reachesMilestone(tokens: Token[], at: number): boolean {
  return clauseNeighbours(tokens, at, 3).some((j) => j > at && MILESTONES.has(tokens[j]!.word));
}

function isFreeThing(tokens: Token[], consumed: boolean[], at: number): boolean {
  const token = tokens[at];
  return token !== undefined && !consumed[at] && thingPolarity(token.word) !== 0;
}

/**
 * Indexes within `radius` words of `at`, nearest first, not crossing a clause break, nor with
 * `stopAtLinkers` a linking word ("rebounds from losses" does not move the losses).
 */
function clauseNeighbours(tokens: Token[], at: number, radius: number, stopAtLinkers = false): number[] {
  const out: number[] = [];
  let left = true;
  let right = true;
  const stops = (k: number) =>
    k < 0 || k >= tokens.length || tokens[k]!.isBreak || (stopAtLinkers && LINKERS.has(tokens[k]!.word));
  for (let d = 1; d <= radius; d++) {
    if (left && stops(at - d)) left = false;
    if (right && stops(at + d)) right = false;
    if (left) out.push(at - d);
    if (right) out.push(at + d);
  }
  return out;
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}
