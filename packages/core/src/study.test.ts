import { describe, expect, it } from 'vitest';
import { bootstrap, mean, seededRandom } from './bootstrap';
import { withIndicators } from './indicators';
import { DEFAULT_DETECTOR_SETTINGS } from './params';
import { runStudy, studySeries } from './study';
import { loadBinance2018 } from './testing/binance-2018';
import type { Bar } from './types';

describe('runStudy on the shared Binance 5m data', () => {
  const series = loadBinance2018();
  const report = runStudy({
    series,
    timeframes: ['5m', '1h'],
    bootstrap: { resamples: 500, level: 0.95, seed: 7 },
  });

  it('finds the 19 5m lowest points, 14 of them higher two hours later', () => {
    const five = report.byTimeframe.find((g) => g.timeframe === '5m')!;
    expect(five.signals).toBe(19);
    expect(five.accuracy!.value).toBeCloseTo(14 / 19, 12);
    expect(five.accuracy!.low).toBeLessThan(five.accuracy!.value);
    expect(five.accuracy!.high).toBeGreaterThan(five.accuracy!.value);
    const perSymbol = report.bySymbol.filter((g) => g.timeframe === '5m');
    expect(perSymbol.reduce((n, g) => n + g.signals, 0)).toBe(19);
    expect(report.overall.signals).toBe(report.signals.length);
  });

  it('measures each return from the signal close to the close of the bar ending that much later', () => {
    const s = report.signals.find((x) => x.timeframe === '5m' && x.returns.h2 !== null)!;
    const bars = series.find((x) => x.symbol === s.symbol)!.bars;
    const i = bars.findIndex((b) => b.openTime === s.barTime);
    expect(s.price).toBe(bars[i]!.close);
    expect(s.returns.h2).toBeCloseTo(bars[i + 24]!.close / bars[i]!.close - 1, 12);
    expect(s.returns.h1).toBeCloseTo(bars[i + 12]!.close / bars[i]!.close - 1, 12);
    const after = bars.slice(i + 1, i + 1 + 288);
    expect(s.mfe).toBeCloseTo(Math.max(...after.map((b) => b.high)) / s.price - 1, 12);
    expect(s.mae).toBeCloseTo(Math.min(...after.map((b) => b.low)) / s.price - 1, 12);
  });

  it('is reproducible from its seed', () => {
    const again = runStudy({
      series,
      timeframes: ['5m'],
      bootstrap: { resamples: 500, level: 0.95, seed: 7 },
    });
    expect(again.byTimeframe[0]).toEqual(report.byTimeframe[0]);
  });

  it('gives no return past the end of the data, never a made-up one', () => {
    const bars = series[0]!.bars;
    const cut = bars.slice(0, bars.length);
    const signals = studySeries(
      series[0]!.symbol,
      'crypto',
      '5m',
      withIndicators(cut),
      DEFAULT_DETECTOR_SETTINGS,
    );
    for (const s of signals) {
      const i = cut.findIndex((b) => b.openTime === s.barTime);
      if (i + 288 >= cut.length) expect(s.returns.h24).toBeNull();
    }
  });

  it('refuses bars that are not 5m bars of their symbol', () => {
    const wrong: Bar[] = [{ ...series[0]!.bars[0]!, timeframe: '1h' }];
    expect(() =>
      runStudy({ series: [{ symbol: series[0]!.symbol, bars: wrong }], timeframes: ['5m'] }),
    ).toThrow(/the study reads 5m bars/);
  });
});

describe('bootstrap', () => {
  it('repeats with its seed and covers the sample mean', () => {
    const r = seededRandom(3);
    const values = Array.from({ length: 200 }, () => r() - 0.4);
    const a = bootstrap(values, mean, { resamples: 1_000, level: 0.9, seed: 5 })!;
    expect(bootstrap(values, mean, { resamples: 1_000, level: 0.9, seed: 5 })).toEqual(a);
    expect(a.low).toBeLessThan(a.value);
    expect(a.high).toBeGreaterThan(a.value);
    expect(a.high - a.low).toBeLessThan(0.15);
    expect(bootstrap([], mean)).toBeNull();
  });
});
