import type { PoliticalPost, SentimentAggregate, SentimentReading, SentimentWindow } from '@tradehits/core';
import { SENTIMENT_WINDOW_MS } from '@tradehits/core/sentiment-aggregate';

/**
 * Aggregates are computed every 5–15 minutes; one older than this is stale and the sentiment is
 * unknown (a source or the job is down): the engine then treats sentiment as failed, not as neutral.
 */
export const READING_MAX_AGE_MS = 60 * 60_000;

/** The reads this needs; the analytics store (`AnalyticsStore`) provides them. */
export interface SentimentReadStore {
  latestSentimentAggregate(
    symbol: string,
    window: SentimentWindow,
    asOf?: number,
  ): Promise<SentimentAggregate | null>;
  latestSentimentAggregates(
    window: SentimentWindow,
    q: { from: number; to: number },
  ): Promise<SentimentAggregate[]>;
  politicalPosts(q: { from: number; to: number; symbol?: string }): Promise<PoliticalPost[]>;
}

/**
 * The sentiment the engine uses for a symbol at `asOf`:
 * - score: the 24 h aggregate's average (the 1 h window is too thin for most symbols), from the newest
 *   aggregate at or before `asOf` and no older than READING_MAX_AGE_MS; null otherwise;
 * - politicalMin / politicalScore: the lowest and the mean score of political posts naming the symbol
 *   or affecting it (a market-wide post) in the 24 h before `asOf`; null without any.
 */
export async function sentimentFor(
  store: SentimentReadStore,
  symbol: string,
  asOf: number,
): Promise<SentimentReading> {
  const [aggregate, posts] = await Promise.all([
    store.latestSentimentAggregate(symbol, '24h', asOf),
    store.politicalPosts({ from: asOf - SENTIMENT_WINDOW_MS['24h'], to: asOf, symbol }),
  ]);
  return readingOf(symbol, aggregate, posts, asOf);
}

/** `sentimentFor` of every symbol at once, in two reads whatever their number (an engine tick's view). */
export async function sentimentForSymbols(
  store: SentimentReadStore,
  symbols: readonly string[],
  asOf: number,
): Promise<Map<string, SentimentReading>> {
  const [aggregates, posts] = await Promise.all([
    store.latestSentimentAggregates('24h', { from: asOf - READING_MAX_AGE_MS, to: asOf }),
    store.politicalPosts({ from: asOf - SENTIMENT_WINDOW_MS['24h'], to: asOf }),
  ]);
  const bySymbol = new Map(aggregates.map((a) => [a.symbol, a]));
  return new Map(symbols.map((s) => [s, readingOf(s, bySymbol.get(s) ?? null, posts, asOf)]));
}

function readingOf(
  symbol: string,
  aggregate: SentimentAggregate | null,
  posts: readonly PoliticalPost[],
  asOf: number,
): SentimentReading {
  const fresh = aggregate !== null && asOf - aggregate.asOf <= READING_MAX_AGE_MS;
  const scores = posts
    .filter((p) => p.symbols.includes(symbol) || p.assetsAffected.includes(symbol))
    .map((p) => p.score);
  return {
    score: fresh ? aggregate.average : null,
    politicalMin: scores.length > 0 ? Math.min(...scores) : null,
    politicalScore:
      scores.length > 0 ? Math.round((scores.reduce((a, b) => a + b, 0) / scores.length) * 10) / 10 : null,
  };
}

/**
 * The recorded 24 h aggregates of one symbol as a score series: the score at `asOf` is the newest
 * aggregate at or before it and no older than READING_MAX_AGE_MS, null otherwise (the rule
 * `sentimentFor` applies to one instant). `aggregates` must be sorted by `asOf`; lookups must not go
 * back in time.
 */
export function sentimentScoreSeries(
  aggregates: readonly SentimentAggregate[],
): (asOf: number) => number | null {
  let next = 0;
  let current: SentimentAggregate | null = null;
  let lastAsOf = Number.NEGATIVE_INFINITY;
  return (asOf) => {
    if (asOf < lastAsOf) throw new Error(`sentimentScoreSeries: asked for ${asOf} after ${lastAsOf}`);
    lastAsOf = asOf;
    while (next < aggregates.length && aggregates[next]!.asOf <= asOf) current = aggregates[next++]!;
    return current !== null && asOf - current.asOf <= READING_MAX_AGE_MS ? current.average : null;
  };
}
