/**
 * Seeded randomness and bootstrap confidence intervals, pure: the same seed gives the same numbers on
 * every machine, so a report can be reproduced exactly.
 */

/** A uniform [0, 1) generator from a 32-bit seed (mulberry32). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** A statistic with its percentile bootstrap interval. */
export interface Estimate {
  value: number;
  low: number;
  high: number;
}

/** Options of a bootstrap: resamples drawn, interval level (0.95) and the seed. */
export interface BootstrapOptions {
  resamples: number;
  level: number;
  seed: number;
}

export const DEFAULT_BOOTSTRAP: BootstrapOptions = { resamples: 2_000, level: 0.95, seed: 1 };

/**
 * The statistic of `values` with a percentile bootstrap interval: `resamples` samples drawn with
 * replacement. Null for an empty sample (no statistic, no made-up interval).
 */
export function bootstrap(
  values: readonly number[],
  statistic: (sample: Float64Array) => number,
  options: BootstrapOptions = DEFAULT_BOOTSTRAP,
): Estimate | null {
  const n = values.length;
  if (n === 0) return null;
  const value = statistic(Float64Array.from(values));
  const random = seededRandom(options.seed);
  const stats = new Float64Array(options.resamples);
  const sample = new Float64Array(n);
  for (let r = 0; r < options.resamples; r++) {
    for (let i = 0; i < n; i++) sample[i] = values[Math.floor(random() * n)]!;
    stats[r] = statistic(sample);
  }
  stats.sort();
  const tail = (1 - options.level) / 2;
  return { value, low: quantile(stats, tail), high: quantile(stats, 1 - tail) };
}

/** Mean of a sample. */
export function mean(sample: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < sample.length; i++) sum += sample[i]!;
  return sum / sample.length;
}

/** Share of a sample above zero. */
export function shareAboveZero(sample: Float64Array): number {
  let above = 0;
  for (let i = 0; i < sample.length; i++) if (sample[i]! > 0) above++;
  return above / sample.length;
}

/** Linear-interpolated quantile of sorted values. */
function quantile(sorted: Float64Array, q: number): number {
  const at = q * (sorted.length - 1);
  const lo = Math.floor(at);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (at - lo);
}
