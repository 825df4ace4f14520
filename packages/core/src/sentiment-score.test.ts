import { describe, expect, it } from 'vitest';
import { categorize, DEFAULT_SCORER_OPTIONS, scoreByRules } from './sentiment-score';

const score = (text: string) => scoreByRules(text).score;

describe('scoreByRules', () => {
  it('reads finance words both ways', () => {
    expect(score('Apple beats estimates and raises guidance')).toBeGreaterThan(30);
    expect(score('Shares plunge after profit warning')).toBeLessThan(-30);
    expect(score('Analyst downgrades the stock, lawsuit pending')).toBeLessThan(-30);
  });

  it('gives 0 to a text with no evidence', () => {
    expect(scoreByRules('The company will hold its annual meeting on Tuesday')).toMatchObject({
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

  it('reads words that name object properties as plain words', () => {
    expect(score('constructor good')).toBe(score('builder good'));
    expect(score('toString valueOf hasOwnProperty')).toBe(0);
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

  it('reads a move sized in percent as strong evidence', () => {
    expect(score('Widget Corp up 7%')).toBeGreaterThan(score('Widget Corp up'));
    expect(score('Shares in Acme fall 12 percent')).toBeLessThan(score('Shares in Acme fall'));
    expect(score('Acme stock rose by nearly 4.5 per cent')).toBeGreaterThan(50);
    expect(score('Widget Corp slides 3 pct')).toBeLessThan(-50);
    // A number that is not a percentage adds nothing.
    expect(score('Widget Corp up 7 places in the ranking')).toBe(
      score('Widget Corp up places in the ranking'),
    );
  });

  it('keeps decimals and thousands whole instead of breaking the clause there', () => {
    const hits = scoreByRules('Acme to cut 1,200 jobs').hits;
    expect(hits).toEqual([{ term: 'jobs cut', valence: expect.any(Number) }]);
    expect(hits[0]!.valence).toBeLessThan(0);
    expect(scoreByRules('Profit of 2.5bn falls').hits).toEqual([{ term: 'profit falls', valence: -1.6 }]);
  });

  it('reads guidance, ratings and estimates moving either way', () => {
    expect(score('Acme raises full-year outlook')).toBeGreaterThan(20);
    expect(score('Acme trims its forecast')).toBeLessThan(-20);
    expect(score('Broker lifts target on Acme')).toBeGreaterThan(20);
    expect(score('Acme tops estimates')).toBeGreaterThan(20);
    expect(score('Acme falls short of forecasts')).toBeLessThan(-20);
    expect(score('Acme upgraded to buy at a Boston bank')).toBeGreaterThan(20);
  });

  it('reads corporate events', () => {
    expect(score('Acme announces share buy-back')).toBeGreaterThan(20);
    expect(score('Acme declares special dividend')).toBeGreaterThan(20);
    expect(score('Acme to axe 300 jobs')).toBeLessThan(-20);
    expect(score('Acme sheds jobs at two plants')).toBeLessThan(-20);
    expect(score('Acme adds 500 jobs in Ohio')).toBeGreaterThan(20);
    expect(score('Regulator opens inquiry into Acme accounts')).toBeLessThan(-20);
    expect(score('Acme faces delisting')).toBeLessThan(-20);
    expect(score('Acme writes down value of mining unit')).toBeLessThan(-20);
    expect(score('Acme slips into the red')).toBeLessThan(-20);
    expect(score('Acme returns to profit')).toBeGreaterThan(20);
    expect(score('Acme staff strike over pay')).toBeLessThan(0);
    expect(score('Acme strikes deal with Widget Corp')).toBeGreaterThan(0);
  });

  it('takes a thing that something acts on as the topic, not as news', () => {
    expect(score('Quarterly profit hit by storms')).toBeLessThan(-20);
    expect(scoreByRules('Poor profit at Acme').hits).toEqual([{ term: 'poor', valence: -1.8 }]);
    expect(score('Currency swings eat into profit')).toBeLessThan(-20);
  });

  it('moves the head of a compound noun', () => {
    expect(score('Acme to lower production costs')).toBeGreaterThan(0);
    expect(score('Acme cuts pension obligations')).toBeGreaterThan(0);
  });

  it('does not move a thing across a linking word', () => {
    expect(score('Index lifts from losses')).toBeGreaterThan(0);
    expect(score('Acme rebounds after losses')).toBeGreaterThan(0);
  });

  it('reads legal trouble going away as good news', () => {
    expect(score('Judge dismisses lawsuit against Acme')).toBeGreaterThan(0);
    expect(score('Regulator drops probe into Acme')).toBeGreaterThan(0);
    expect(score('Acme faces lawsuit')).toBeLessThan(0);
  });

  it('lets "little" deny what follows, but not "a little"', () => {
    expect(score('Results offer little cheer')).toBeLessThan(0);
    expect(score('Results were a little better')).toBeGreaterThan(0);
  });

  it('reads phrasal verbs as one term', () => {
    expect(scoreByRules('Acme lines up new lenders').hits).toEqual([{ term: 'lines up', valence: 0.3 }]);
    expect(score('Takeover falls through')).toBeLessThan(-20);
    expect(score('Acme bounces back')).toBeGreaterThan(20);
    expect(score('Acme swings to a loss')).toBeLessThan(-20);
    expect(score('Acme lays off staff')).toBeLessThan(-20);
    expect(score('Acme comes under fire over fees')).toBeLessThan(-20);
  });

  it('reads highs, lows and targets of any period', () => {
    expect(score('Acme shares at two-year low')).toBeLessThan(-20);
    expect(score('Acme hits fresh highs')).toBeGreaterThan(20);
    expect(score('Acme hit by fresh strikes')).toBeLessThan(-20);
    expect(score('Acme hits savings target early')).toBeGreaterThan(20);
    expect(score('Acme cleared of wrongdoing')).toBeGreaterThan(20);
  });

  it('reads insolvency, litigation and disaster vocabulary of company news', () => {
    expect(score('Acme enters administration')).toBeLessThan(-20);
    expect(score('Acme calls in administrators')).toBeLessThan(-20);
    expect(score('Acme files for Chapter 11')).toBeLessThan(-20);
    expect(score('Acme faces shareholder class action')).toBeLessThan(-20);
    expect(score('Refinery blaze halts output at Acme')).toBeLessThan(-20);
    expect(score('Acme warehouse destroyed by fire')).toBeLessThan(-20);
    expect(score('Strike action derails Acme recovery')).toBeLessThan(0);
  });

  it('reads approvals, discoveries and market leadership as good news', () => {
    expect(score('Acme drug succeeds in late-stage trial')).toBeGreaterThan(20);
    expect(score('Acme drug gets EU nod')).toBeGreaterThan(20);
    expect(score('Acme makes major copper discovery')).toBeGreaterThan(20);
    expect(score("Acme regains crown as world's top-selling carmaker")).toBeGreaterThan(20);
    expect(score('Acme returns to black')).toBeGreaterThan(20);
    expect(score('Court rules in favour of Acme')).toBeGreaterThan(20);
    expect(score('Acme turns the corner')).toBeGreaterThan(20);
  });

  it('reads idioms whose words mislead one by one', () => {
    expect(score('Acme in hot water over fees')).toBeLessThan(-20);
    expect(score('Acme shares ease on profit taking')).toBeLessThan(-10);
    expect(score('Acme bank sails through stress test')).toBeGreaterThan(20);
    expect(score('Acme strikes oil off Egypt')).toBeGreaterThan(20);
    expect(score('Acme is not out of the woods yet')).toBeLessThan(0);
  });

  it('moves jobless claims, headcount and extended gains', () => {
    expect(score('US jobless claims jump')).toBeLessThan(-20);
    expect(score('Jobless rate falls')).toBeGreaterThan(20);
    expect(score('Acme cuts headcount')).toBeLessThan(-20);
    expect(score('Acme extends gains')).toBeGreaterThan(20);
    expect(score('Acme extends losses')).toBeLessThan(-20);
    expect(score('Acme curbs costs')).toBeGreaterThan(20);
  });

  it('lets a larger alpha damp a single word', () => {
    const text = 'shares rally';
    expect(scoreByRules(text, { ...DEFAULT_SCORER_OPTIONS, alpha: 40 }).score).toBeLessThan(score(text));
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
