import type { BarWithIndicators, Indicators, Timeframe } from './types';

/** Every indicator a stored bar carries; each may be null while its window fills. */
export const INDICATOR_FIELDS = [
  'rsi14',
  'macd',
  'macdSignal',
  'macdHist',
  'bbUpper',
  'bbMiddle',
  'bbLower',
  'sma9',
  'sma21',
  'sma50',
  'sma200',
  'ema9',
  'ema21',
  'vwap',
] as const satisfies readonly (keyof Indicators)[];

/** The fields of a bar that may be null: its trade count and every indicator. */
export const NULLABLE_BAR_FIELDS = ['tradeCount', ...INDICATOR_FIELDS] as const;

/** The fields every bar has a number for. */
export const BAR_PRICE_FIELDS = ['openTime', 'open', 'high', 'low', 'close', 'volume'] as const;

/**
 * Bars of one symbol and timeframe as columns, oldest first: one array per field, row i of each being bar
 * i. A 2,000-bar answer is a few dozen arrays of numbers rather than 2,000 objects repeating every key,
 * so it is about half the bytes and far cheaper to write and read.
 */
export type BarColumns = { symbol: string; timeframe: Timeframe } & {
  [K in (typeof BAR_PRICE_FIELDS)[number]]: number[];
} & { [K in (typeof NULLABLE_BAR_FIELDS)[number]]: (number | null)[] };

/** Bars (one symbol and timeframe, oldest first) as columns. */
export function barColumns(
  symbol: string,
  timeframe: Timeframe,
  bars: readonly BarWithIndicators[],
): BarColumns {
  const columns = { symbol, timeframe } as BarColumns;
  for (const f of BAR_PRICE_FIELDS) columns[f] = bars.map((b) => b[f]);
  for (const f of NULLABLE_BAR_FIELDS) columns[f] = bars.map((b) => b[f]);
  return columns;
}

/** The bars back from their columns. Throws when the columns differ in length. */
export function barRows(columns: BarColumns): BarWithIndicators[] {
  const n = columns.openTime.length;
  for (const f of [...BAR_PRICE_FIELDS, ...NULLABLE_BAR_FIELDS]) {
    if (columns[f].length !== n) throw new Error(`bar column ${f} has ${columns[f].length} rows, not ${n}`);
  }
  const rows: BarWithIndicators[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const bar = { symbol: columns.symbol, timeframe: columns.timeframe } as BarWithIndicators;
    for (const f of BAR_PRICE_FIELDS) bar[f] = columns[f][i]!;
    for (const f of NULLABLE_BAR_FIELDS) bar[f] = columns[f][i]!;
    rows[i] = bar;
  }
  return rows;
}

/** Columns from the JSON text `markets.bars` answers with; throws when it is not bar columns. */
export function parseBarColumns(json: string): BarColumns {
  const value = JSON.parse(json) as Partial<BarColumns> | null;
  if (typeof value?.symbol !== 'string' || !Array.isArray(value.openTime)) {
    throw new Error('not bar columns: expected a symbol and an openTime column');
  }
  return value as BarColumns;
}
