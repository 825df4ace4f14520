import { describe, expect, it } from 'vitest';
import { resampleBars } from './resample';
import { binance2018Pair } from './testing/binance-2018';
import type { Bar } from './types';

const HOUR = 3_600_000;
const FIVE_MIN = 300_000;
const bar = (minute: number, price: number, extra: Partial<Bar> = {}): Bar => ({
  symbol: 'BTC/USD',
  timeframe: '5m',
  openTime: Date.UTC(2025, 0, 6, 10) + minute * 60_000,
  open: price,
  high: price + 1,
  low: price - 1,
  close: price + 0.5,
  volume: 2,
  tradeCount: 3,
  ...extra,
});

describe('resampleBars', () => {
  it('builds OHLCV per UTC hour and day from the real candles, gaps included', () => {
    const bars = binance2018Pair('ADA/BTC');
    const gaps = bars.filter((b, i) => i > 0 && b.openTime - bars[i - 1]!.openTime > FIVE_MIN).length;
    expect(gaps).toBeGreaterThan(0); // the shared data really has missing candles
    for (const [to, ms] of [
      ['1h', HOUR],
      ['1d', 24 * HOUR],
    ] as const) {
      const out = resampleBars(bars, to);
      // An independent grouping to compare against.
      const groups = new Map<number, Bar[]>();
      for (const b of bars) {
        const key = b.openTime - (b.openTime % ms);
        groups.set(key, [...(groups.get(key) ?? []), b]);
      }
      expect(out.map((b) => b.openTime)).toEqual([...groups.keys()]);
      for (const r of out) {
        const g = groups.get(r.openTime)!;
        expect(r.timeframe).toBe(to);
        expect(r.open).toBe(g[0]!.open);
        expect(r.close).toBe(g.at(-1)!.close);
        expect(r.high).toBe(Math.max(...g.map((b) => b.high)));
        expect(r.low).toBe(Math.min(...g.map((b) => b.low)));
        expect(r.volume).toBeCloseTo(
          g.reduce((s, b) => s + b.volume, 0),
          6,
        );
        expect(r.tradeCount).toBeNull();
        expect(r.openTime % ms).toBe(0);
      }
    }
  });

  it('sums trade counts, or gives null when any bar lacks one', () => {
    const [hour] = resampleBars([bar(0, 10), bar(5, 12), bar(10, 9)], '1h');
    expect(hour).toMatchObject({ open: 10, high: 13, low: 8, close: 9.5, volume: 6, tradeCount: 9 });
    expect(resampleBars([bar(0, 10), bar(5, 12, { tradeCount: null })], '1h')[0]!.tradeCount).toBeNull();
  });

  it('skips empty buckets and leaves out a still-forming one', () => {
    const bars = [bar(0, 10), bar(55, 11), bar(180, 12), bar(185, 13)];
    const out = resampleBars(bars, '1h');
    expect(out.map((b) => (b.openTime - bars[0]!.openTime) / HOUR)).toEqual([0, 3]);
    const until = bars[3]!.openTime + FIVE_MIN; // last input bar closes at 13:10
    expect(resampleBars(bars, '1h', { until }).map((b) => (b.openTime - bars[0]!.openTime) / HOUR)).toEqual([
      0,
    ]);
  });

  it('rejects a finer target, unordered bars and mixed symbols', () => {
    const hourly = { ...bar(0, 10), timeframe: '1h' as const };
    expect(() => resampleBars([hourly], '5m')).toThrow(/cannot resample 1h bars to 5m/);
    expect(() => resampleBars([bar(5, 1), bar(0, 1)], '1h')).toThrow(/oldest first/);
    expect(() => resampleBars([bar(0, 1), bar(5, 1, { symbol: 'ETH/USD' })], '1h')).toThrow(/one symbol/);
    expect(resampleBars([], '1d')).toEqual([]);
  });

  it('does not modify its input', () => {
    const bars = [bar(0, 10), bar(5, 12)];
    const copy = structuredClone(bars);
    resampleBars(bars, '1h');
    expect(bars).toEqual(copy);
  });
});
