import type { AssetType, Bar, Timeframe } from '@tradehits/core/types';

/** Columns per packed bar: openTime, open, high, low, close, volume, tradeCount (NaN for null). */
const WIDTH = 7;

/** One symbol's bars as a flat Float64Array, so they cross to a worker thread without copying. */
export function packBars(bars: readonly Bar[]): Float64Array {
  const out = new Float64Array(bars.length * WIDTH);
  for (let i = 0; i < bars.length; i++) {
    const b = bars[i]!;
    const o = i * WIDTH;
    out[o] = b.openTime;
    out[o + 1] = b.open;
    out[o + 2] = b.high;
    out[o + 3] = b.low;
    out[o + 4] = b.close;
    out[o + 5] = b.volume;
    out[o + 6] = b.tradeCount ?? Number.NaN;
  }
  return out;
}

/** The bars `packBars` packed, rebuilt for one symbol and timeframe. */
export function unpackBars(symbol: string, timeframe: Timeframe, columns: Float64Array): Bar[] {
  const bars: Bar[] = new Array(columns.length / WIDTH);
  for (let i = 0; i < bars.length; i++) {
    const o = i * WIDTH;
    const trades = columns[o + 6]!;
    bars[i] = {
      symbol,
      timeframe,
      openTime: columns[o]!,
      open: columns[o + 1]!,
      high: columns[o + 2]!,
      low: columns[o + 3]!,
      close: columns[o + 4]!,
      volume: columns[o + 5]!,
      tradeCount: Number.isNaN(trades) ? null : trades,
    };
  }
  return bars;
}

/** What the API sends a backtest worker. */
export interface BacktestJob {
  timeframe: Timeframe;
  params: unknown;
  series: { symbol: string; assetType: AssetType; columns: Float64Array }[];
}

/** What a backtest worker sends back. */
export type BacktestMessage<R> =
  | { kind: 'progress'; done: number; total: number }
  | { kind: 'result'; result: R }
  | { kind: 'error'; message: string };
