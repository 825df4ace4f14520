import { NEUTRAL_BAND } from './sentiment-score';
import type {
  AssetType,
  PoliticalPost,
  SentimentAggregate,
  SentimentItem,
  SentimentSourceKind,
  SentimentTrend,
  SentimentWindow,
} from './types';

/** Length of each aggregation window in milliseconds. */
export const SENTIMENT_WINDOW_MS: Record<SentimentWindow, number> = {
  '1h': 60 * 60_000,
  '24h': 24 * 60 * 60_000,
};

/** The four source kinds, in the order aggregates list them. */
export const SENTIMENT_SOURCE_KINDS = [
  'news',
  'social',
  'political',
  'coinmarketcap',
] as const satisfies readonly SentimentSourceKind[];

/** Second-half mean minus first-half mean beyond this many points is a trend. */
export const TREND_THRESHOLD = 10;
/** An average at or beyond ±this, with enough confidence, is a buy or sell signal. */
export const SIGNAL_THRESHOLD = 20;
/** Least confidence for a buy or sell signal. */
export const SIGNAL_MIN_CONFIDENCE = 0.3;
/** Mentions at which the evidence counts as complete (confidence can reach 1). */
export const FULL_EVIDENCE_MENTIONS = 10;

/** The part of an item aggregation needs. */
export type ScoredMention = Pick<SentimentItem, 'kind' | 'score' | 'postedAt' | 'symbols'>;

/**
 * Sentiment of one symbol over a window ending at `asOf` (items with asOf − window < postedAt ≤ asOf).
 * - average: mean score, one decimal; null with no items.
 * - trend: mean of the window's second half minus mean of its first half; beyond ±TREND_THRESHOLD it is
 *   rising or falling, otherwise (or when a half is empty) flat.
 * - bullish/bearish: items beyond the neutral band (±10); total: all items.
 * - confidence: evidence × agreement, where evidence = min(1, total / 10) and agreement =
 *   |bullish − bearish| / total (a split or all-neutral crowd gives little confidence).
 * - signal: buy when average ≥ 20 and confidence ≥ 0.3, sell when average ≤ −20 and the same; else hold.
 */
export function aggregateSentiment(input: {
  symbol: string;
  assetType: AssetType;
  window: SentimentWindow;
  asOf: number;
  items: readonly ScoredMention[];
}): SentimentAggregate {
  const { symbol, assetType, window, asOf } = input;
  const span = SENTIMENT_WINDOW_MS[window];
  const start = asOf - span;
  const items = input.items.filter(
    (i) => i.symbols.includes(symbol) && i.postedAt > start && i.postedAt <= asOf,
  );

  const average = mean(items.map((i) => i.score));
  const middle = start + span / 2;
  const first = mean(items.filter((i) => i.postedAt <= middle).map((i) => i.score));
  const second = mean(items.filter((i) => i.postedAt > middle).map((i) => i.score));
  let trend: SentimentTrend = 'flat';
  if (first !== null && second !== null) {
    if (second - first > TREND_THRESHOLD) trend = 'rising';
    else if (second - first < -TREND_THRESHOLD) trend = 'falling';
  }

  const bullish = items.filter((i) => i.score > NEUTRAL_BAND).length;
  const bearish = items.filter((i) => i.score < -NEUTRAL_BAND).length;
  const total = items.length;
  const bySource = Object.fromEntries(
    SENTIMENT_SOURCE_KINDS.map((kind) => [
      kind,
      mean(items.filter((i) => i.kind === kind).map((i) => i.score)),
    ]),
  ) as Record<SentimentSourceKind, number | null>;

  const evidence = Math.min(1, total / FULL_EVIDENCE_MENTIONS);
  const agreement = total === 0 ? 0 : Math.abs(bullish - bearish) / total;
  const confidence = Math.round(evidence * agreement * 100) / 100;
  let signal: SentimentAggregate['signal'] = 'hold';
  if (average !== null && confidence >= SIGNAL_MIN_CONFIDENCE) {
    if (average >= SIGNAL_THRESHOLD) signal = 'buy';
    else if (average <= -SIGNAL_THRESHOLD) signal = 'sell';
  }

  return {
    symbol,
    assetType,
    window,
    asOf,
    average,
    trend,
    bullish,
    bearish,
    total,
    bySource,
    signal,
    confidence,
  };
}

/**
 * Expected market impact of a political post:
 * - high: it names one of our assets and is strongly worded (|score| ≥ 50);
 * - medium: it names one of our assets with a clear lean (|score| > 10), or it is a strongly worded
 *   market-wide post (tariffs, the Fed, "the market") without naming an asset;
 * - low: everything else.
 */
export function politicalImpact(post: {
  score: number;
  namesAsset: boolean;
  marketWide: boolean;
}): PoliticalPost['impact'] {
  const strength = Math.abs(post.score);
  if (post.namesAsset && strength >= 50) return 'high';
  if (post.namesAsset && strength > NEUTRAL_BAND) return 'medium';
  if (post.marketWide && strength >= 50) return 'medium';
  return 'low';
}

function mean(xs: number[]): number | null {
  if (xs.length === 0) return null;
  return Math.round((xs.reduce((a, b) => a + b, 0) / xs.length) * 10) / 10;
}
