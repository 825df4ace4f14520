import { loadConfig } from '@tradehits/config';
import type { SentimentAggregate } from '@tradehits/core';
import { describe, expect, it } from 'vitest';
import { READING_MAX_AGE_MS, sentimentScoreSeries } from './reading';
import { anySentimentSourceConfigured } from './sources/index';

const T0 = Date.UTC(2026, 10, 10, 12);
const MIN = 60_000;

function aggregate(minutes: number, average: number | null): SentimentAggregate {
  return {
    symbol: 'BTC/USD',
    assetType: 'crypto',
    window: '24h',
    asOf: T0 + minutes * MIN,
    average,
    trend: 'flat',
    bullish: 1,
    bearish: 1,
    total: 2,
    bySource: { news: average, social: null, political: null, coinmarketcap: null },
    signal: 'hold',
    confidence: 0.5,
  };
}

describe('sentimentScoreSeries', () => {
  it('gives the newest recorded score at each instant, unknown before the first and once it is stale', () => {
    const scoreAt = sentimentScoreSeries([aggregate(0, 10), aggregate(30, null), aggregate(60, 42)]);
    expect(scoreAt(T0 - 1)).toBeNull();
    expect(scoreAt(T0)).toBe(10);
    expect(scoreAt(T0 + 29 * MIN)).toBe(10);
    expect(scoreAt(T0 + 30 * MIN)).toBeNull(); // recorded with no score
    expect(scoreAt(T0 + 60 * MIN)).toBe(42);
    expect(scoreAt(T0 + 60 * MIN + READING_MAX_AGE_MS)).toBe(42);
    expect(scoreAt(T0 + 60 * MIN + READING_MAX_AGE_MS + 1)).toBeNull();
    expect(() => scoreAt(T0)).toThrow(/asked for/);
  });
});

describe('anySentimentSourceConfigured', () => {
  it('is false with nothing configured and true with any one source', () => {
    expect(anySentimentSourceConfigured(loadConfig({}))).toBe(false);
    expect(anySentimentSourceConfigured(loadConfig({ NEWS_FEEDS: 'https://example.test/feed.xml' }))).toBe(
      true,
    );
    expect(anySentimentSourceConfigured(loadConfig({ CMC_API_KEY: 'k' }))).toBe(true);
    expect(anySentimentSourceConfigured(loadConfig({ TRUTH_SOCIAL_URL: 'https://truth.example.test' }))).toBe(
      true,
    );
    // A token without accounts or a query still searches cashtags: configured.
    expect(anySentimentSourceConfigured(loadConfig({ X_BEARER_TOKEN: 't' }))).toBe(true);
  });
});
