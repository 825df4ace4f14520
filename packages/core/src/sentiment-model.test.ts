import { describe, expect, it } from 'vitest';
import { type SentimentModel, scoreSentiment, textFeatures } from './sentiment-model';
import { scoreByRules } from './sentiment-score';

const model: SentimentModel = { ruleWeight: 6, weights: { 'job cuts': -1.2, stores: 0.8, open: 0.4 } };

describe('textFeatures', () => {
  it('takes distinct words without stop words, and word pairs', () => {
    expect(textFeatures('Acme to open 50 new stores, stores!')).toEqual([
      'acme',
      'open',
      'new',
      'stores',
      'acme to',
      'to open',
      'open new',
      'new stores',
      'stores stores',
    ]);
  });

  it('leaves out cashtags and links', () => {
    expect(textFeatures('$TSLA https://example.com/up up')).toEqual(['up']);
  });
});

describe('scoreSentiment', () => {
  it('adds learned words to the rules', () => {
    expect(scoreSentiment('Acme to open new stores', model).score).toBeGreaterThan(20);
    expect(scoreSentiment('Acme announces job cuts', model).score).toBeLessThan(-20);
    const rulesOnly = scoreSentiment('Profit beats estimates', { ruleWeight: 6, weights: {} });
    expect(rulesOnly.rules).toBe(scoreByRules('Profit beats estimates').score);
    expect(Math.sign(rulesOnly.score)).toBe(Math.sign(rulesOnly.rules));
  });

  it('explains a score by its rule hits and learned words, strongest first', () => {
    const scored = scoreSentiment('Acme to open stores after job cuts', model);
    expect(scored.learned).toEqual([
      { term: 'job cuts', weight: -1.2 },
      { term: 'stores', weight: 0.8 },
      { term: 'open', weight: 0.4 },
    ]);
    expect(scored.hits).toEqual(scoreByRules('Acme to open stores after job cuts').hits);
  });

  it('gives exactly 0 to a text with no evidence', () => {
    expect(scoreSentiment('Meeting on Tuesday', model)).toMatchObject({ score: 0, category: 'neutral' });
    expect(Object.is(scoreSentiment('', model).score, 0)).toBe(true);
  });

  it('reads words that name object properties as plain words', () => {
    expect(scoreSentiment('Builder picks new constructor; toString valueOf __proto__', model)).toMatchObject({
      score: 0,
      learned: [],
    });
  });

  it('stays within −100…100', () => {
    const huge: SentimentModel = { ruleWeight: 6, weights: { moon: 50, rug: -50 } };
    expect(scoreSentiment('moon', huge).score).toBe(100);
    expect(scoreSentiment('rug', huge).score).toBe(-100);
  });

  it('ships a model that reads plain headlines both ways', () => {
    expect(scoreSentiment('Acme shares surge after record profit').category).toBe('bullish');
    expect(scoreSentiment('Acme shares plunge after profit warning').category).toBe('bearish');
  });
});
