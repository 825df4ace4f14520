import { loadConfig } from '@tradehits/config';
import { afterEach, describe, expect, it } from 'vitest';
import { type FakeSentimentApis, startFakeSentimentApis, truthStatus } from '../testing/fake-sentiment-apis';
import { coinMarketCapSource, marketMood } from './coinmarketcap';
import { createSources } from './index';
import { newsSource, parseFeed } from './news';
import { htmlToText, SourceError } from './source';
import { truthSocialSource } from './truth-social';
import { xSource } from './x';
import { cashtagQueries, xSearchSource } from './x-search';

const since = Date.parse('2025-06-02T00:00:00Z');
let fake: FakeSentimentApis | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

describe('createSources', () => {
  it('turns every source off, with a reason, when nothing is configured', () => {
    const sources = createSources(loadConfig({}, '/tmp'));
    expect(sources.map((s) => [s.id, s.status()])).toEqual([
      ['coinmarketcap', 'off: CMC_API_KEY not set'],
      ['news', 'off: NEWS_FEEDS not set'],
      ['x', 'off: X_BEARER_TOKEN not set'],
      ['x-search', 'off: X_BEARER_TOKEN not set'],
      ['truth-social', 'off: TRUTH_SOCIAL_URL not set'],
    ]);
  });
});

describe('coinMarketCapSource', () => {
  it('turns quotes into market-mood items and sends the key and our symbols', async () => {
    fake = await startFakeSentimentApis({
      cmcKey: 'k-123',
      quotes: {
        BTC: { name: 'Bitcoin', change24h: 5, change7d: 10, lastUpdated: '2025-06-02T10:00:00.000Z' },
        ETH: { name: 'Ethereum', change24h: -8, change7d: -4, lastUpdated: '2025-06-02T10:00:00.000Z' },
      },
    });
    const source = coinMarketCapSource({
      apiKey: 'k-123',
      baseUrl: fake.url,
      symbols: ['BTC/USD', 'ETH/USD', 'SOL/USD'],
    });
    expect(source.status()).toBe('ok');
    const result = await source.fetch(since);

    const quotes = fake.requests.find((r) => r.path === '/v2/cryptocurrency/quotes/latest')!;
    expect(quotes.query).toEqual({ symbol: 'BTC,ETH,SOL', convert: 'USD' });
    expect(quotes.headers['x-cmc_pro_api_key']).toBe('k-123');
    expect(result.items).toEqual([
      expect.objectContaining({
        itemId: `quote:BTC:${Date.parse('2025-06-02T10:00:00Z')}`,
        symbols: ['BTC/USD'],
        score: 76,
      }),
      expect.objectContaining({
        itemId: expect.stringMatching(/^quote:ETH:/),
        symbols: ['ETH/USD'],
        score: marketMood(-8, -4),
      }),
    ]);
    expect(result.items[0]!.text).toBe('Bitcoin (BTC) +5.0 % in 24 h, +10.0 % in 7 d');
    // The fake answers content with 403 like a basic plan: a warning, not a failure.
    expect(result.warnings).toEqual(['content endpoint not in this plan']);
  });

  it('reads content items, skipping and counting malformed ones', async () => {
    fake = await startFakeSentimentApis({
      cmcKey: 'k',
      quotes: {},
      content: [
        {
          title: 'Bitcoin ETF inflows surge to a record',
          subtitle: 'Institutions keep buying',
          source_name: 'CoinDesk',
          source_url: 'https://example.org/a',
          released_at: '2025-06-02T09:00:00.000Z',
          assets: [{ id: 1, name: 'Bitcoin', symbol: 'BTC' }],
        },
        { title: '', released_at: '2025-06-02T09:00:00.000Z' },
        { title: 'No date at all' },
      ],
    });
    const result = await coinMarketCapSource({ apiKey: 'k', baseUrl: fake.url, symbols: ['BTC/USD'] }).fetch(
      since,
    );
    expect(result.items).toEqual([
      expect.objectContaining({
        itemId: 'content:https://example.org/a',
        symbols: ['BTC/USD'],
        author: 'CoinDesk',
      }),
    ]);
    expect(result.skipped).toBe(2);
    expect(fake.requests.find((r) => r.path === '/v1/content/latest')?.query).toMatchObject({
      symbol: 'BTC',
      news_type: 'news',
    });
  });

  it('fails as a whole with the status when the key is refused', async () => {
    fake = await startFakeSentimentApis({ cmcKey: 'right' });
    const source = coinMarketCapSource({ apiKey: 'wrong', baseUrl: fake.url, symbols: ['BTC/USD'] });
    await expect(source.fetch(since)).rejects.toMatchObject({ name: 'SourceError', status: 401 });
  });
});

describe('xSource', () => {
  it('looks the account up once, then reads its posts since a time with Bearer auth', async () => {
    fake = await startFakeSentimentApis({
      xToken: 'tok',
      xPosts: {
        realDonaldTrump: [
          {
            id: '1800',
            text: 'Tariffs on China will make America rich again!',
            createdAt: '2025-06-02T12:00:00.000Z',
          },
          { id: '1799', text: 'Old news', createdAt: '2025-06-01T12:00:00.000Z' },
        ],
      },
    });
    const source = xSource({ bearerToken: 'tok', baseUrl: fake.url, accounts: ['realDonaldTrump'] });
    const first = await source.fetch(since);
    await source.fetch(since);

    expect(first.items).toEqual([
      {
        itemId: '1800',
        kind: 'political',
        author: 'realDonaldTrump',
        text: 'Tariffs on China will make America rich again!',
        url: 'https://x.com/realDonaldTrump/status/1800',
        postedAt: Date.parse('2025-06-02T12:00:00Z'),
      },
    ]);
    const lookups = fake.requests.filter((r) => r.path === '/2/users/by/username/realDonaldTrump');
    expect(lookups).toHaveLength(1);
    const timeline = fake.requests.find((r) => r.path === '/2/users/1000/tweets')!;
    expect(timeline.headers.authorization).toBe('Bearer tok');
    expect(timeline.query).toMatchObject({
      start_time: '2025-06-02T00:00:00.000Z',
      'tweet.fields': 'created_at',
      max_results: '100',
    });
  });

  it('keeps other accounts when one is unknown, and fails when all are', async () => {
    fake = await startFakeSentimentApis({
      xToken: 't',
      xPosts: { known: [{ id: '1', text: 'hi', createdAt: '2025-06-02T01:00:00Z' }] },
    });
    const partial = await xSource({
      bearerToken: 't',
      baseUrl: fake.url,
      accounts: ['known', 'ghost'],
    }).fetch(since);
    expect(partial.items).toHaveLength(1);
    expect(partial.warnings).toEqual(['ghost: x: no user ghost']);
    await expect(
      xSource({ bearerToken: 't', baseUrl: fake.url, accounts: ['ghost'] }).fetch(since),
    ).rejects.toBeInstanceOf(SourceError);
  });

  it('is off without a token or accounts', () => {
    expect(xSource({ bearerToken: undefined, accounts: ['a'] }).status()).toBe('off: X_BEARER_TOKEN not set');
    expect(xSource({ bearerToken: 't', accounts: [] }).status()).toBe('off: X_ACCOUNTS is empty');
  });
});

describe('cashtagQueries', () => {
  it('names each asset once by cashtag and leaves out reposts and the political accounts', () => {
    expect(cashtagQueries(['BTC/USD', 'ETH/USD', 'BTC/EUR', 'AAPL'], ['realDonaldTrump'])).toEqual([
      '($BTC OR $ETH OR $AAPL) lang:en -is:retweet -from:realDonaldTrump',
    ]);
  });

  it('splits into queries that fit the length limit', () => {
    const symbols = Array.from({ length: 60 }, (_, i) => `T${String(i).padStart(3, '0')}`);
    const queries = cashtagQueries(symbols, [], 120);
    expect(queries.length).toBeGreaterThan(1);
    for (const q of queries) expect(q.length).toBeLessThanOrEqual(120);
    expect(queries.join(' ').match(/\$T\d{3}/g)).toHaveLength(60);
  });

  it('refuses what cannot fit', () => {
    expect(() => cashtagQueries(['BTC'], ['a'.repeat(40)], 30)).toThrow(/over 30 characters/);
  });
});

describe('xSearchSource', () => {
  const posts = [
    {
      id: '5',
      username: 'trader5',
      text: '$BTC breaking out, loading up',
      createdAt: '2025-06-02T12:05:00Z',
    },
    {
      id: '4',
      username: 'trader4',
      text: '$AAPL looks weak into earnings',
      createdAt: '2025-06-02T12:04:00Z',
    },
    { id: '3', username: 'realDonaldTrump', text: '$BTC is great', createdAt: '2025-06-02T12:03:00Z' },
    { id: '2', username: 'trader2', text: '$BTC and $AAPL both green', createdAt: '2025-06-02T12:02:00Z' },
    { id: '1', username: 'trader1', text: '$BTC old', createdAt: '2025-06-01T12:00:00Z' },
  ];

  it('reads social posts since a time, following next_token, with the authors named', async () => {
    fake = await startFakeSentimentApis({ xToken: 'tok', xSearchPosts: posts, xSearchPageSize: 2 });
    const queries = cashtagQueries(['BTC/USD', 'AAPL'], ['realDonaldTrump']);
    const result = await xSearchSource({ bearerToken: 'tok', baseUrl: fake.url, queries }).fetch(since);
    expect(result.items.map((i) => [i.itemId, i.kind, i.author, i.url])).toEqual([
      ['5', 'social', 'trader5', 'https://x.com/trader5/status/5'],
      ['4', 'social', 'trader4', 'https://x.com/trader4/status/4'],
      ['2', 'social', 'trader2', 'https://x.com/trader2/status/2'],
    ]);
    const calls = fake.requests.filter((r) => r.path === '/2/tweets/search/recent');
    expect(calls.map((c) => c.query.next_token)).toEqual([undefined, '2']);
    expect(calls[0]!.headers.authorization).toBe('Bearer tok');
    expect(calls[0]!.query).toMatchObject({
      query: queries[0],
      start_time: '2025-06-02T00:00:00.000Z',
      max_results: '100',
      expansions: 'author_id',
    });
  });

  it('finds a post once when two queries both match it', async () => {
    fake = await startFakeSentimentApis({ xToken: 'tok', xSearchPosts: posts });
    const result = await xSearchSource({
      bearerToken: 'tok',
      baseUrl: fake.url,
      queries: ['($BTC) lang:en', '($AAPL) lang:en'],
    }).fetch(since);
    expect(result.items.map((i) => i.itemId).sort()).toEqual(['2', '3', '4', '5']);
  });

  it("fails with X's status on a refused token or an invalid query", async () => {
    fake = await startFakeSentimentApis({ xToken: 'tok', xSearchPosts: posts });
    await expect(
      xSearchSource({ bearerToken: 'nope', baseUrl: fake.url, queries: ['$BTC'] }).fetch(since),
    ).rejects.toMatchObject({ name: 'SourceError', message: expect.stringMatching(/401/) });
    await expect(
      xSearchSource({ bearerToken: 'tok', baseUrl: fake.url, queries: ['x'.repeat(600)] }).fetch(since),
    ).rejects.toMatchObject({ message: expect.stringMatching(/400/) });
  });

  it('is off without a token', () => {
    expect(xSearchSource({ bearerToken: undefined, queries: ['$BTC'] }).status()).toBe(
      'off: X_BEARER_TOKEN not set',
    );
  });
});

describe('truthSocialSource', () => {
  it('reads statuses as plain text, leaves out reposts, counts malformed ones', async () => {
    fake = await startFakeSentimentApis({
      truthPosts: {
        realDonaldTrump: [
          truthStatus(
            '114',
            '2025-06-02T13:00:00.000Z',
            '<p>Bitcoin is going to the moon &amp; beyond!<br/>Great for <a href="#">America</a></p>',
          ),
          { ...truthStatus('113', '2025-06-02T12:00:00.000Z', ''), reblog: { id: '9' } },
          { id: '112', content: '<p>no date</p>' },
          truthStatus('111', '2025-06-01T12:00:00.000Z', '<p>Before the window</p>'),
        ],
      },
    });
    const result = await truthSocialSource({ baseUrl: fake.url, accounts: ['realDonaldTrump'] }).fetch(since);
    expect(result.items).toEqual([
      {
        itemId: '114',
        kind: 'political',
        author: 'realDonaldTrump',
        text: 'Bitcoin is going to the moon & beyond! Great for America',
        url: 'https://truthsocial.com/@realDonaldTrump/114',
        postedAt: Date.parse('2025-06-02T13:00:00Z'),
      },
    ]);
    expect(result.skipped).toBe(1);
    expect(fake.requests.map((r) => [r.path, r.query])).toEqual([
      ['/api/v1/accounts/lookup', { acct: 'realDonaldTrump' }],
      ['/api/v1/accounts/10770/statuses', { exclude_replies: 'true', exclude_reblogs: 'true', limit: '40' }],
    ]);
  });

  it('is off without a URL', () => {
    expect(truthSocialSource({ baseUrl: undefined, accounts: ['a'] }).status()).toBe(
      'off: TRUTH_SOCIAL_URL not set',
    );
  });
});

const RSS = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Markets</title>
<item><title>Tesla shares surge after record deliveries</title><link>https://example.org/tsla</link>
<guid isPermaLink="false">tsla-1</guid><pubDate>Mon, 02 Jun 2025 08:00:00 GMT</pubDate>
<description>&lt;p&gt;Deliveries beat estimates.&lt;/p&gt;</description></item>
<item><title>Undated item</title><link>https://example.org/x</link></item>
<item><title>Old item</title><guid>old</guid><pubDate>Sun, 01 Jun 2025 08:00:00 GMT</pubDate></item>
</channel></rss>`;
const ATOM = `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Crypto</title>
<entry><title type="html">Ethereum slides as ETF hopes fade</title><id>urn:uuid:1</id>
<link rel="alternate" href="https://example.org/eth"/><updated>2025-06-02T09:30:00Z</updated>
<summary>Ether fell 6 %.</summary></entry></feed>`;

describe('newsSource', () => {
  it('reads RSS and Atom feeds, keeps working when one feed is down', async () => {
    fake = await startFakeSentimentApis({ feeds: { '/rss.xml': RSS, '/atom.xml': ATOM } });
    const source = newsSource({
      feeds: [`${fake.url}/rss.xml`, `${fake.url}/atom.xml`, `${fake.url}/missing.xml`],
    });
    const result = await source.fetch(since);
    expect(result.items).toEqual([
      {
        itemId: 'tsla-1',
        kind: 'news',
        author: `${fake.url}/rss.xml`,
        text: 'Tesla shares surge after record deliveries. Deliveries beat estimates.',
        url: 'https://example.org/tsla',
        postedAt: Date.parse('2025-06-02T08:00:00Z'),
      },
      expect.objectContaining({
        itemId: 'urn:uuid:1',
        url: 'https://example.org/eth',
        text: 'Ethereum slides as ETF hopes fade. Ether fell 6 %.',
      }),
    ]);
    expect(result.skipped).toBe(1);
    expect(result.warnings).toHaveLength(1);
    expect(result.warnings[0]).toContain('404');
  });

  it('rejects a document that is not a feed', () => {
    expect(() => parseFeed('<html><body>hi</body></html>', 'u')).toThrow(/neither RSS nor Atom/);
  });
});

describe('htmlToText', () => {
  it('drops tags and decodes entities', () => {
    expect(htmlToText('<p>A &amp; B&#39;s &#x1F680;</p><p>next</p>')).toBe("A & B's 🚀 next");
  });
});
