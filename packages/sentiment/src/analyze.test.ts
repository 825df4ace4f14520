import { describe, expect, it } from 'vitest';
import { analyzeText } from './analyze';
import { DEFAULT_UNIVERSE } from './extract';
import { toPoliticalPost } from './political';

describe('analyzeText', () => {
  it('scores and finds the assets', () => {
    expect(analyzeText('Tesla shares surge after record deliveries')).toMatchObject({
      category: 'bullish',
      symbols: ['TSLA'],
    });
    expect(analyzeText('Bitcoin plunges as exchange collapses')).toMatchObject({
      category: 'bearish',
      symbols: ['BTC/USD'],
    });
    const plain = analyzeText('Meeting moved to Tuesday');
    expect(plain).toMatchObject({ category: 'neutral', symbols: [] });
    expect(Math.abs(plain.score)).toBeLessThanOrEqual(10);
  });
});

describe('toPoliticalPost', () => {
  const item = (text: string, score: number, symbols: string[] = []) => ({
    source: 'x',
    itemId: '1',
    kind: 'political' as const,
    author: 'realDonaldTrump',
    text,
    url: null,
    postedAt: 0,
    symbols,
    score,
    category: 'neutral' as const,
  });

  it('rates a strongly worded post naming an asset high', () => {
    expect(toPoliticalPost(item('Tesla is a disaster', -70, ['TSLA']), DEFAULT_UNIVERSE)).toMatchObject({
      impact: 'high',
      triggeredTrades: false,
      assetsAffected: ['TSLA'],
    });
  });

  it('gives a market-wide post the index funds, or bitcoin for crypto talk', () => {
    expect(toPoliticalPost(item('Huge new tariffs on everything!', -60), DEFAULT_UNIVERSE)).toMatchObject({
      impact: 'medium',
      assetsAffected: ['SPY', 'QQQ', 'DIA'],
    });
    expect(
      toPoliticalPost(item('We will be the crypto capital of the planet', 60), DEFAULT_UNIVERSE)
        .assetsAffected,
    ).toEqual(['BTC/USD']);
    expect(toPoliticalPost(item('Happy birthday to my wife', 80), DEFAULT_UNIVERSE)).toMatchObject({
      impact: 'low',
      assetsAffected: [],
    });
  });
});
