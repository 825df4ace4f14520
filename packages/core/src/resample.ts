import type { Bar, Timeframe } from './types';
import { TIMEFRAME_MS } from './types';

/**
 * Resamples one symbol's bars (oldest first) to a coarser timeframe in UTC buckets: open of the first
 * bar, highest high, lowest low, close of the last, summed volume; trade count summed when every input
 * bar has one, else null. Missing input bars just make a bucket thinner; a bucket with no input bars
 * yields no bar. Buckets that end after `until` are still forming and are left out.
 */
export function resampleBars(bars: readonly Bar[], to: Timeframe, options: { until?: number } = {}): Bar[] {
  const bucketMs = TIMEFRAME_MS[to];
  const until = options.until ?? Number.POSITIVE_INFINITY;
  const out: Bar[] = [];
  let current: Bar | null = null;
  let previousTime = Number.NEGATIVE_INFINITY;
  for (const bar of bars) {
    const fromMs = TIMEFRAME_MS[bar.timeframe];
    if (fromMs === undefined || fromMs > bucketMs || bucketMs % fromMs !== 0) {
      throw new Error(`resampleBars: cannot resample ${bar.timeframe} bars to ${to}`);
    }
    if (!(bar.openTime > previousTime)) {
      throw new Error(
        `resampleBars: bars must be oldest first with distinct openTime (${bar.symbol} at ${bar.openTime})`,
      );
    }
    if (current && bar.symbol !== current.symbol) {
      throw new Error(`resampleBars: one symbol at a time (${current.symbol} and ${bar.symbol})`);
    }
    previousTime = bar.openTime;
    const bucket = Math.floor(bar.openTime / bucketMs) * bucketMs;
    if (current && current.openTime === bucket) {
      if (bar.high > current.high) current.high = bar.high;
      if (bar.low < current.low) current.low = bar.low;
      current.close = bar.close;
      current.volume += bar.volume;
      current.tradeCount =
        current.tradeCount === null || bar.tradeCount === null ? null : current.tradeCount + bar.tradeCount;
      continue;
    }
    if (current && current.openTime + bucketMs <= until) out.push(current);
    current = {
      symbol: bar.symbol,
      timeframe: to,
      openTime: bucket,
      open: bar.open,
      high: bar.high,
      low: bar.low,
      close: bar.close,
      volume: bar.volume,
      tradeCount: bar.tradeCount,
    };
  }
  if (current && current.openTime + bucketMs <= until) out.push(current);
  return out;
}
