import { ema, macd, sma } from 'indicatorts';
import type { Bar, BarWithIndicators, Indicators } from './types';

/**
 * Technical indicators over one symbol's bars at one timeframe (oldest first).
 *
 * SMA, EMA and MACD come from indicatorts, fed Float64Arrays. RSI and the Bollinger deviation are single
 * passes here: indicatorts' versions build several intermediate arrays per call and take ~300 ms per
 * million bars each, ten times the rest together; the tests check both against indicatorts and the
 * independent technicalindicators package.
 *
 * Warm-up values are null, never indicatorts' partial-window numbers: SMA(n), EMA(n) and the Bollinger
 * bands are null for the first n−1 bars, RSI(14) for the first 14, the MACD line for the first 25 and its
 * signal and histogram for the first 33 (26 + 9 − 2).
 *
 * EMAs (and so MACD) seed with the first close, as indicatorts does; they agree with SMA-seeded EMAs
 * after a few hundred bars. RSI uses Wilder's smoothing seeded with the mean of the first 14 changes.
 *
 * VWAP is anchored at 00:00 UTC and accumulates typical price × volume through the UTC day. Anchoring at a
 * day rather than at the start of the series makes a bar's VWAP depend only on its own day, so a resumed
 * ingestion (which loads a window of history, not all of it) stores the same value as a full backfill.
 * Crypto trades around the clock, so the UTC day is its session; on daily bars it is the bar's typical price.
 */

const RSI_PERIOD = 14;
const BB_PERIOD = 20;
const BB_K = 2;
const MACD_FAST = 12;
const MACD_SLOW = 26;
const MACD_SIGNAL = 9;
const DAY_MS = 86_400_000;

/**
 * Bars of history to load before the first new bar so its indicators equal those of a full backfill:
 * SMA200 needs 199, a 5m VWAP up to 287 (one UTC day), and the EMAs' seeding error shrinks by
 * (25/27)^500 ≈ 1e-17 over 500 bars.
 */
export const INDICATOR_WARMUP_BARS = 500;

/** Every indicator series over the bars, before warm-up nulling. */
interface IndicatorColumns {
  sma9: number[];
  sma21: number[];
  sma50: number[];
  sma200: number[];
  ema9: number[];
  ema21: number[];
  macdLine: number[];
  signalLine: number[];
  bbMiddle: number[];
  bbDeviation: Float64Array;
  rsi: Float64Array;
  vwap: Float64Array;
}

function indicatorColumns(bars: readonly Bar[]): IndicatorColumns {
  const n = bars.length;
  const close = new Float64Array(n);
  let previousTime = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    const bar = bars[i]!;
    if (!(bar.openTime > previousTime)) {
      throw new Error(
        `computeIndicators: bars must be oldest first with distinct openTime (index ${i}, ${bar.symbol} ${bar.timeframe})`,
      );
    }
    previousTime = bar.openTime;
    close[i] = bar.close;
  }
  // indicatorts only reads by index and length, which a Float64Array serves faster than number[].
  const closes = close as unknown as number[];
  const { macdLine, signalLine } = macd(closes, { fast: MACD_FAST, slow: MACD_SLOW, signal: MACD_SIGNAL });
  const bbMiddle = sma(closes, { period: BB_PERIOD });
  return {
    sma9: sma(closes, { period: 9 }),
    sma21: sma(closes, { period: 21 }),
    sma50: sma(closes, { period: 50 }),
    sma200: sma(closes, { period: 200 }),
    ema9: ema(closes, { period: 9 }),
    ema21: ema(closes, { period: 21 }),
    macdLine,
    signalLine,
    bbMiddle,
    bbDeviation: movingPopulationDeviation(close, bbMiddle, BB_PERIOD),
    rsi: wilderRsi(close, RSI_PERIOD),
    vwap: utcDayVwap(bars),
  };
}

const MACD_FIRST = MACD_SLOW - 1;
const SIGNAL_FIRST = MACD_SLOW + MACD_SIGNAL - 2;

/** The indicators at bar `i`, warm-up values as null. */
function indicatorsAt(x: IndicatorColumns, i: number): Indicators {
  const hasBb = i >= BB_PERIOD - 1;
  const middle = x.bbMiddle[i]!;
  const band = BB_K * x.bbDeviation[i]!;
  const hasSignal = i >= SIGNAL_FIRST;
  return {
    rsi14: i >= RSI_PERIOD ? finiteOrNull(x.rsi[i]!) : null,
    macd: i >= MACD_FIRST ? x.macdLine[i]! : null,
    macdSignal: hasSignal ? x.signalLine[i]! : null,
    macdHist: hasSignal ? x.macdLine[i]! - x.signalLine[i]! : null,
    bbUpper: hasBb ? middle + band : null,
    bbMiddle: hasBb ? middle : null,
    bbLower: hasBb ? middle - band : null,
    sma9: i >= 8 ? x.sma9[i]! : null,
    sma21: i >= 20 ? x.sma21[i]! : null,
    sma50: i >= 49 ? x.sma50[i]! : null,
    sma200: i >= 199 ? x.sma200[i]! : null,
    ema9: i >= 8 ? x.ema9[i]! : null,
    ema21: i >= 20 ? x.ema21[i]! : null,
    vwap: finiteOrNull(x.vwap[i]!),
  };
}

/** Indicators for each bar, aligned with the input. Throws unless openTime strictly increases. */
export function computeIndicators(bars: readonly Bar[]): Indicators[] {
  const columns = indicatorColumns(bars);
  const out = new Array<Indicators>(bars.length);
  for (let i = 0; i < bars.length; i++) out[i] = indicatorsAt(columns, i);
  return out;
}

/** The bars with their indicators merged in, aligned with the input. */
export function withIndicators(bars: readonly Bar[]): BarWithIndicators[] {
  const x = indicatorColumns(bars);
  const out = new Array<BarWithIndicators>(bars.length);
  for (let i = 0; i < bars.length; i++) {
    const b = bars[i]!;
    const hasBb = i >= BB_PERIOD - 1;
    const middle = x.bbMiddle[i]!;
    const band = BB_K * x.bbDeviation[i]!;
    const hasSignal = i >= SIGNAL_FIRST;
    // Written out rather than spread from indicatorsAt: one object per bar, not two.
    out[i] = {
      symbol: b.symbol,
      timeframe: b.timeframe,
      openTime: b.openTime,
      open: b.open,
      high: b.high,
      low: b.low,
      close: b.close,
      volume: b.volume,
      tradeCount: b.tradeCount,
      rsi14: i >= RSI_PERIOD ? finiteOrNull(x.rsi[i]!) : null,
      macd: i >= MACD_FIRST ? x.macdLine[i]! : null,
      macdSignal: hasSignal ? x.signalLine[i]! : null,
      macdHist: hasSignal ? x.macdLine[i]! - x.signalLine[i]! : null,
      bbUpper: hasBb ? middle + band : null,
      bbMiddle: hasBb ? middle : null,
      bbLower: hasBb ? middle - band : null,
      sma9: i >= 8 ? x.sma9[i]! : null,
      sma21: i >= 20 ? x.sma21[i]! : null,
      sma50: i >= 49 ? x.sma50[i]! : null,
      sma200: i >= 199 ? x.sma200[i]! : null,
      ema9: i >= 8 ? x.ema9[i]! : null,
      ema21: i >= 20 ? x.ema21[i]! : null,
      vwap: finiteOrNull(x.vwap[i]!),
    };
  }
  return out;
}

/** Each indicator as a column aligned with the bars, NaN where `withIndicators` has null. */
export type IndicatorArrays = { readonly [K in keyof Indicators]: Float64Array };

/**
 * A series' indicators as columns, without an object per bar (for bulk writes). `nonFinite` lists, in row
 * and key order, the cells where `withIndicators` would give a non-finite number rather than null: rare
 * (only at extreme price levels), and kept apart because NaN in `values` means null.
 */
export interface IndicatorTable {
  values: IndicatorArrays;
  nonFinite: { row: number; key: keyof Indicators }[];
}

/** The same indicators as `withIndicators`, as columns. Throws unless openTime strictly increases. */
export function indicatorTable(bars: readonly Bar[]): IndicatorTable {
  const x = indicatorColumns(bars);
  const n = bars.length;
  const column = () => new Float64Array(n).fill(Number.NaN);
  const values = {
    rsi14: column(),
    macd: column(),
    macdSignal: column(),
    macdHist: column(),
    bbUpper: column(),
    bbMiddle: column(),
    bbLower: column(),
    sma9: column(),
    sma21: column(),
    sma50: column(),
    sma200: column(),
    ema9: column(),
    ema21: column(),
    vwap: column(),
  };
  // Non-finite RSI and VWAP are null (NaN here already); every other value is kept as computed.
  for (let i = RSI_PERIOD; i < n; i++) values.rsi14[i] = finiteOrNaN(x.rsi[i]!);
  for (let i = 0; i < n; i++) values.vwap[i] = finiteOrNaN(x.vwap[i]!);
  for (let i = MACD_FIRST; i < n; i++) values.macd[i] = x.macdLine[i]!;
  for (let i = SIGNAL_FIRST; i < n; i++) {
    values.macdSignal[i] = x.signalLine[i]!;
    values.macdHist[i] = x.macdLine[i]! - x.signalLine[i]!;
  }
  for (let i = BB_PERIOD - 1; i < n; i++) {
    const middle = x.bbMiddle[i]!;
    const band = BB_K * x.bbDeviation[i]!;
    values.bbUpper[i] = middle + band;
    values.bbMiddle[i] = middle;
    values.bbLower[i] = middle - band;
  }
  copyFrom(values.sma9, x.sma9, 8);
  copyFrom(values.sma21, x.sma21, 20);
  copyFrom(values.sma50, x.sma50, 49);
  copyFrom(values.sma200, x.sma200, 199);
  copyFrom(values.ema9, x.ema9, 8);
  copyFrom(values.ema21, x.ema21, 20);

  const nonFinite: IndicatorTable['nonFinite'] = [];
  const keys = Object.keys(values) as (keyof Indicators)[];
  for (const key of keys) {
    if (key === 'rsi14' || key === 'vwap') continue;
    const v = values[key];
    for (let i = 0; i < n; i++) {
      // A NaN past the warm-up was computed, not a null: record it. Infinity needs no record.
      if (Number.isNaN(v[i]!) && !isWarmUp(key, i)) nonFinite.push({ row: i, key });
    }
  }
  nonFinite.sort((a, b) => a.row - b.row || keys.indexOf(a.key) - keys.indexOf(b.key));
  return { values, nonFinite };
}

/** One series' bars with their indicators; the rows from `from` on are the ones to write (before: warm-up history). */
export interface BarSeries {
  bars: readonly Bar[];
  indicators: IndicatorTable;
  from: number;
}

const BAR_SERIES = Symbol('bar series');

/**
 * The rows to write of several series, as a read-only BarWithIndicators[] that keeps them as columns: an
 * element is built when it is read (a new object on every read). A bulk writer asks `barSeriesOf` and
 * reads the columns instead, so a backfill makes no object per bar.
 */
export function barSeriesRows(series: readonly BarSeries[]): BarWithIndicators[] {
  const starts: number[] = [];
  let length = 0;
  for (const s of series) {
    starts.push(length);
    length += Math.max(0, s.bars.length - s.from);
  }
  const at = (row: number): BarWithIndicators => {
    let k = series.length - 1;
    while (starts[k]! > row || series[k]!.bars.length - series[k]!.from === 0) k--;
    const s = series[k]!;
    return barWithIndicatorsAt(s, s.from + row - starts[k]!);
  };
  // A packed array of the right length, so `in`, iteration and the array methods see every index.
  return new Proxy(new Array<BarWithIndicators>(length).fill(undefined as never), {
    get(target, key, receiver) {
      if (key === BAR_SERIES) return series;
      if (typeof key === 'string') {
        const row = Number(key);
        if (Number.isInteger(row) && row >= 0 && row < length && String(row) === key) return at(row);
      }
      return Reflect.get(target, key, receiver);
    },
  });
}

/** The series behind an array from `barSeriesRows`, or undefined for any other array. */
export function barSeriesOf(bars: readonly BarWithIndicators[]): readonly BarSeries[] | undefined {
  return (bars as unknown as { [BAR_SERIES]?: readonly BarSeries[] })[BAR_SERIES];
}

/** Bar `i` of a series with its indicators, exactly as `withIndicators` gives it. */
function barWithIndicatorsAt(s: BarSeries, i: number): BarWithIndicators {
  const b = s.bars[i]!;
  const { values, nonFinite } = s.indicators;
  const value = (key: keyof Indicators): number | null => {
    const v = values[key][i]!;
    return Number.isNaN(v) && !nonFinite.some((p) => p.row === i && p.key === key) ? null : v;
  };
  return {
    symbol: b.symbol,
    timeframe: b.timeframe,
    openTime: b.openTime,
    open: b.open,
    high: b.high,
    low: b.low,
    close: b.close,
    volume: b.volume,
    tradeCount: b.tradeCount,
    rsi14: value('rsi14'),
    macd: value('macd'),
    macdSignal: value('macdSignal'),
    macdHist: value('macdHist'),
    bbUpper: value('bbUpper'),
    bbMiddle: value('bbMiddle'),
    bbLower: value('bbLower'),
    sma9: value('sma9'),
    sma21: value('sma21'),
    sma50: value('sma50'),
    sma200: value('sma200'),
    ema9: value('ema9'),
    ema21: value('ema21'),
    vwap: value('vwap'),
  };
}

/** Whether `withIndicators` gives null for an indicator at bar `i` because of warm-up alone. */
function isWarmUp(key: keyof Indicators, i: number): boolean {
  switch (key) {
    case 'rsi14':
      return i < RSI_PERIOD;
    case 'macd':
      return i < MACD_FIRST;
    case 'macdSignal':
    case 'macdHist':
      return i < SIGNAL_FIRST;
    case 'bbUpper':
    case 'bbMiddle':
    case 'bbLower':
      return i < BB_PERIOD - 1;
    case 'sma9':
    case 'ema9':
      return i < 8;
    case 'sma21':
    case 'ema21':
      return i < 20;
    case 'sma50':
      return i < 49;
    case 'sma200':
      return i < 199;
    case 'vwap':
      return false;
  }
}

function copyFrom(target: Float64Array, source: number[], first: number): void {
  for (let i = first; i < target.length; i++) target[i] = source[i]!;
}

function finiteOrNaN(x: number): number {
  return Number.isFinite(x) ? x : Number.NaN;
}

function finiteOrNull(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}

/**
 * Population standard deviation over a trailing window around the given window means. Two passes per
 * window (mean known, then squared deviations) rather than running sums, which lose precision at high
 * price levels.
 */
function movingPopulationDeviation(values: Float64Array, means: number[], period: number): Float64Array {
  const out = new Float64Array(values.length);
  for (let i = period - 1; i < values.length; i++) {
    const mean = means[i]!;
    let sum = 0;
    for (let k = i - period + 1; k <= i; k++) {
      const d = values[k]! - mean;
      sum += d * d;
    }
    out[i] = Math.sqrt(sum / period);
  }
  return out;
}

/**
 * Wilder's RSI: the first averages are the means of the first `period` gains and losses, then each is
 * smoothed by (previous × (period − 1) + current) / period. NaN where price did not move at all
 * (no gains and no losses: the ratio is undefined).
 */
function wilderRsi(values: Float64Array, period: number): Float64Array {
  const n = values.length;
  const out = new Float64Array(n).fill(Number.NaN);
  if (n <= period) return out;
  let gain = 0;
  let loss = 0;
  for (let i = 1; i <= period; i++) {
    const d = values[i]! - values[i - 1]!;
    if (d > 0) gain += d;
    else loss -= d;
  }
  gain /= period;
  loss /= period;
  out[period] = rsiOf(gain, loss);
  for (let i = period + 1; i < n; i++) {
    const d = values[i]! - values[i - 1]!;
    gain = (gain * (period - 1) + Math.max(d, 0)) / period;
    loss = (loss * (period - 1) + Math.max(-d, 0)) / period;
    out[i] = rsiOf(gain, loss);
  }
  return out;
}

function rsiOf(gain: number, loss: number): number {
  if (loss === 0) return gain === 0 ? Number.NaN : 100;
  return 100 - 100 / (1 + gain / loss);
}

/** VWAP anchored at each 00:00 UTC: cumulative typical price × volume over cumulative volume. */
function utcDayVwap(bars: readonly Bar[]): Float64Array {
  const out = new Float64Array(bars.length);
  let day = Number.NaN;
  let priceVolume = 0;
  let volume = 0;
  for (let i = 0; i < bars.length; i++) {
    const b = bars[i]!;
    const barDay = Math.floor(b.openTime / DAY_MS);
    if (barDay !== day) {
      day = barDay;
      priceVolume = 0;
      volume = 0;
    }
    priceVolume += ((b.high + b.low + b.close) / 3) * b.volume;
    volume += b.volume;
    // No volume yet today: no VWAP (NaN becomes null).
    out[i] = volume > 0 ? priceVolume / volume : Number.NaN;
  }
  return out;
}
