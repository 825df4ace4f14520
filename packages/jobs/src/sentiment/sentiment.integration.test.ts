import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createDuckDbStore } from '@tradehits/analytics/duckdb-store';
import type { AnalyticsStore } from '@tradehits/analytics/store';
import { loadConfig } from '@tradehits/config';
import { markTriggeringPosts } from '@tradehits/sentiment/political';
import { sentimentFor } from '@tradehits/sentiment/reading';
import {
  type FakeSentimentApis,
  startFakeSentimentApis,
  truthStatus,
} from '@tradehits/sentiment/testing/fake-sentiment-apis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSentimentAggregate } from './aggregate';
import { runSentimentCollect } from './collect';

const now = Date.parse('2025-06-02T14:03:20Z');
const minutesAgo = (m: number) => new Date(now - m * 60_000).toISOString();

const RSS = `<?xml version="1.0"?><rss version="2.0"><channel><title>Markets</title>
<item><title>Tesla shares surge after record deliveries beat estimates</title><guid>n-1</guid>
<link>https://news.example/tsla</link><pubDate>${new Date(now - 20 * 60_000).toUTCString()}</pubDate></item>
<item><title>Bitcoin and Tesla rally as risk appetite returns</title><guid>n-2</guid>
<link>https://news.example/both</link><pubDate>${new Date(now - 40 * 60_000).toUTCString()}</pubDate></item>
<item><title>Local bakery wins award for apple pie</title><guid>n-3</guid>
<link>https://news.example/pie</link><pubDate>${new Date(now - 30 * 60_000).toUTCString()}</pubDate></item>
<item><title>No date here</title><guid>n-4</guid></item>
</channel></rss>`;

let fake: FakeSentimentApis;
let store: AnalyticsStore;
let dir: string;

beforeAll(async () => {
  fake = await startFakeSentimentApis({
    cmcKey: 'cmc-key',
    xToken: 'x-token',
    quotes: { BTC: { name: 'Bitcoin', change24h: 4, change7d: 8, lastUpdated: minutesAgo(3) } },
    xPosts: {
      realDonaldTrump: [
        { id: '1930', text: 'Tesla is doing a terrible job, a disaster!', createdAt: minutesAgo(10) },
      ],
    },
    xSearchPosts: [
      {
        id: '1931',
        username: 'teslabull',
        text: '$TSLA deliveries crushed estimates, loading more calls',
        createdAt: minutesAgo(5),
      },
    ],
    truthPosts: {
      realDonaldTrump: [
        truthStatus(
          '114',
          minutesAgo(15),
          '<p>Massive new tariffs on all imports starting Monday. Bad for cheaters!</p>',
        ),
        { id: 'broken' },
      ],
    },
    feeds: { '/markets.xml': RSS },
  });
  dir = mkdtempSync(path.join(tmpdir(), 'sentiment-it-'));
  store = await createDuckDbStore(path.join(dir, 'analytics.duckdb'));
  await store.migrate();
});

afterAll(async () => {
  await store?.close();
  await fake?.close();
  rmSync(dir, { recursive: true, force: true });
});

const config = () =>
  loadConfig(
    {
      CMC_API_KEY: 'cmc-key',
      CMC_API_URL: fake.url,
      NEWS_FEEDS: `${fake.url}/markets.xml`,
      X_BEARER_TOKEN: 'x-token',
      X_API_URL: fake.url,
      TRUTH_SOCIAL_URL: fake.url,
    },
    dir,
  );

describe('sentiment collect and aggregate over DuckDB', () => {
  it('collects scored items from every source, idempotently', async () => {
    const first = await runSentimentCollect({ config: config(), store, now });
    expect(first.perSource).toEqual([
      { id: 'coinmarketcap', status: 'ok', count: 1, warnings: ['content endpoint not in this plan'] },
      { id: 'news', status: 'ok', count: 3 },
      { id: 'x', status: 'ok', count: 1 },
      { id: 'x-search', status: 'ok', count: 1 },
      { id: 'truth-social', status: 'ok', count: 1 },
    ]);
    expect(first).toMatchObject({ fetched: 7, skipped: 2, unmatched: 1, stored: 6 });

    const window = { from: now - 3_600_000, to: now };
    const tesla = await store.sentimentItems({ symbol: 'TSLA', ...window });
    expect(tesla.map((i) => [i.source, i.itemId, i.category])).toEqual([
      ['news', 'n-2', 'bullish'],
      ['news', 'n-1', 'bullish'],
      ['x', '1930', 'bearish'],
      ['x-search', '1931', 'bullish'],
    ]);
    // The item naming a coin and a stock is stored once per asset type, each with its own symbols.
    const btc = await store.sentimentItems({ symbol: 'BTC/USD', ...window });
    expect(btc.map((i) => [i.itemId, i.symbols])).toEqual([
      ['n-2', ['BTC/USD']],
      [expect.stringMatching(/^quote:BTC:/), ['BTC/USD']],
    ]);
    expect(btc[1]!.score).toBeGreaterThan(50);

    const posts = await store.politicalPosts(window);
    expect(posts.map((p) => [p.source, p.itemId, p.impact, p.assetsAffected])).toEqual([
      ['truth-social', '114', 'medium', ['SPY', 'QQQ', 'DIA']],
      ['x', '1930', 'high', ['TSLA']],
    ]);

    const again = await runSentimentCollect({ config: config(), store, now });
    expect(again.stored).toBe(6);
    expect(await store.sentimentItems({ symbol: 'TSLA', ...window })).toHaveLength(4);
    expect(await store.politicalPosts(window)).toHaveLength(2);
  });

  it('aggregates what was collected, and the engine reads it back', async () => {
    const symbols = [
      { symbol: 'TSLA', assetType: 'stock' as const },
      { symbol: 'BTC/USD', assetType: 'crypto' as const },
      { symbol: 'ETH/USD', assetType: 'crypto' as const },
    ];
    const result = await runSentimentAggregate({ store, symbols, now });
    expect(result.asOf).toBe(Date.parse('2025-06-02T14:00:00Z'));
    expect(result.written).toBe(6);

    const tesla = await store.latestSentimentAggregate('TSLA', '1h', now);
    expect(tesla).toMatchObject({ symbol: 'TSLA', window: '1h', total: 4, bullish: 3, bearish: 1 });
    expect(tesla!.bySource.news).toBeGreaterThan(0);
    expect(tesla!.bySource.social).toBeGreaterThan(0);
    expect(tesla!.bySource.political).toBeLessThan(0);
    expect(await store.latestSentimentAggregate('ETH/USD', '24h', now)).toMatchObject({
      total: 0,
      average: null,
      signal: 'hold',
    });

    // A retry a minute later lands on the same 5-minute stamp and rewrites the same rows.
    await runSentimentAggregate({ store, symbols, now: now + 60_000 });
    expect(
      await store.sentimentTimeline({
        symbol: 'TSLA',
        window: '24h',
        from: now - 3_600_000,
        to: now + 3_600_000,
      }),
    ).toHaveLength(1);

    const reading = await sentimentFor(store, 'TSLA', now);
    expect(reading.score).toBe(tesla!.average);
    expect(reading.politicalMin).toBeLessThan(0);
    // Three hours on, no fresh aggregate: the score is unknown, the day's political post still counts.
    const later = await sentimentFor(store, 'TSLA', now + 3 * 3_600_000);
    expect(later).toEqual({
      score: null,
      politicalMin: reading.politicalMin,
      politicalScore: reading.politicalScore,
    });
    expect(await sentimentFor(store, 'TSLA', now + 25 * 3_600_000)).toEqual({
      score: null,
      politicalMin: null,
      politicalScore: null,
    });
  });

  it('marks the political posts behind an opened trade, once', async () => {
    const window = { from: now - 3_600_000, to: now };
    expect(await markTriggeringPosts(store, ['TSLA', 'TSLA'], now)).toBe(1);
    expect(await markTriggeringPosts(store, ['TSLA'], now)).toBe(0);
    const posts = await store.politicalPosts(window);
    expect(posts.map((p) => [p.itemId, p.triggeredTrades])).toEqual([
      ['114', false],
      ['1930', true],
    ]);
    // A market-wide post counts for the index funds it affects.
    expect(await markTriggeringPosts(store, ['SPY', 'BTC/USD'], now)).toBe(1);
    expect((await store.politicalPosts(window)).every((p) => p.triggeredTrades)).toBe(true);
  });

  it('rejects a bad instrument before writing anything', async () => {
    const before = await store.sentimentTimeline({
      symbol: 'AAPL',
      window: '1h',
      from: 0,
      to: now + 86_400_000,
    });
    await expect(
      runSentimentAggregate({
        store,
        symbols: [
          { symbol: 'AAPL', assetType: 'stock' },
          { symbol: '', assetType: 'stock' },
        ],
        now,
      }),
    ).rejects.toThrow(/invalid instrument/);
    expect(
      await store.sentimentTimeline({ symbol: 'AAPL', window: '1h', from: 0, to: now + 86_400_000 }),
    ).toEqual(before);
  });

  it('reports every source failing as an error so the queue retries', async () => {
    const broken = loadConfig({ CMC_API_KEY: 'wrong', CMC_API_URL: fake.url }, dir);
    await expect(runSentimentCollect({ config: broken, store, now })).rejects.toThrow(
      /every source failed: coinmarketcap: .*401/,
    );
  });
});
