import type { AssetType, Timeframe } from '@tradehits/core';
import { ASSET_TYPES, TIMEFRAMES } from '@tradehits/core';
import { assetTypeOf } from '@tradehits/core/symbols';
import {
  aggregateFromRow,
  aggregateRows,
  barFromRow,
  barRows,
  barTableName,
  detectionFromRow,
  detectionRows,
  InvalidRowError,
  marketDayRows,
  politicalPostFromRow,
  politicalPostRows,
  type Row,
  type RowSet,
  rowSet,
  sentimentItemFromRow,
  sentimentItemRows,
  type TableDef,
  table,
} from './schema';
import {
  aggregatesSql,
  barsInRangeSql,
  barsSql,
  countSql,
  type Dialect,
  detectionsSql,
  lastBarTimeSql,
  lastBarTimesSql,
  latestAggregatesSql,
  latestBarsSql,
  politicalPostsSql,
  sentimentItemsSql,
} from './sql';
import type { AnalyticsStore, TableCount } from './store';

/** Query parameters: named scalars only. */
export type Params = Record<string, string | number | boolean>;

/** What an adapter supplies: how to run shared query text, and how to merge validated rows into a table. */
export interface SqlEngine {
  readonly kind: AnalyticsStore['kind'];
  readonly dialect: Dialect;
  migrate(): Promise<void>;
  close(): Promise<void>;
  query(sql: string, params: Params): Promise<Record<string, unknown>[]>;
  /** Upserts every batch, each on its table's natural key; all or nothing where the engine allows. */
  merge(batches: { def: TableDef; rows: RowSet }[]): Promise<void>;
  exportTables(target: string): Promise<TableCount[]>;
  importTables(source: string): Promise<TableCount[]>;
}

/** Latest instant TIMESTAMP_MILLIS accepts on BigQuery (9999-12-31T23:59:59.999Z). */
const MAX_TIME = 253_402_300_799_999;

function checkTimeframe(timeframe: Timeframe): void {
  if (!TIMEFRAMES.includes(timeframe)) throw new InvalidRowError(`Unknown timeframe "${timeframe}"`);
}

function checkLimit(limit: number | undefined): void {
  if (limit !== undefined && !(Number.isInteger(limit) && limit > 0)) {
    throw new InvalidRowError(`limit must be a positive integer, got ${limit}`);
  }
}

/** An AnalyticsStore over an engine: validation, row mapping and query choice live here, once. */
export function createSqlStore(engine: SqlEngine): AnalyticsStore {
  const d = engine.dialect;
  const barTable = (assetType: AssetType, timeframe: Timeframe) => table(barTableName(assetType, timeframe));

  async function write(batches: { def: TableDef; rows: RowSet | Row[] }[]): Promise<number> {
    const nonEmpty = batches
      .filter((b) => b.rows.length > 0)
      .map(({ def, rows }) => ({ def, rows: Array.isArray(rows) ? rowSet(def, rows) : rows }));
    if (nonEmpty.length > 0) await engine.merge(nonEmpty);
    return nonEmpty.reduce((n, b) => n + b.rows.length, 0);
  }

  return {
    kind: engine.kind,
    migrate: () => engine.migrate(),
    close: () => engine.close(),
    exportTables: (target) => engine.exportTables(target),
    importTables: (source) => engine.importTables(source),

    async upsertBars(assetType, bars) {
      const byTimeframe = barRows(assetType, bars);
      return write([...byTimeframe].map(([tf, rows]) => ({ def: barTable(assetType, tf), rows })));
    },

    async bars(q) {
      checkTimeframe(q.timeframe);
      checkLimit(q.limit);
      const def = barTable(assetTypeOf(q.symbol), q.timeframe);
      const params: Params = { symbol: q.symbol, from: q.from ?? 0, to: q.to ?? MAX_TIME };
      if (q.limit !== undefined) params.limit = q.limit;
      const rows = await engine.query(barsSql(d, def, q.limit !== undefined), params);
      const bars = rows.map((r) => barFromRow(r, q.timeframe));
      return q.limit !== undefined ? bars.reverse() : bars;
    },

    async barsInRange(assetType, timeframe, q) {
      checkTimeframe(timeframe);
      const rows = await engine.query(barsInRangeSql(d, barTable(assetType, timeframe)), {
        from: q.from,
        to: q.to,
      });
      return rows.map((r) => barFromRow(r, timeframe));
    },

    async latestBars(assetType, timeframe) {
      checkTimeframe(timeframe);
      const rows = await engine.query(latestBarsSql(d, barTable(assetType, timeframe)), {});
      return rows.map((r) => barFromRow(r, timeframe));
    },

    async lastBarTime(symbol, timeframe) {
      checkTimeframe(timeframe);
      const [row] = await engine.query(lastBarTimeSql(d, barTable(assetTypeOf(symbol), timeframe)), {
        symbol,
      });
      const last = row?.last_time;
      return last === null || last === undefined ? null : Number(last);
    },

    async lastBarTimes(assetType, timeframe) {
      checkTimeframe(timeframe);
      const rows = await engine.query(lastBarTimesSql(d, barTable(assetType, timeframe)), {});
      return new Map(rows.map((r) => [String(r.symbol), Number(r.last_time)]));
    },

    async countBars(filter = {}) {
      if (filter.timeframe) checkTimeframe(filter.timeframe);
      const assetTypes = filter.symbol ? [assetTypeOf(filter.symbol)] : ASSET_TYPES;
      const timeframes = filter.timeframe ? [filter.timeframe] : TIMEFRAMES;
      let total = 0;
      for (const a of assetTypes) {
        for (const tf of timeframes) {
          const params: Params = filter.symbol ? { symbol: filter.symbol } : {};
          const [row] = await engine.query(countSql(d, barTable(a, tf), !!filter.symbol), params);
          total += Number(row?.n ?? 0);
        }
      }
      return total;
    },

    async upsertMarketCalendar(days) {
      return write([{ def: table('market_calendar'), rows: marketDayRows(days) }]);
    },

    async upsertSentimentItems(assetType, items) {
      if (!ASSET_TYPES.includes(assetType)) throw new InvalidRowError(`Unknown asset type "${assetType}"`);
      return write([{ def: table(`${assetType}_sentiment`), rows: sentimentItemRows(items) }]);
    },

    async sentimentItems(q) {
      const assetTypes = q.symbol ? [assetTypeOf(q.symbol)] : ASSET_TYPES;
      const params: Params = { from: q.from, to: q.to };
      if (q.symbol) params.symbol = q.symbol;
      if (q.kind) params.kind = q.kind;
      const out = [];
      for (const a of assetTypes) {
        const sql = sentimentItemsSql(d, table(`${a}_sentiment`), { symbol: !!q.symbol, kind: !!q.kind });
        for (const r of await engine.query(sql, params)) out.push(sentimentItemFromRow(r));
      }
      return out.sort((x, y) => x.postedAt - y.postedAt);
    },

    async upsertPoliticalPosts(posts) {
      return write([{ def: table('political_posts'), rows: politicalPostRows(posts) }]);
    },

    async politicalPosts(q) {
      const params: Params = { from: q.from, to: q.to };
      if (q.symbol) params.symbol = q.symbol;
      const rows = await engine.query(politicalPostsSql(d, table('political_posts'), !!q.symbol), params);
      return rows.map(politicalPostFromRow);
    },

    async upsertSentimentAggregates(rows) {
      return write([{ def: table('sentiment_aggregates'), rows: aggregateRows(rows) }]);
    },

    async latestSentimentAggregate(symbol, window, asOf = Date.now()) {
      const sql = aggregatesSql(d, table('sentiment_aggregates'), true);
      const [row] = await engine.query(sql, { symbol, window, to: asOf });
      return row ? aggregateFromRow(row) : null;
    },

    async latestSentimentAggregates(window, q) {
      const sql = latestAggregatesSql(d, table('sentiment_aggregates'));
      const rows = await engine.query(sql, { window, from: q.from, to: q.to });
      return rows.map(aggregateFromRow);
    },

    async sentimentTimeline(q) {
      const sql = aggregatesSql(d, table('sentiment_aggregates'), false);
      const rows = await engine.query(sql, { symbol: q.symbol, window: q.window, from: q.from, to: q.to });
      return rows.map(aggregateFromRow);
    },

    async upsertDetections(rows) {
      return write([{ def: table('detections'), rows: detectionRows(rows) }]);
    },

    async detections(q) {
      checkLimit(q.limit);
      const params: Params = {};
      if (q.assetType) params.assetType = q.assetType;
      if (q.symbol) params.symbol = q.symbol;
      if (q.from !== undefined) params.from = q.from;
      if (q.to !== undefined) params.to = q.to;
      if (q.limit !== undefined) params.limit = q.limit;
      const sql = detectionsSql(d, table('detections'), {
        assetType: !!q.assetType,
        symbol: !!q.symbol,
        from: q.from !== undefined,
        to: q.to !== undefined,
        lowestOnly: !!q.lowestOnly,
        limit: q.limit !== undefined,
      });
      return (await engine.query(sql, params)).map(detectionFromRow);
    },
  };
}
