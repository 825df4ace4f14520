import { describe, expect, it } from 'vitest';
import { categorize, DEFAULT_SCORER_OPTIONS, scoreSentiment } from './sentiment-score';

const score = (text: string) => scoreSentiment(text).score;

describe('scoreSentiment', () => {
  it('reads finance words both ways', () => {
    expect(score('Apple beats estimates and raises guidance')).toBeGreaterThan(30);
    expect(score('Shares plunge after profit warning')).toBeLessThan(-30);
    expect(score('Analyst downgrades the stock, lawsuit pending')).toBeLessThan(-30);
  });

  it('gives 0 to a text with no evidence', () => {
    expect(scoreSentiment('The company will hold its annual meeting on Tuesday')).toMatchObject({
      score: 0,
      category: 'neutral',
    });
  });

  it('flips negated words', () => {
    expect(score('Results were good')).toBeGreaterThan(0);
    expect(score('Results were not good')).toBeLessThan(0);
    expect(score("I don't think this rally is strong")).toBeLessThan(score('I think this rally is strong'));
  });

  it('lets a moving bad thing carry the opposite sign', () => {
    expect(score('Pre-tax losses narrow')).toBeGreaterThan(0);
    expect(score('Costs rise sharply')).toBeLessThan(0);
    expect(score('Profit dips')).toBeLessThan(0);
    expect(score('Debt cut by half')).toBeGreaterThan(0);
  });

  it('weighs the clause after "but" over the one before', () => {
    expect(score('Revenue was weak but the outlook is excellent')).toBeGreaterThan(0);
    expect(score('Revenue was great but guidance is a disaster')).toBeLessThan(0);
  });

  it('boosts with intensifiers, caps and exclamation marks', () => {
    const plain = score('the stock is strong');
    expect(score('the stock is very strong')).toBeGreaterThan(plain);
    expect(score('the stock is STRONG')).toBeGreaterThan(plain);
    expect(score('the stock is strong!!!')).toBeGreaterThan(plain);
  });

  it('reads trader talk and phrases', () => {
    expect(score('$TSLA short squeeze incoming 🚀')).toBeGreaterThan(30);
    expect(score('Massive sell-off in $BTC, looks like a rug pull')).toBeLessThan(-30);
    expect(score('Loading more calls, bullish')).toBeGreaterThan(30);
  });

  it('ignores cashtags, links and mentions as words', () => {
    expect(score('$UP @bull http://example.com/crash')).toBe(0);
  });

  it('stays within −100…100 and is deterministic', () => {
    const text = 'AMAZING record surge, best ever, huge beat, strong buy!!!! '.repeat(10);
    expect(score(text)).toBeLessThanOrEqual(100);
    expect(score(text)).toBe(score(text));
    expect(score('crash crash plunge bankrupt fraud '.repeat(10))).toBeGreaterThanOrEqual(-100);
  });

  it('lets a larger alpha damp a single word', () => {
    const text = 'shares rally';
    expect(scoreSentiment(text, { ...DEFAULT_SCORER_OPTIONS, alpha: 40 }).score).toBeLessThan(score(text));
  });
});

describe('categorize', () => {
  it('cuts at ±10, the band itself neutral', () => {
    expect(categorize(-11)).toBe('bearish');
    expect(categorize(-10)).toBe('neutral');
    expect(categorize(10)).toBe('neutral');
    expect(categorize(11)).toBe('bullish');
  });
});
