import { describe, expect, it } from 'vitest';
import { CONDITION_WEIGHTS, CONDITIONS, confidencePoints, DetectorState, detectSeries } from './detector';
import { withIndicators } from './indicators';
import { detectorSettingsSchema } from './params';
import { loadBinance2018 } from './testing/binance-2018';
import type { BarWithIndicators } from './types';

const FIVE_MIN = 300_000;
const OPTIONS = { symbol: 'ETH/BTC', assetType: 'crypto', timeframe: '5m' } as const;

/** A bar whose indicators are set by hand: only the fields a test names matter. */
function bar(i: number, fields: Partial<BarWithIndicators> = {}): BarWithIndicators {
  return {
    symbol: 'ETH/BTC',
    timeframe: '5m',
    openTime: i * FIVE_MIN,
    open: 100,
    high: 101,
    low: 99,
    close: 100,
    volume: 10,
    tradeCount: null,
    rsi14: 50,
    macd: null,
    macdSignal: null,
    macdHist: null,
    bbUpper: 110,
    bbMiddle: 100,
    bbLower: 90,
    sma9: 100,
    sma21: 100,
    sma50: null,
    sma200: null,
    ema9: null,
    ema21: null,
    vwap: null,
    ...fields,
  };
}

/**
 * 30 flat bars, then a dip (RSI 25 at bar 30, a low at 95) and SMA9 closing in on SMA21 over the
 * last bars: near24h, near7d, support, rsi and approaching hold at the end (points 60 + sentiment).
 */
function dipAndTurn(): BarWithIndicators[] {
  const bars: BarWithIndicators[] = [];
  for (let i = 0; i < 30; i++) bars.push(bar(i));
  bars.push(bar(30, { low: 95, close: 96, rsi14: 25 }));
  const gaps = [0.45, 0.4, 0.3, 0.2];
  gaps.forEach((g, k) => {
    bars.push(bar(31 + k, { low: 96, close: 97, sma9: 100 - g, sma21: 100 }));
  });
  return bars;
}

describe('confidence', () => {
  it('sums the fixed weights in integer hundredths, so 0.70 is exactly 0.70', () => {
    expect(CONDITION_WEIGHTS.reduce((a, b) => a + b, 0)).toBe(90);
    const flags = ['near24h', 'near7d', 'rsi', 'approaching', 'volume', 'support'].reduce(
      (f, c) => f | (1 << CONDITIONS.indexOf(c as (typeof CONDITIONS)[number])),
      0,
    );
    expect(confidencePoints(flags)).toBe(70);
    expect(confidencePoints(flags) / 100).toBe(0.7);
    expect(0.15 + 0.1 + 0.1 + 0.2 + 0.1 + 0.05).not.toBe(0.7); // why hundredths
    expect(confidencePoints(0xff)).toBe(90);
  });
});

describe('DetectorState', () => {
  it('finds a lowest point when the window holds the dip and the MAs turn, with sentiment > 20', () => {
    const state = new DetectorState(OPTIONS);
    const bars = dipAndTurn();
    for (const b of bars) state.push(b, { score: 40, politicalMin: null, politicalScore: 10 });
    const d = state.detection();
    expect(d.reasons).toEqual(['near24h', 'near7d', 'support', 'rsi', 'approaching', 'sentiment']);
    expect(d.confidence).toBe(0.75);
    expect(d.isLowestPoint).toBe(true);
    expect(d.buySignal).toBe(true);
    expect(d.low24h).toBe(95);
    expect(d.price).toBe(97);
    expect(d.bbPosition).toBeCloseTo(0.35, 10);
    expect(d.politicalSentiment).toBe(10);
    expect(d.riseProbability).toBeNull();
    expect(d.notes).toEqual([]);
  });

  it('fails the sentiment terms on unknown sentiment in live mode and says so', () => {
    const state = new DetectorState(OPTIONS);
    for (const b of dipAndTurn()) state.push(b, null);
    const d = state.detection();
    expect(d.isLowestPoint).toBe(false);
    expect(d.confidence).toBe(0.6);
    expect(d.notes).toContain('sentiment unknown');
  });

  it('drops the sentiment terms when told to ignore them, without rescaling the 0.70 threshold', () => {
    const ignoring = new DetectorState({ ...OPTIONS, sentiment: 'ignore' });
    for (const b of dipAndTurn()) ignoring.push(b, { score: 90, politicalMin: null, politicalScore: null });
    const d = ignoring.detection();
    expect(d.confidence).toBe(0.6); // the 0.15 is not counted even with a bullish score
    expect(d.isLowestPoint).toBe(false); // 0.60 < 0.70
    expect(d.notes).toEqual(['sentiment ignored']);
    // With a volume spike in the window the same bar reaches 0.70 without sentiment.
    const bars = dipAndTurn();
    for (let i = 10; i < 30; i++) bars[i] = bar(i, { volume: 10 });
    bars[32] = { ...bars[32]!, volume: 100 };
    const spiked = new DetectorState({ ...OPTIONS, sentiment: 'ignore' });
    for (const b of bars) spiked.push(b);
    expect(spiked.detection().confidence).toBe(0.7);
    expect(spiked.buySignal).toBe(true);
  });

  it('judges approaching only when the gap narrowed at each of the last 3 bars, or on a cross up', () => {
    const widening = dipAndTurn();
    widening[33] = { ...widening[33]!, sma9: 99.5 }; // gap 0.5 at bar 33 breaks the narrowing
    const s1 = new DetectorState(OPTIONS);
    for (const b of widening) s1.push(b, { score: 40, politicalMin: null, politicalScore: null });
    expect(s1.detection().reasons).not.toContain('approaching');

    const crossing = dipAndTurn();
    crossing.push(bar(35, { low: 97, close: 98, sma9: 100.1, sma21: 100 }));
    const s2 = new DetectorState(OPTIONS);
    for (const b of crossing) s2.push(b, { score: 40, politicalMin: null, politicalScore: null });
    expect(s2.detection().reasons).toContain('approaching');
  });

  it('does not signal again within the evidence window after a signal', () => {
    const state = new DetectorState(OPTIONS);
    const bars = dipAndTurn();
    const reading = { score: 40, politicalMin: null, politicalScore: null };
    for (const b of bars) state.push(b, reading);
    expect(state.buySignal).toBe(true);
    // The gap keeps narrowing: the rule still holds, but the signal is suppressed.
    state.push(bar(35, { low: 96, close: 97, sma9: 99.9, sma21: 100 }), reading);
    expect(state.isLowestPoint).toBe(true);
    expect(state.buySignal).toBe(false);
    expect(state.detection().notes).toContain('within the evidence window of the previous signal');
  });

  it('measures the 24 h low in time, not bars, across a gap', () => {
    const state = new DetectorState(OPTIONS);
    state.push(bar(0, { low: 50 }));
    // 24 h and 5 minutes later: the 50 low has left the 24 h window but not the 7 d one.
    state.push({ ...bar(1, { low: 99 }), openTime: 24 * 3_600_000 + FIVE_MIN });
    const d = state.detection();
    expect(d.low24h).toBe(99);
    expect(d.low7d).toBe(50);
    expect(d.support).toBe(50);
  });

  it('refuses a bar out of order and keeps its state', () => {
    const state = new DetectorState(OPTIONS);
    state.push(bar(5));
    expect(() => state.push(bar(5))).toThrow(/oldest first/);
    expect(() => state.push(bar(4))).toThrow(/oldest first/);
    expect(state.bar?.openTime).toBe(5 * FIVE_MIN);
    expect(state.push(bar(6))).toBe(false);
  });

  it('refuses to materialise a detection before any bar', () => {
    expect(() => new DetectorState(OPTIONS).detection()).toThrow(/no bar/);
  });
});

describe('detector on the shared Binance 5m data (7 pairs, 2018-01-10..30)', () => {
  const series = loadBinance2018().map((s) => ({ symbol: s.symbol, bars: withIndicators(s.bars) }));

  it('fires 19 times with the 12-bar window, sentiment ignored; 14 of them higher two hours later', () => {
    let signals = 0;
    let rose = 0;
    let lastRiseProbability: number | null = null;
    for (const { symbol, bars } of series) {
      const detections = detectSeries(bars, {
        symbol,
        assetType: 'crypto',
        timeframe: '5m',
        sentiment: 'ignore',
      });
      detections.forEach((d, i) => {
        if (!d.buySignal) return;
        signals++;
        const later = bars.slice(i).find((b) => b.openTime >= bars[i]!.openTime + 7_200_000);
        if (later !== undefined && later.close > bars[i]!.close) rose++;
        if (symbol === 'NXT/BTC') lastRiseProbability = d.riseProbability;
      });
    }
    expect(signals).toBe(19);
    expect(rose).toBe(14);
    expect(lastRiseProbability).not.toBeNull();
  });

  it('fires once when judged at a single bar (window 1)', () => {
    const settings = detectorSettingsSchema.parse({ evidenceWindow: 1 });
    let signals = 0;
    for (const { symbol, bars } of series) {
      const state = new DetectorState({
        symbol,
        assetType: 'crypto',
        timeframe: '5m',
        settings,
        sentiment: 'ignore',
      });
      for (const b of bars) if (state.push(b)) signals++;
    }
    expect(signals).toBe(1);
  });

  it('gives the same verdicts streamed bar by bar as over the whole series', () => {
    const { symbol, bars } = series[0]!;
    const whole = detectSeries(bars, { symbol, assetType: 'crypto', timeframe: '5m', sentiment: 'ignore' });
    const state = new DetectorState({ symbol, assetType: 'crypto', timeframe: '5m', sentiment: 'ignore' });
    bars.forEach((b, i) => {
      state.push(b);
      if (i % 97 === 0 || whole[i]!.buySignal) expect(state.detection()).toEqual(whole[i]);
    });
  });
});
