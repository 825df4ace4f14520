import { rsi as indicatortsRsi } from 'indicatorts';
import { BollingerBands, EMA, MACD, RSI, SMA, VWAP } from 'technicalindicators';
import { describe, expect, it } from 'vitest';
import { computeIndicators, INDICATOR_WARMUP_BARS, withIndicators } from './indicators';
import { binance2018Pair } from './testing/binance-2018';
import type { Bar, Indicators } from './types';

const PAIRS = ['ADA', 'DASH', 'ETH', 'LTC', 'NXT', 'XLM', 'XMR'];

const loadBars = (base: string): Bar[] => binance2018Pair(`${base}/BTC`);

/** Our series from index `from` against a reference aligned so that reference[0] is our index `offset`. */
function expectClose(
  ours: Indicators[],
  key: keyof Indicators,
  reference: (number | undefined)[],
  offset: number,
  relTol: number,
  from = offset,
) {
  let compared = 0;
  let worst = { error: 0, at: -1 };
  for (let i = from; i < ours.length; i++) {
    const want = reference[i - offset];
    const got = ours[i]![key];
    if (want === undefined) continue;
    // A missing value is an infinite error.
    const error =
      got === null ? Number.POSITIVE_INFINITY : Math.abs(got - want) / Math.max(Math.abs(want), 1e-12);
    if (!(error <= worst.error)) worst = { error, at: i };
    compared++;
  }
  expect(worst.error, `${key} worst at ${worst.at}`).toBeLessThanOrEqual(relTol);
  expect(compared).toBeGreaterThan(1000);
}

describe('computeIndicators on the shared Binance candles', () => {
  for (const base of PAIRS) {
    it(`${base}/BTC agrees with technicalindicators`, () => {
      const bars = loadBars(base);
      const closes = bars.map((b) => b.close);
      const ours = computeIndicators(bars);
      expect(ours).toHaveLength(bars.length);

      for (const period of [9, 21, 50, 200] as const) {
        const key = `sma${period}` as const;
        expectClose(ours, key, SMA.calculate({ period, values: closes }), period - 1, 1e-9);
      }
      // technicalindicators seeds EMAs with an SMA, indicatorts with the first close: compare once converged.
      for (const period of [9, 21] as const) {
        const key = `ema${period}` as const;
        expectClose(ours, key, EMA.calculate({ period, values: closes }), period - 1, 1e-9, 300);
      }
      const macd = MACD.calculate({
        values: closes,
        fastPeriod: 12,
        slowPeriod: 26,
        signalPeriod: 9,
        SimpleMAOscillator: false,
        SimpleMASignal: false,
      });
      expectClose(
        ours,
        'macd',
        macd.map((m) => m.MACD),
        25,
        1e-6,
        400,
      );
      expectClose(
        ours,
        'macdSignal',
        macd.map((m) => m.signal),
        25,
        1e-6,
        400,
      );
      // The histogram is a small difference of two large numbers: compare it in absolute terms.
      for (let i = 400; i < ours.length; i++) {
        const want = macd[i - 25]!.histogram!;
        expect(Math.abs(ours[i]!.macdHist! - want)).toBeLessThan(1e-6 * Math.abs(closes[i]!));
      }
      const bb = BollingerBands.calculate({ period: 20, stdDev: 2, values: closes });
      expectClose(
        ours,
        'bbUpper',
        bb.map((b) => b.upper),
        19,
        1e-9,
      );
      expectClose(
        ours,
        'bbMiddle',
        bb.map((b) => b.middle),
        19,
        1e-9,
      );
      expectClose(
        ours,
        'bbLower',
        bb.map((b) => b.lower),
        19,
        1e-9,
      );
      // technicalindicators rounds RSI to two decimals; both are Wilder-seeded, so they agree from bar 14.
      const rsi = RSI.calculate({ period: 14, values: closes });
      for (let i = 14; i < ours.length; i++) {
        const got = ours[i]!.rsi14;
        if (got === null) continue;
        expect(Math.abs(got - rsi[i - 14]!), `rsi at ${i}`).toBeLessThanOrEqual(0.0051);
      }
    });
  }

  it('RSI matches indicatorts exactly once its different seed has decayed', () => {
    const bars = loadBars('ETH');
    const theirs = indicatortsRsi(bars.map((b) => b.close));
    const ours = computeIndicators(bars);
    for (let i = 400; i < bars.length; i++) expect(ours[i]!.rsi14!).toBeCloseTo(theirs[i]!, 8);
  });

  it('VWAP restarts each UTC day and matches a per-day technicalindicators VWAP', () => {
    const bars = loadBars('LTC');
    const ours = computeIndicators(bars);
    const byDay = new Map<number, number[]>();
    bars.forEach((b, i) => {
      const day = Math.floor(b.openTime / 86_400_000);
      byDay.set(day, [...(byDay.get(day) ?? []), i]);
    });
    expect(byDay.size).toBeGreaterThan(15);
    for (const indexes of byDay.values()) {
      const pick = (k: 'high' | 'low' | 'close' | 'volume') => indexes.map((i) => bars[i]![k]);
      const want = VWAP.calculate({
        high: pick('high'),
        low: pick('low'),
        close: pick('close'),
        volume: pick('volume'),
      });
      indexes.forEach((i, j) => {
        expect(Math.abs(ours[i]!.vwap! - want[j]!) / want[j]!).toBeLessThan(1e-9);
      });
      // The first bar of a day is that bar's own typical price.
      const first = bars[indexes[0]!]!;
      expect(ours[indexes[0]!]!.vwap).toBeCloseTo((first.high + first.low + first.close) / 3, 15);
    }
  });
});

describe('warm-up', () => {
  const bars = loadBars('ADA');
  const ours = computeIndicators(bars);
  const firstNonNull = (key: keyof Indicators) => ours.findIndex((x) => x[key] !== null);

  it('is null until each indicator has enough history, then never null', () => {
    const expected: Record<keyof Indicators, number> = {
      sma9: 8,
      sma21: 20,
      sma50: 49,
      sma200: 199,
      ema9: 8,
      ema21: 20,
      rsi14: 14,
      macd: 25,
      macdSignal: 33,
      macdHist: 33,
      bbUpper: 19,
      bbMiddle: 19,
      bbLower: 19,
      vwap: 0,
    };
    for (const [key, first] of Object.entries(expected) as [keyof Indicators, number][]) {
      expect(firstNonNull(key), key).toBe(first);
      expect(
        ours.slice(first).every((x) => x[key] !== null && Number.isFinite(x[key])),
        key,
      ).toBe(true);
    }
  });

  it('gives all-null rows for a series shorter than every period', () => {
    const few = computeIndicators(bars.slice(0, 5));
    expect(few).toHaveLength(5);
    for (const row of few) {
      const { vwap, ...rest } = row;
      expect(Object.values(rest).every((v) => v === null)).toBe(true);
      expect(vwap).not.toBeNull();
    }
    expect(computeIndicators([])).toEqual([]);
  });

  it('a resumed window of INDICATOR_WARMUP_BARS reproduces the full-history values', () => {
    const start = 3000;
    const resumed = computeIndicators(bars.slice(start - INDICATOR_WARMUP_BARS));
    for (let i = start; i < bars.length; i++) {
      const full = ours[i]!;
      const part = resumed[i - start + INDICATOR_WARMUP_BARS]!;
      for (const key of Object.keys(full) as (keyof Indicators)[]) {
        const a = full[key];
        const b = part[key];
        if (a === null) expect(b, key).toBeNull();
        else expect(Math.abs(a - b!) / Math.max(Math.abs(a), 1e-12), `${key} at ${i}`).toBeLessThan(1e-9);
      }
    }
  });
});

describe('edge cases', () => {
  const flat = (n: number, price = 10): Bar[] =>
    Array.from({ length: n }, (_, i) => ({
      symbol: 'X/USD',
      timeframe: '1h',
      openTime: i * 3_600_000,
      open: price,
      high: price,
      low: price,
      close: price,
      volume: 0,
      tradeCount: null,
    }));

  it('a price that never moves has no RSI and no-volume bars have no VWAP (null, not a guess)', () => {
    const out = computeIndicators(flat(40));
    expect(out[30]!.rsi14).toBeNull();
    expect(out[30]!.vwap).toBeNull();
    expect(out[30]!.sma21).toBe(10);
    expect(out[30]!.bbUpper).toBe(10);
  });

  it('RSI is 100 when price only rose', () => {
    const rising = flat(20).map((b, i) => ({ ...b, close: 10 + i }));
    expect(computeIndicators(rising)[15]!.rsi14).toBe(100);
  });

  it('rejects unordered or duplicate bars with a clear error', () => {
    const bars = flat(3);
    expect(() => computeIndicators([bars[1]!, bars[0]!])).toThrow(/oldest first/);
    expect(() => computeIndicators([bars[0]!, bars[0]!])).toThrow(/index 1, X\/USD 1h/);
  });

  it('withIndicators keeps the bar fields and adds the indicators', () => {
    const bars = loadBars('XMR').slice(0, 300);
    const merged = withIndicators(bars);
    const indicators = computeIndicators(bars);
    expect(merged[250]).toEqual({ ...bars[250], ...indicators[250] });
  });
});
