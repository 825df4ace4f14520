import type { AnalyticsStore } from '@tradehits/analytics/store';
import type { Instrument, SentimentAggregate } from '@tradehits/core';
import { aggregateSentiment, SENTIMENT_WINDOW_MS } from '@tradehits/core/sentiment-aggregate';

/**
 * Aggregates are stamped on this grid, so a retried run (a minute later) rewrites the same rows
 * (natural key symbol, window, asOf) instead of adding new ones. Matches the 5-minute schedule.
 */
export const AGGREGATE_STEP_MS = 5 * 60_000;

/** The summary of an aggregate run. */
export interface AggregateResult {
  asOf: number;
  written: number;
  aggregates: SentimentAggregate[];
}

/**
 * Computes the 1 h and 24 h aggregate of every symbol at `now` (floored to the 5-minute grid) from the
 * stored items, and upserts them in one write. Checks every symbol before reading or writing anything.
 */
export async function runSentimentAggregate(input: {
  store: AnalyticsStore;
  symbols: readonly Instrument[];
  now: number;
}): Promise<AggregateResult> {
  const { store, symbols } = input;
  if (!Number.isFinite(input.now))
    throw new Error(`sentiment.aggregate: now must be a UTC ms instant, got ${input.now}`);
  for (const s of symbols) {
    if (
      typeof s.symbol !== 'string' ||
      s.symbol.trim() === '' ||
      (s.assetType !== 'crypto' && s.assetType !== 'stock')
    ) {
      throw new Error(`sentiment.aggregate: invalid instrument ${JSON.stringify(s)}`);
    }
  }
  const asOf = Math.floor(input.now / AGGREGATE_STEP_MS) * AGGREGATE_STEP_MS;
  const aggregates: SentimentAggregate[] = [];
  for (const { symbol, assetType } of symbols) {
    const items = await store.sentimentItems({ symbol, from: asOf - SENTIMENT_WINDOW_MS['24h'], to: asOf });
    for (const window of ['1h', '24h'] as const) {
      aggregates.push(aggregateSentiment({ symbol, assetType, window, asOf, items }));
    }
  }
  const written = aggregates.length > 0 ? await store.upsertSentimentAggregates(aggregates) : 0;
  return { asOf, written, aggregates };
}
