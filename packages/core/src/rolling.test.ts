import { describe, expect, it } from 'vitest';
import { RollingExtreme, RollingMean } from './rolling';

describe('RollingExtreme', () => {
  it('agrees with a brute-force window over gapped times', () => {
    let seed = 7;
    const random = () => {
      seed = (seed * 48_271) % 2_147_483_647;
      return seed / 2_147_483_647;
    };
    const span = 1_000;
    const min = new RollingExtreme(span, 'min');
    const max = new RollingExtreme(span, 'max');
    const seen: [number, number][] = [];
    let t = 0;
    for (let i = 0; i < 20_000; i++) {
      t += random() < 0.05 ? 700 : 10; // occasional gaps
      const v = Math.round(random() * 100);
      seen.push([t, v]);
      const inWindow = seen.filter(([k]) => k > t - span).map(([, x]) => x);
      if (i % 37 === 0 || i > 19_900) {
        expect(min.push(t, v)).toBe(Math.min(...inWindow));
        expect(max.push(t, v)).toBe(Math.max(...inWindow));
      } else {
        min.push(t, v);
        max.push(t, v);
      }
      if (seen.length > 200) seen.shift();
    }
  });

  it('refuses a non-positive span', () => {
    expect(() => new RollingExtreme(0, 'min')).toThrow(/positive/);
  });
});

describe('RollingMean', () => {
  it('is NaN while filling, then the mean of the last n', () => {
    const mean = new RollingMean(3);
    expect(mean.push(1)).toBeNaN();
    expect(mean.push(2)).toBeNaN();
    expect(mean.push(3)).toBe(2);
    expect(mean.push(10)).toBe(5);
    for (let i = 0; i < 1_000; i++) mean.push(1e9 + i * 0.1);
    expect(mean.push(5)).toBeCloseTo((1e9 + 99.8 + 1e9 + 99.9 + 5) / 3, 3);
  });
});
