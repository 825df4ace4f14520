import type {
  AssetType,
  BarWithIndicators,
  Detection,
  MarketDay,
  PoliticalPost,
  SentimentAggregate,
  SentimentItem,
  SentimentWindow,
  Timeframe,
} from '@tradehits/core';

export interface TableCount {
  table: string;
  rows: number;
}

export interface BarQuery {
  symbol: string;
  timeframe: Timeframe;
  /** Inclusive UTC ms bounds on openTime. */
  from?: number;
  to?: number;
  /** The most recent `limit` bars in the range, returned oldest first. */
  limit?: number;
}

/**
 * The analytics store: market, sentiment and detection history. BigQuery in the cloud, DuckDB embedded;
 * both implement this and run the same query text where the dialects allow. Every write is an upsert
 * on its natural key, so a retried job never duplicates a row.
 */
export interface AnalyticsStore {
  readonly kind: 'duckdb' | 'bigquery';
  /** Creates missing tables; safe to call on every start. */
  migrate(): Promise<void>;
  close(): Promise<void>;

  /**
   * Writes every table to Parquet under `target`: a folder for DuckDB (`COPY`), a gs:// prefix for
   * BigQuery (`EXPORT DATA` jobs). Returns the rows written per table.
   */
  exportTables(target: string): Promise<TableCount[]>;
  /** Loads what `exportTables` wrote into this store, whose tables must all be empty. */
  importTables(source: string): Promise<TableCount[]>;

  /** Natural key: (symbol, timeframe, openTime). Returns rows written. */
  upsertBars(assetType: AssetType, bars: BarWithIndicators[]): Promise<number>;
  bars(q: BarQuery): Promise<BarWithIndicators[]>;
  /**
   * Every symbol's bars of an asset type and timeframe with openTime in [from, to] (inclusive UTC ms),
   * by symbol and oldest first: what an engine tick reads for the bar that just closed.
   */
  barsInRange(
    assetType: AssetType,
    timeframe: Timeframe,
    q: { from: number; to: number },
  ): Promise<BarWithIndicators[]>;
  /** The newest bar of each symbol of an asset type at a timeframe. */
  latestBars(assetType: AssetType, timeframe: Timeframe): Promise<BarWithIndicators[]>;
  /** openTime of the newest stored bar, for resumable ingestion; null when none. */
  lastBarTime(symbol: string, timeframe: Timeframe): Promise<number | null>;
  countBars(filter?: { symbol?: string; timeframe?: Timeframe }): Promise<number>;
  /** openTime of the newest stored bar of every symbol of an asset type at a timeframe, in one query. */
  lastBarTimes(assetType: AssetType, timeframe: Timeframe): Promise<Map<string, number>>;

  upsertMarketCalendar(days: MarketDay[]): Promise<number>;

  /** Natural key: (source, itemId). */
  upsertSentimentItems(assetType: AssetType, items: SentimentItem[]): Promise<number>;
  sentimentItems(q: {
    symbol?: string;
    from: number;
    to: number;
    kind?: SentimentItem['kind'];
  }): Promise<SentimentItem[]>;
  /** Natural key: (source, itemId). */
  upsertPoliticalPosts(posts: PoliticalPost[]): Promise<number>;
  politicalPosts(q: { from: number; to: number; symbol?: string }): Promise<PoliticalPost[]>;
  /** Natural key: (symbol, window, asOf). */
  upsertSentimentAggregates(rows: SentimentAggregate[]): Promise<number>;
  /** The newest aggregate at or before `asOf` (default: now). */
  latestSentimentAggregate(
    symbol: string,
    window: SentimentWindow,
    asOf?: number,
  ): Promise<SentimentAggregate | null>;
  /** Each symbol's newest aggregate of `window` with asOf in [from, to], by symbol, in one query. */
  latestSentimentAggregates(
    window: SentimentWindow,
    q: { from: number; to: number },
  ): Promise<SentimentAggregate[]>;
  sentimentTimeline(q: {
    symbol: string;
    window: SentimentWindow;
    from: number;
    to: number;
  }): Promise<SentimentAggregate[]>;

  /** Natural key: (symbol, timeframe, barTime). */
  upsertDetections(rows: Detection[]): Promise<number>;
  detections(q: {
    assetType?: AssetType;
    symbol?: string;
    from?: number;
    to?: number;
    lowestOnly?: boolean;
    limit?: number;
  }): Promise<Detection[]>;
}
