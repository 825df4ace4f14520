import { describe, expect, it } from 'vitest';
import { aggregateSentiment, politicalImpact, type ScoredMention } from './sentiment-aggregate';

const asOf = Date.UTC(2025, 5, 2, 12);
const mention = (
  minutesAgo: number,
  score: number,
  kind: ScoredMention['kind'] = 'news',
  symbols = ['BTC/USD'],
) => ({
  kind,
  score,
  symbols,
  postedAt: asOf - minutesAgo * 60_000,
});
const aggregate = (items: ScoredMention[], window: '1h' | '24h' = '1h') =>
  aggregateSentiment({ symbol: 'BTC/USD', assetType: 'crypto', window, asOf, items });

describe('aggregateSentiment', () => {
  it('has no evidence and holds with no items', () => {
    expect(aggregate([])).toMatchObject({
      average: null,
      trend: 'flat',
      total: 0,
      bullish: 0,
      bearish: 0,
      signal: 'hold',
      confidence: 0,
      bySource: { news: null, social: null, political: null, coinmarketcap: null },
    });
  });

  it('counts only the symbol inside (asOf − window, asOf]', () => {
    const items = [
      mention(0, 50),
      mention(59, 30),
      mention(60, -90), // exactly one hour ago: outside the 1h window
      mention(-1, -90), // after asOf
      mention(10, -90, 'news', ['ETH/USD']),
    ];
    expect(aggregate(items)).toMatchObject({ average: 40, total: 2, bullish: 2, bearish: 0 });
    expect(aggregate(items, '24h').total).toBe(3);
  });

  it('reads the trend from the two halves of the window', () => {
    expect(aggregate([mention(50, -20), mention(10, 30)]).trend).toBe('rising');
    expect(aggregate([mention(50, 40), mention(10, 0)]).trend).toBe('falling');
    expect(aggregate([mention(50, 10), mention(10, 15)]).trend).toBe('flat');
    expect(aggregate([mention(10, 15), mention(5, 80)]).trend).toBe('flat');
  });

  it('averages per source kind', () => {
    const agg = aggregate([mention(5, 60, 'news'), mention(6, 20, 'news'), mention(7, -30, 'political')]);
    expect(agg.bySource).toEqual({ news: 40, social: null, political: -30, coinmarketcap: null });
  });

  it('signals buy or sell only with agreement and enough mentions', () => {
    const bulls = Array.from({ length: 10 }, (_, i) => mention(i + 1, 40));
    expect(aggregate(bulls)).toMatchObject({ signal: 'buy', confidence: 1 });
    const bears = Array.from({ length: 5 }, (_, i) => mention(i + 1, -60));
    expect(aggregate(bears)).toMatchObject({ signal: 'sell', confidence: 0.5 });
    // Two strong posts are not enough evidence for a signal.
    expect(aggregate([mention(1, 90), mention(2, 90)])).toMatchObject({ signal: 'hold', confidence: 0.2 });
    // A split crowd with a positive mean has no agreement.
    const split = [
      ...Array.from({ length: 5 }, (_, i) => mention(i + 1, 90)),
      ...Array.from({ length: 5 }, (_, i) => mention(i + 10, -40)),
    ];
    expect(aggregate(split)).toMatchObject({ average: 25, signal: 'hold', confidence: 0 });
  });
});

describe('politicalImpact', () => {
  it.each([
    [{ score: -70, namesAsset: true, marketWide: false }, 'high'],
    [{ score: 50, namesAsset: true, marketWide: true }, 'high'],
    [{ score: 30, namesAsset: true, marketWide: false }, 'medium'],
    [{ score: -60, namesAsset: false, marketWide: true }, 'medium'],
    [{ score: 5, namesAsset: true, marketWide: false }, 'low'],
    [{ score: -90, namesAsset: false, marketWide: false }, 'low'],
  ] as const)('%o → %s', (post, impact) => {
    expect(politicalImpact(post)).toBe(impact);
  });
});
