import type {
  BarWithIndicators,
  Detection,
  PoliticalPost,
  SentimentAggregate,
  SentimentItem,
} from '@tradehits/core';
import { marketDays } from '@tradehits/core/calendar';
import { withIndicators } from '@tradehits/core/indicators';
import { resampleBars } from '@tradehits/core/resample';
import { binance2018Pair } from '@tradehits/core/testing/binance-2018';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnalyticsStore } from '../store';

/** Real 5m candles of one shared pair with indicators. */
export function sharedBars(base: string, count?: number): BarWithIndicators[] {
  return withIndicators(binance2018Pair(`${base}/BTC`).slice(0, count));
}

const T0 = Date.UTC(2025, 5, 2, 12);

const item = (id: string, symbols: string[], minutes: number, score = 40): SentimentItem => ({
  source: 'news:example',
  itemId: id,
  kind: 'news',
  author: null,
  text: `headline ${id}`,
  url: `https://news.example/${id}`,
  postedAt: T0 + minutes * 60_000,
  symbols,
  score,
  category: score > 20 ? 'bullish' : score < -20 ? 'bearish' : 'neutral',
});

const aggregate = (minutes: number, average: number | null): SentimentAggregate => ({
  symbol: 'BTC/USD',
  assetType: 'crypto',
  window: '1h',
  asOf: T0 + minutes * 60_000,
  average,
  trend: 'rising',
  bullish: 3,
  bearish: 1,
  total: 5,
  bySource: { news: 30, social: null, political: -10, coinmarketcap: 12.5 },
  signal: 'buy',
  confidence: 0.6,
});

const detection = (symbol: string, minutes: number, lowest: boolean): Detection => ({
  symbol,
  assetType: symbol.includes('/') ? 'crypto' : 'stock',
  timeframe: '5m',
  barTime: T0 + minutes * 60_000,
  price: 101.5,
  low24h: 100,
  low7d: 95,
  support: 90,
  rsi: 28.4,
  macdHist: null,
  bbPosition: 0.05,
  sentiment: 35,
  politicalSentiment: null,
  reasons: lowest ? ['near24h', 'rsi', 'approaching', 'sentiment'] : ['rsi'],
  confidence: lowest ? 0.75 : 0.1,
  isLowestPoint: lowest,
  riseProbability: null,
  buySignal: lowest,
  notes: lowest ? [] : ['sentiment unknown'],
});

/** The behaviour both adapters must share, run against a fresh migrated store. */
export function analyticsStoreContract(name: string, open: () => Promise<AnalyticsStore>): void {
  describe(`${name} analytics store`, () => {
    let store: AnalyticsStore;
    beforeAll(async () => {
      store = await open();
      await store.migrate();
      await store.migrate(); // safe to repeat
    });
    afterAll(async () => {
      await store.close();
    });

    const eth = sharedBars('ETH', 600);
    const hourly = withIndicators(resampleBars(eth, '1h'));

    it('writes bars idempotently: the same rows after a second ingest', async () => {
      expect(await store.upsertBars('crypto', [...eth, ...hourly])).toBe(eth.length + hourly.length);
      const first = await store.bars({ symbol: 'ETH/BTC', timeframe: '5m' });
      expect(await store.upsertBars('crypto', [...eth, ...hourly])).toBe(eth.length + hourly.length);
      expect(await store.countBars({ symbol: 'ETH/BTC', timeframe: '5m' })).toBe(eth.length);
      expect(await store.countBars({ symbol: 'ETH/BTC', timeframe: '1h' })).toBe(hourly.length);
      const second = await store.bars({ symbol: 'ETH/BTC', timeframe: '5m' });
      expect(second).toEqual(first);
      expect(second).toEqual(eth);
    });

    it('replaces a bar on its natural key', async () => {
      const changed = { ...eth[10]!, close: 0.123, rsi14: null };
      await store.upsertBars('crypto', [changed]);
      const [row] = await store.bars({
        symbol: 'ETH/BTC',
        timeframe: '5m',
        from: changed.openTime,
        to: changed.openTime,
      });
      expect(row).toEqual(changed);
      await store.upsertBars('crypto', [eth[10]!]);
    });

    it('answers range and limit queries oldest first', async () => {
      const from = eth[100]!.openTime;
      const to = eth[199]!.openTime;
      const range = await store.bars({ symbol: 'ETH/BTC', timeframe: '5m', from, to });
      expect(range.map((b) => b.openTime)).toEqual(eth.slice(100, 200).map((b) => b.openTime));
      const last = await store.bars({ symbol: 'ETH/BTC', timeframe: '5m', to, limit: 5 });
      expect(last).toEqual(eth.slice(195, 200));
      expect(await store.bars({ symbol: 'ETH/BTC', timeframe: '5m', from: to + 1, to: from })).toEqual([]);
      expect(await store.bars({ symbol: 'XRP/BTC', timeframe: '5m' })).toEqual([]);
    });

    it('knows the latest bar per symbol and the last bar time', async () => {
      const ada = sharedBars('ADA', 50);
      await store.upsertBars('crypto', ada);
      const latest = await store.latestBars('crypto', '5m');
      expect(latest.map((b) => b.symbol)).toEqual(['ADA/BTC', 'ETH/BTC']);
      expect(latest[1]).toEqual(eth.at(-1));
      expect(await store.lastBarTime('ADA/BTC', '5m')).toBe(ada.at(-1)!.openTime);
      expect(await store.lastBarTime('ADA/BTC', '1d')).toBeNull();
      expect(await store.lastBarTime('AAPL', '5m')).toBeNull();
      expect(await store.lastBarTimes('crypto', '5m')).toEqual(
        new Map([
          ['ADA/BTC', ada.at(-1)!.openTime],
          ['ETH/BTC', eth.at(-1)!.openTime],
        ]),
      );
      expect(await store.lastBarTimes('stock', '5m')).toEqual(new Map());
      const from = ada.at(-3)!.openTime;
      const to = ada.at(-1)!.openTime;
      expect(await store.barsInRange('crypto', '5m', { from, to })).toEqual([
        ...ada.slice(-3),
        ...eth.filter((b) => b.openTime >= from && b.openTime <= to),
      ]);
      expect(await store.barsInRange('crypto', '5m', { from: to + 1, to: from })).toEqual([]);
      expect(await store.latestBars('stock', '1h')).toEqual([]);
      expect(await store.countBars()).toBe(eth.length + hourly.length + ada.length);
    });

    it('rejects bad bars with a clear error and writes nothing', async () => {
      const before = await store.countBars();
      const fresh = sharedBars('LTC', 20);
      const nan = [...fresh.slice(0, 10), { ...fresh[10]!, close: Number.NaN }, ...fresh.slice(11)];
      await expect(store.upsertBars('crypto', nan)).rejects.toThrow(
        /bar row 10 is invalid \(close: .*received NaN\); nothing was written/,
      );
      const badTimeframe = [fresh[0]!, { ...fresh[1]!, timeframe: '15m' as never }];
      await expect(store.upsertBars('crypto', badTimeframe)).rejects.toThrow(
        /row 1 is invalid \(timeframe: expected one of 1d, 1h, 5m, received 15m/,
      );
      await expect(store.upsertBars('forex' as never, fresh)).rejects.toThrow(/Unknown asset type "forex"/);
      await expect(store.bars({ symbol: 'LTC/BTC', timeframe: '4h' as never })).rejects.toThrow(
        /Unknown timeframe "4h"/,
      );
      await expect(store.bars({ symbol: 'LTC/BTC', timeframe: '5m', limit: 0 })).rejects.toThrow(/limit/);
      expect(await store.countBars()).toBe(before);
    });

    it('round-trips sentiment items by asset type, symbol, kind and time', async () => {
      const items = [
        item('a', ['BTC/USD'], 0),
        item('b', ['BTC/USD', 'ETH/USD'], 10, -50),
        item('c', ['ETH/USD'], 20),
      ];
      expect(await store.upsertSentimentItems('crypto', items)).toBe(3);
      expect(await store.upsertSentimentItems('crypto', items)).toBe(3);
      await store.upsertSentimentItems('stock', [item('d', ['AAPL'], 5)]);
      const range = { from: T0, to: T0 + 3_600_000 };
      expect(await store.sentimentItems(range)).toEqual([
        items[0],
        { ...item('d', ['AAPL'], 5) },
        items[1],
        items[2],
      ]);
      expect(await store.sentimentItems({ ...range, symbol: 'BTC/USD' })).toEqual([items[0], items[1]]);
      expect(await store.sentimentItems({ ...range, symbol: 'AAPL', kind: 'social' })).toEqual([]);
      expect(await store.sentimentItems({ from: T0 + 60_000, to: T0 + 15 * 60_000, kind: 'news' })).toEqual([
        item('d', ['AAPL'], 5),
        items[1],
      ]);
      await expect(
        store.upsertSentimentItems('crypto', [{ ...items[0]!, score: Number.POSITIVE_INFINITY }]),
      ).rejects.toThrow(/score: .*received Infinity/);
    });

    it('round-trips political posts', async () => {
      const post: PoliticalPost = {
        ...item('p1', ['BTC/USD'], 30, -60),
        source: 'truth-social',
        kind: 'political',
        author: 'realDonaldTrump',
        impact: 'high',
        triggeredTrades: false,
        assetsAffected: ['BTC/USD', 'ETH/USD'],
      };
      expect(await store.upsertPoliticalPosts([post, { ...post, triggeredTrades: true }])).toBe(1);
      const range = { from: T0, to: T0 + 3_600_000 };
      expect(await store.politicalPosts(range)).toEqual([{ ...post, triggeredTrades: true }]);
      expect(await store.politicalPosts({ ...range, symbol: 'ETH/USD' })).toHaveLength(1);
      expect(await store.politicalPosts({ ...range, symbol: 'AAPL' })).toEqual([]);
    });

    it('round-trips sentiment aggregates: latest as of an instant and a timeline', async () => {
      const rows = [aggregate(0, 10), aggregate(60, null), aggregate(120, 42.5)];
      expect(await store.upsertSentimentAggregates(rows)).toBe(3);
      expect(await store.latestSentimentAggregate('BTC/USD', '1h', T0 + 90 * 60_000)).toEqual(rows[1]);
      expect(await store.latestSentimentAggregate('BTC/USD', '1h')).toEqual(rows[2]);
      expect(await store.latestSentimentAggregate('BTC/USD', '24h')).toBeNull();
      expect(await store.latestSentimentAggregate('BTC/USD', '1h', T0 - 1)).toBeNull();
      const eth = { ...aggregate(30, 5), symbol: 'ETH/USD' };
      await store.upsertSentimentAggregates([eth]);
      expect(await store.latestSentimentAggregates('1h', { from: T0, to: T0 + 90 * 60_000 })).toEqual([
        rows[1],
        eth,
      ]);
      expect(
        await store.latestSentimentAggregates('1h', { from: T0 + 100 * 60_000, to: T0 + 200 * 60_000 }),
      ).toEqual([rows[2]]);
      expect(await store.latestSentimentAggregates('24h', { from: T0, to: T0 + 200 * 60_000 })).toEqual([]);
      expect(
        await store.sentimentTimeline({ symbol: 'BTC/USD', window: '1h', from: T0, to: T0 + 60 * 60_000 }),
      ).toEqual(rows.slice(0, 2));
    });

    it('round-trips detections with filters, newest first', async () => {
      const rows = [
        detection('BTC/USD', 0, false),
        detection('BTC/USD', 5, true),
        detection('AAPL', 5, true),
      ];
      expect(await store.upsertDetections(rows)).toBe(3);
      expect(await store.upsertDetections(rows)).toBe(3);
      expect(await store.detections({})).toEqual([rows[2], rows[1], rows[0]]);
      expect(await store.detections({ assetType: 'crypto', lowestOnly: true })).toEqual([rows[1]]);
      expect(await store.detections({ symbol: 'BTC/USD', from: T0, to: T0 + 60_000 })).toEqual([rows[0]]);
      expect(await store.detections({ limit: 1 })).toHaveLength(1);
      await expect(store.upsertDetections([{ ...rows[0]!, barTime: 1.5 }])).rejects.toThrow(/barTime/);
      expect(await store.detections({ symbol: 'BTC/USD' })).toHaveLength(2);
    });

    it('stores the market calendar idempotently', async () => {
      const days = marketDays('2025-12-22', '2025-12-31');
      expect(await store.upsertMarketCalendar(days)).toBe(days.length);
      expect(await store.upsertMarketCalendar(days)).toBe(days.length);
      await expect(store.upsertMarketCalendar([{ ...days[0]!, date: '22/12/2025' }])).rejects.toThrow(
        /YYYY-MM-DD/,
      );
    });
  });
}
