import type {
  AssetType,
  BarWithIndicators,
  Detection,
  MarketDay,
  PoliticalPost,
  SentimentAggregate,
  SentimentItem,
  Timeframe,
} from '@tradehits/core';
import { ASSET_TYPES, TIMEFRAMES } from '@tradehits/core';
import { INDICATOR_FIELDS } from '@tradehits/core/bar-columns';
import { type BarSeries, barSeriesOf } from '@tradehits/core/indicators';
import type { Bar } from '@tradehits/core/types';
import { z } from 'zod';

/**
 * The analytics tables, described once. Both adapters derive their DDL, writes and reads from these
 * definitions, so a column is added in one place. Time columns are TIMESTAMP in both dialects and cross
 * the wire as UTC milliseconds (TIMESTAMP_MILLIS / UNIX_MILLIS on either side).
 */

/** Column types both dialects spell (STRING_ARRAY is BigQuery ARRAY<STRING>, DuckDB VARCHAR[]). */
export type ColumnType = 'STRING' | 'INT64' | 'FLOAT64' | 'BOOL' | 'TIMESTAMP' | 'DATE' | 'STRING_ARRAY';
/** One cell of a row to write: times as UTC ms, dates as YYYY-MM-DD. */
export type CellValue = string | number | boolean | null | string[];
/** A row to write, keyed by column name. */
export type Row = Record<string, CellValue>;

/** Rows to write, read cell by cell in the table's column order; bars are read straight from their objects. */
export interface RowSet {
  readonly length: number;
  cell(row: number, column: number): CellValue;
  /** Where offered: rows [start, start + count) of a numeric column into `out`, null as NaN (never a value). */
  numbers?(column: number, start: number, count: number, out: Float64Array): void;
}

/** A RowSet over row objects keyed by column name. */
export function rowSet(def: TableDef, rows: readonly Row[]): RowSet {
  const names = def.columns.map((c) => c.name);
  return { length: rows.length, cell: (r, c) => rows[r]![names[c]!]! };
}

/** One column of an analytics table. */
export interface Column {
  name: string;
  type: ColumnType;
  nullable: boolean;
}

/** An analytics table: columns, natural key, and BigQuery partitioning. */
export interface TableDef {
  name: string;
  columns: Column[];
  key: string[];
  /** TIMESTAMP or DATE column BigQuery partitions by day. */
  partitionBy: string;
  clusterBy: string[];
  /** BigQuery partition expiration, in days. */
  expirationDays?: number;
}

const col = (name: string, type: ColumnType, nullable = false): Column => ({ name, type, nullable });

const INDICATOR_COLUMNS = [
  'rsi14',
  'macd',
  'macd_signal',
  'macd_hist',
  'bb_upper',
  'bb_middle',
  'bb_lower',
  'sma9',
  'sma21',
  'sma50',
  'sma200',
  'ema9',
  'ema21',
  'vwap',
] as const;

function barTable(assetType: AssetType, timeframe: Timeframe): TableDef {
  return {
    name: barTableName(assetType, timeframe),
    columns: [
      col('symbol', 'STRING'),
      col('open_time', 'TIMESTAMP'),
      col('open', 'FLOAT64'),
      col('high', 'FLOAT64'),
      col('low', 'FLOAT64'),
      col('close', 'FLOAT64'),
      col('volume', 'FLOAT64'),
      col('trade_count', 'INT64', true),
      ...INDICATOR_COLUMNS.map((name) => col(name, 'FLOAT64', true)),
    ],
    key: ['symbol', 'open_time'],
    partitionBy: 'open_time',
    clusterBy: ['symbol'],
    // 5-minute bars are for the live detector and recent charts; hourly and daily bars keep the history.
    ...(timeframe === '5m' ? { expirationDays: 90 } : {}),
  };
}

/** `crypto_bars_5m`, `stock_bars_1d`, …: one table per asset type and timeframe, as the design names them. */
export function barTableName(assetType: AssetType, timeframe: Timeframe): string {
  if (!ASSET_TYPES.includes(assetType)) throw new Error(`Unknown asset type "${assetType}"`);
  if (!TIMEFRAMES.includes(timeframe)) throw new Error(`Unknown timeframe "${timeframe}"`);
  return `${assetType}_bars_${timeframe}`;
}

const sentimentColumns = [
  col('source', 'STRING'),
  col('item_id', 'STRING'),
  col('kind', 'STRING'),
  col('author', 'STRING', true),
  col('text', 'STRING'),
  col('url', 'STRING', true),
  col('posted_at', 'TIMESTAMP'),
  col('symbols', 'STRING_ARRAY'),
  col('score', 'FLOAT64'),
  col('category', 'STRING'),
];

function sentimentTable(name: string, extra: Column[] = []): TableDef {
  return {
    name,
    columns: [...sentimentColumns, ...extra],
    key: ['source', 'item_id'],
    partitionBy: 'posted_at',
    clusterBy: ['source'],
  };
}

/** Every analytics table, in creation order. */
export const TABLES: TableDef[] = [
  ...ASSET_TYPES.flatMap((a) => TIMEFRAMES.map((t) => barTable(a, t))),
  {
    name: 'market_calendar',
    columns: [
      col('date', 'DATE'),
      col('open_at', 'TIMESTAMP'),
      col('close_at', 'TIMESTAMP'),
      col('early_close', 'BOOL'),
    ],
    key: ['date'],
    partitionBy: 'date',
    clusterBy: [],
  },
  sentimentTable('crypto_sentiment'),
  sentimentTable('stock_sentiment'),
  sentimentTable('political_posts', [
    col('impact', 'STRING'),
    col('triggered_trades', 'BOOL'),
    col('assets_affected', 'STRING_ARRAY'),
  ]),
  {
    name: 'sentiment_aggregates',
    columns: [
      col('symbol', 'STRING'),
      col('asset_type', 'STRING'),
      col('time_window', 'STRING'),
      col('as_of', 'TIMESTAMP'),
      col('average', 'FLOAT64', true),
      col('trend', 'STRING'),
      col('bullish', 'INT64'),
      col('bearish', 'INT64'),
      col('total', 'INT64'),
      col('by_news', 'FLOAT64', true),
      col('by_social', 'FLOAT64', true),
      col('by_political', 'FLOAT64', true),
      col('by_coinmarketcap', 'FLOAT64', true),
      col('signal', 'STRING'),
      col('confidence', 'FLOAT64'),
    ],
    key: ['symbol', 'time_window', 'as_of'],
    partitionBy: 'as_of',
    clusterBy: ['symbol'],
  },
  {
    name: 'detections',
    columns: [
      col('symbol', 'STRING'),
      col('asset_type', 'STRING'),
      col('timeframe', 'STRING'),
      col('bar_time', 'TIMESTAMP'),
      col('price', 'FLOAT64'),
      col('low_24h', 'FLOAT64'),
      col('low_7d', 'FLOAT64'),
      col('support', 'FLOAT64'),
      col('rsi', 'FLOAT64', true),
      col('macd_hist', 'FLOAT64', true),
      col('bb_position', 'FLOAT64', true),
      col('sentiment', 'FLOAT64', true),
      col('political_sentiment', 'FLOAT64', true),
      col('reasons', 'STRING_ARRAY'),
      col('confidence', 'FLOAT64'),
      col('is_lowest_point', 'BOOL'),
      col('rise_probability', 'FLOAT64', true),
      col('buy_signal', 'BOOL'),
      col('notes', 'STRING_ARRAY'),
    ],
    key: ['symbol', 'timeframe', 'bar_time'],
    partitionBy: 'bar_time',
    clusterBy: ['symbol'],
  },
];

/** The definition of one table; throws for a name outside the whitelist. */
export function table(name: string): TableDef {
  const def = TABLES.find((t) => t.name === name);
  if (!def) throw new Error(`Unknown analytics table "${name}"`);
  return def;
}

// ── Input validation: everything is checked before anything is written. ──────────────────────────────

// zod 4 numbers are finite: NaN and ±Infinity fail with the value named in the message.
const finite = z.number();
const nullableFinite = finite.nullable();
const instant = z.number().int('must be an integer UTC ms instant').nonnegative();
const text = z.string().min(1);

const sentimentItemSchema = z.object({
  source: text,
  itemId: text,
  kind: z.enum(['news', 'social', 'political', 'coinmarketcap']),
  author: z.string().nullable(),
  text: z.string(),
  url: z.string().nullable(),
  postedAt: instant,
  symbols: z.array(text),
  score: finite,
  category: z.enum(['bearish', 'neutral', 'bullish']),
});

const politicalPostSchema = sentimentItemSchema.extend({
  impact: z.enum(['low', 'medium', 'high']),
  triggeredTrades: z.boolean(),
  assetsAffected: z.array(text),
});

const bySourceSchema = z.object({
  news: nullableFinite,
  social: nullableFinite,
  political: nullableFinite,
  coinmarketcap: nullableFinite,
});

const aggregateSchema = z.object({
  symbol: text,
  assetType: z.enum(ASSET_TYPES),
  window: z.enum(['1h', '24h']),
  asOf: instant,
  average: nullableFinite,
  trend: z.enum(['rising', 'falling', 'flat']),
  bullish: z.number().int().nonnegative(),
  bearish: z.number().int().nonnegative(),
  total: z.number().int().nonnegative(),
  bySource: bySourceSchema,
  signal: z.enum(['buy', 'sell', 'hold']),
  confidence: finite,
});

const detectionSchema = z.object({
  symbol: text,
  assetType: z.enum(ASSET_TYPES),
  timeframe: z.enum(TIMEFRAMES),
  barTime: instant,
  price: finite,
  low24h: finite,
  low7d: finite,
  support: finite,
  rsi: nullableFinite,
  macdHist: nullableFinite,
  bbPosition: nullableFinite,
  sentiment: nullableFinite,
  politicalSentiment: nullableFinite,
  reasons: z.array(z.string()),
  confidence: finite,
  isLowestPoint: z.boolean(),
  riseProbability: nullableFinite,
  buySignal: z.boolean(),
  notes: z.array(z.string()),
});

const marketDaySchema = z.object({
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD'),
  open: instant,
  close: instant,
  earlyClose: z.boolean(),
});

/** Raised for rows that fail validation; nothing of the batch has been written. */
export class InvalidRowError extends Error {
  override name = 'InvalidRowError';
}

function validateAll<T>(what: string, schema: z.ZodType<T>, rows: readonly unknown[]): T[] {
  if (!Array.isArray(rows)) throw new InvalidRowError(`${what}: expected an array of rows`);
  const out = new Array<T>(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const parsed = schema.safeParse(rows[i]);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((x) => `${x.path.join('.')}: ${x.message}`).join('; ');
      throw new InvalidRowError(`${what} row ${i} is invalid (${issues}); nothing was written`);
    }
    out[i] = parsed.data;
  }
  return out;
}

const BAR_PRICES = ['open', 'high', 'low', 'close', 'volume'] as const;
const BAR_INDICATORS = INDICATOR_FIELDS;

const describeValue = (v: unknown) =>
  typeof v === 'number' ? String(v) : v === undefined ? 'nothing' : typeof v;

/** The first problem with a bar, or null. Hand-written: bars are the bulk path (zod took most of a backfill). */
function barProblem(b: BarWithIndicators): string | null {
  if (typeof b !== 'object' || b === null) return 'expected a bar object';
  const problem = ohlcvProblem(b);
  if (problem) return problem;
  for (const k of BAR_INDICATORS) {
    const v = b[k];
    if (v !== null && !Number.isFinite(v)) return indicatorProblem(k, v);
  }
  return null;
}

const indicatorProblem = (k: string, v: unknown) =>
  `${k}: expected a finite number or null, received ${describeValue(v)}`;

/** The first problem with a bar's own fields (not its indicators), or null. */
function ohlcvProblem(b: Bar): string | null {
  if (typeof b.symbol !== 'string' || b.symbol.length === 0) return 'symbol: expected a non-empty string';
  if (!TIMEFRAMES.includes(b.timeframe))
    return `timeframe: expected one of ${TIMEFRAMES.join(', ')}, received ${String(b.timeframe)}`;
  if (!Number.isSafeInteger(b.openTime) || b.openTime < 0) {
    return `openTime: expected an integer UTC ms instant, received ${describeValue(b.openTime)}`;
  }
  for (const k of BAR_PRICES) {
    if (!Number.isFinite(b[k])) return `${k}: expected a finite number, received ${describeValue(b[k])}`;
  }
  if (b.volume < 0) return `volume: expected a non-negative number, received ${b.volume}`;
  if (b.tradeCount !== null && !(Number.isSafeInteger(b.tradeCount) && b.tradeCount >= 0)) {
    return `tradeCount: expected a non-negative integer or null, received ${describeValue(b.tradeCount)}`;
  }
  return null;
}

function validateBars(bars: readonly BarWithIndicators[]): readonly BarWithIndicators[] {
  if (!Array.isArray(bars)) throw new InvalidRowError('bar: expected an array of rows');
  for (let i = 0; i < bars.length; i++) {
    const problem = barProblem(bars[i]!);
    if (problem) throw new InvalidRowError(`bar row ${i} is invalid (${problem}); nothing was written`);
  }
  return bars;
}

// ── Row codecs: domain objects ↔ table rows. ─────────────────────────────────────────────────────────

/** Columns of a bar table before its indicators: symbol, open_time, OHLCV and trade_count. */
const BAR_FIELDS = 8;

/**
 * Cell `c` of a bar in the bar tables' column order. One switch rather than a table of getters: a single
 * call site with many targets is megamorphic, and this runs for every cell of a backfill.
 */
function barCell(b: BarWithIndicators, c: number): CellValue {
  switch (c) {
    case 0:
      return b.symbol;
    case 1:
      return b.openTime;
    case 2:
      return b.open;
    case 3:
      return b.high;
    case 4:
      return b.low;
    case 5:
      return b.close;
    case 6:
      return b.volume;
    case 7:
      return b.tradeCount;
    case 8:
      return b.rsi14;
    case 9:
      return b.macd;
    case 10:
      return b.macdSignal;
    case 11:
      return b.macdHist;
    case 12:
      return b.bbUpper;
    case 13:
      return b.bbMiddle;
    case 14:
      return b.bbLower;
    case 15:
      return b.sma9;
    case 16:
      return b.sma21;
    case 17:
      return b.sma50;
    case 18:
      return b.sma200;
    case 19:
      return b.ema9;
    case 20:
      return b.ema21;
    case 21:
      return b.vwap;
    default:
      throw new Error(`bar tables have no column ${c}`);
  }
}

/**
 * Validated bars grouped by timeframe, each group a RowSet for its table, deduplicated on the natural key
 * (the last of duplicates wins, as a later write would). Throws InvalidRowError before anything is written.
 */
export function barRows(assetType: AssetType, bars: readonly BarWithIndicators[]): Map<Timeframe, RowSet> {
  if (!ASSET_TYPES.includes(assetType)) throw new InvalidRowError(`Unknown asset type "${assetType}"`);
  const series = barSeriesOf(bars);
  const columnar = series && seriesRowSets(series);
  if (columnar) return columnar;
  validateBars(bars);
  const byTimeframe = new Map<Timeframe, number[]>();
  for (let i = 0; i < bars.length; i++) {
    const tf = bars[i]!.timeframe;
    let indexes = byTimeframe.get(tf);
    if (!indexes) {
      indexes = [];
      byTimeframe.set(tf, indexes);
    }
    indexes.push(i);
  }
  const out = new Map<Timeframe, RowSet>();
  for (const [tf, indexes] of byTimeframe) {
    const unique = uniqueBarIndexes(bars, indexes);
    out.set(tf, { length: unique.length, cell: (r, c) => barCell(bars[unique[r]!]!, c) });
  }
  return out;
}

/**
 * Bars held as columns (see `barSeriesRows`), validated row by row exactly as the object path does, grouped
 * by timeframe into RowSets that read the columns. Undefined when a series mixes symbols or timeframes or
 * repeats another's, which the object path handles (it deduplicates).
 */
function seriesRowSets(series: readonly BarSeries[]): Map<Timeframe, RowSet> | undefined {
  const written = series.filter((s) => s.bars.length > s.from);
  const seen = new Set<string>();
  for (const s of written) {
    const { symbol, timeframe } = s.bars[s.from]!;
    for (let i = s.from + 1; i < s.bars.length; i++) {
      if (s.bars[i]!.symbol !== symbol || s.bars[i]!.timeframe !== timeframe) return undefined;
    }
    const key = `${symbol}\u0000${timeframe}`;
    if (seen.has(key)) return undefined;
    seen.add(key);
  }
  let row = 0;
  for (const s of written) {
    // Indicators are checked column by column (the first bad cell of each), bars row by row up to there.
    const bad = firstBadIndicator(s);
    for (let i = s.from; i < s.bars.length; i++, row++) {
      const problem = ohlcvProblem(s.bars[i]!) ?? (bad?.row === i ? bad.problem : null);
      if (problem) throw new InvalidRowError(`bar row ${row} is invalid (${problem}); nothing was written`);
    }
  }
  const out = new Map<Timeframe, RowSet>();
  for (const tf of new Set(written.map((s) => s.bars[s.from]!.timeframe))) {
    out.set(tf, seriesRowSet(written.filter((s) => s.bars[s.from]!.timeframe === tf)));
  }
  return out;
}

/** The first written row with a non-finite indicator that is not a null, and its first such indicator. */
function firstBadIndicator(s: BarSeries): { row: number; problem: string } | null {
  const { values, nonFinite } = s.indicators;
  // NaN is null unless listed as computed; an infinity is always a computed value.
  const computedNaN = nonFinite.find((p) => p.row >= s.from);
  let bad: { row: number; key: (typeof BAR_INDICATORS)[number] } | null = computedNaN ?? null;
  for (const key of BAR_INDICATORS) {
    const column = values[key];
    const end = bad ? Math.min(bad.row + 1, column.length) : column.length;
    for (let i = s.from; i < end; i++) {
      const v = column[i]!;
      if (v === Number.POSITIVE_INFINITY || v === Number.NEGATIVE_INFINITY) {
        // Same row as the one found so far: the earlier column in bar order wins.
        const earlier = !bad || i < bad.row || BAR_INDICATORS.indexOf(key) < BAR_INDICATORS.indexOf(bad.key);
        if (earlier) bad = { row: i, key };
        break;
      }
    }
  }
  return bad && { row: bad.row, problem: indicatorProblem(bad.key, values[bad.key][bad.row]) };
}

/** A RowSet over validated series (each with rows to write), read from their bars and indicator columns. */
function seriesRowSet(series: readonly BarSeries[]): RowSet {
  const starts: number[] = [];
  let length = 0;
  for (const s of series) {
    starts.push(length);
    length += s.bars.length - s.from;
  }
  // The series holding a row: the last whose start is at or before it. Rows are mostly read in order,
  // so the previous answer is tried first.
  let recent = 0;
  const seriesAt = (row: number) => {
    if (row >= starts[recent]! && (recent + 1 === series.length || row < starts[recent + 1]!)) return recent;
    recent = findSeries(row);
    return recent;
  };
  const findSeries = (row: number) => {
    let lo = 0;
    let hi = series.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (starts[mid]! <= row) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  return {
    length,
    cell(row, c) {
      const k = seriesAt(row);
      const s = series[k]!;
      const i = s.from + row - starts[k]!;
      if (c < BAR_FIELDS) return barCell(s.bars[i] as BarWithIndicators, c);
      const v = s.indicators.values[BAR_INDICATORS[c - BAR_FIELDS]!][i]!;
      return Number.isNaN(v) ? null : v;
    },
    numbers(c, start, count, out) {
      const end = start + count;
      for (let k = seriesAt(start); k < series.length && starts[k]! < end; k++) {
        const s = series[k]!;
        const first = Math.max(start, starts[k]!);
        const last = Math.min(end, starts[k]! + s.bars.length - s.from);
        const offset = s.from - starts[k]!;
        if (c >= BAR_FIELDS) {
          const values = s.indicators.values[BAR_INDICATORS[c - BAR_FIELDS]!];
          out.set(values.subarray(first + offset, last + offset), first - start);
          continue;
        }
        for (let row = first; row < last; row++) {
          const v = barCell(s.bars[row + offset] as BarWithIndicators, c);
          if (typeof v !== 'number' && v !== null) throw new Error(`bar column ${c} is not numeric`);
          out[row - start] = v ?? Number.NaN;
        }
      }
    },
  };
}

/** Indexes with duplicates of (symbol, openTime) dropped, last kept; no work beyond a scan when times increase. */
function uniqueBarIndexes(bars: readonly BarWithIndicators[], indexes: number[]): number[] {
  const lastTime = new Map<string, number>();
  let increasing = true;
  for (const i of indexes) {
    const b = bars[i]!;
    const last = lastTime.get(b.symbol);
    if (last !== undefined && b.openTime <= last) {
      increasing = false;
      break;
    }
    lastTime.set(b.symbol, b.openTime);
  }
  if (increasing) return indexes;
  const byKey = new Map<string, number>();
  for (const i of indexes) byKey.set(`${bars[i]!.symbol}\u0000${bars[i]!.openTime}`, i);
  return [...byKey.values()].sort((a, b) => a - b);
}

const num = (v: unknown): number => (typeof v === 'number' ? v : Number(v));
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : num(v));
const strOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : []);

/** A bar read back from either store (INT64 cells may arrive as strings or bigints). */
export function barFromRow(r: Record<string, unknown>, timeframe: Timeframe): BarWithIndicators {
  return {
    symbol: String(r.symbol),
    timeframe,
    openTime: num(r.open_time),
    open: num(r.open),
    high: num(r.high),
    low: num(r.low),
    close: num(r.close),
    volume: num(r.volume),
    tradeCount: numOrNull(r.trade_count),
    rsi14: numOrNull(r.rsi14),
    macd: numOrNull(r.macd),
    macdSignal: numOrNull(r.macd_signal),
    macdHist: numOrNull(r.macd_hist),
    bbUpper: numOrNull(r.bb_upper),
    bbMiddle: numOrNull(r.bb_middle),
    bbLower: numOrNull(r.bb_lower),
    sma9: numOrNull(r.sma9),
    sma21: numOrNull(r.sma21),
    sma50: numOrNull(r.sma50),
    sma200: numOrNull(r.sma200),
    ema9: numOrNull(r.ema9),
    ema21: numOrNull(r.ema21),
    vwap: numOrNull(r.vwap),
  };
}

/** Validated market-calendar rows. */
export function marketDayRows(days: readonly MarketDay[]): Row[] {
  return dedupe(
    validateAll('market day', marketDaySchema, days).map((d) => ({
      date: d.date,
      open_at: d.open,
      close_at: d.close,
      early_close: d.earlyClose,
    })),
    ['date'],
  );
}

function sentimentRow(i: SentimentItem): Row {
  return {
    source: i.source,
    item_id: i.itemId,
    kind: i.kind,
    author: i.author,
    text: i.text,
    url: i.url,
    posted_at: i.postedAt,
    symbols: i.symbols,
    score: i.score,
    category: i.category,
  };
}

/** Validated sentiment-item rows. */
export function sentimentItemRows(items: readonly SentimentItem[]): Row[] {
  return dedupe(validateAll('sentiment item', sentimentItemSchema, items).map(sentimentRow), [
    'source',
    'item_id',
  ]);
}

/** A sentiment item read back. */
export function sentimentItemFromRow(r: Record<string, unknown>): SentimentItem {
  return {
    source: String(r.source),
    itemId: String(r.item_id),
    kind: String(r.kind) as SentimentItem['kind'],
    author: strOrNull(r.author),
    text: String(r.text),
    url: strOrNull(r.url),
    postedAt: num(r.posted_at),
    symbols: strings(r.symbols),
    score: num(r.score),
    category: String(r.category) as SentimentItem['category'],
  };
}

/** Validated political-post rows. */
export function politicalPostRows(posts: readonly PoliticalPost[]): Row[] {
  return dedupe(
    validateAll('political post', politicalPostSchema, posts).map((p) => ({
      ...sentimentRow(p),
      impact: p.impact,
      triggered_trades: p.triggeredTrades,
      assets_affected: p.assetsAffected,
    })),
    ['source', 'item_id'],
  );
}

/** A political post read back. */
export function politicalPostFromRow(r: Record<string, unknown>): PoliticalPost {
  return {
    ...sentimentItemFromRow(r),
    impact: String(r.impact) as PoliticalPost['impact'],
    triggeredTrades: Boolean(r.triggered_trades),
    assetsAffected: strings(r.assets_affected),
  };
}

/** Validated sentiment-aggregate rows. */
export function aggregateRows(rows: readonly SentimentAggregate[]): Row[] {
  return dedupe(
    validateAll('sentiment aggregate', aggregateSchema, rows).map((a) => ({
      symbol: a.symbol,
      asset_type: a.assetType,
      time_window: a.window,
      as_of: a.asOf,
      average: a.average,
      trend: a.trend,
      bullish: a.bullish,
      bearish: a.bearish,
      total: a.total,
      by_news: a.bySource.news,
      by_social: a.bySource.social,
      by_political: a.bySource.political,
      by_coinmarketcap: a.bySource.coinmarketcap,
      signal: a.signal,
      confidence: a.confidence,
    })),
    ['symbol', 'time_window', 'as_of'],
  );
}

/** A sentiment aggregate read back. */
export function aggregateFromRow(r: Record<string, unknown>): SentimentAggregate {
  return {
    symbol: String(r.symbol),
    assetType: String(r.asset_type) as AssetType,
    window: String(r.time_window) as SentimentAggregate['window'],
    asOf: num(r.as_of),
    average: numOrNull(r.average),
    trend: String(r.trend) as SentimentAggregate['trend'],
    bullish: num(r.bullish),
    bearish: num(r.bearish),
    total: num(r.total),
    bySource: {
      news: numOrNull(r.by_news),
      social: numOrNull(r.by_social),
      political: numOrNull(r.by_political),
      coinmarketcap: numOrNull(r.by_coinmarketcap),
    },
    signal: String(r.signal) as SentimentAggregate['signal'],
    confidence: num(r.confidence),
  };
}

/** Validated detection rows. */
export function detectionRows(rows: readonly Detection[]): Row[] {
  return dedupe(
    validateAll('detection', detectionSchema, rows).map((d) => ({
      symbol: d.symbol,
      asset_type: d.assetType,
      timeframe: d.timeframe,
      bar_time: d.barTime,
      price: d.price,
      low_24h: d.low24h,
      low_7d: d.low7d,
      support: d.support,
      rsi: d.rsi,
      macd_hist: d.macdHist,
      bb_position: d.bbPosition,
      sentiment: d.sentiment,
      political_sentiment: d.politicalSentiment,
      reasons: d.reasons,
      confidence: d.confidence,
      is_lowest_point: d.isLowestPoint,
      rise_probability: d.riseProbability,
      buy_signal: d.buySignal,
      notes: d.notes,
    })),
    ['symbol', 'timeframe', 'bar_time'],
  );
}

/** A detection read back. */
export function detectionFromRow(r: Record<string, unknown>): Detection {
  return {
    symbol: String(r.symbol),
    assetType: String(r.asset_type) as AssetType,
    timeframe: String(r.timeframe) as Timeframe,
    barTime: num(r.bar_time),
    price: num(r.price),
    low24h: num(r.low_24h),
    low7d: num(r.low_7d),
    support: num(r.support),
    rsi: numOrNull(r.rsi),
    macdHist: numOrNull(r.macd_hist),
    bbPosition: numOrNull(r.bb_position),
    sentiment: numOrNull(r.sentiment),
    politicalSentiment: numOrNull(r.political_sentiment),
    reasons: strings(r.reasons),
    confidence: num(r.confidence),
    isLowestPoint: Boolean(r.is_lowest_point),
    riseProbability: numOrNull(r.rise_probability),
    buySignal: Boolean(r.buy_signal),
    notes: strings(r.notes),
  };
}

/** Keeps the last row of each natural key: a MERGE needs at most one source row per target row. */
function dedupe(rows: Row[], key: string[]): Row[] {
  const byKey = new Map<string, Row>();
  for (const r of rows) byKey.set(key.map((k) => String(r[k])).join('\u0000'), r);
  return [...byKey.values()];
}
