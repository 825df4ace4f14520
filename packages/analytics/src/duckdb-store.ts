import { mkdirSync } from 'node:fs';
import path from 'node:path';
import {
  type DuckDBAppender,
  type DuckDBConnection,
  DuckDBInstance,
  type DuckDBValue,
  LIST,
  listValue,
  VARCHAR,
} from '@duckdb/node-api';
import { type ColumnType, type Row, TABLES, type TableDef } from './schema';
import { createTableSql, type Dialect, mergeSql } from './sql';
import { createSqlStore, type Params, type SqlEngine } from './sql-store';
import type { AnalyticsStore } from './store';

const DUCKDB_TYPES: Record<ColumnType, string> = {
  STRING: 'VARCHAR',
  INT64: 'BIGINT',
  FLOAT64: 'DOUBLE',
  BOOL: 'BOOLEAN',
  TIMESTAMP: 'TIMESTAMP',
  DATE: 'DATE',
  STRING_ARRAY: 'VARCHAR[]',
};

/** DuckDB spelling of the shared query text. */
export const duckDbDialect: Dialect = {
  quote: (identifier) => `"${identifier.replaceAll('"', '""')}"`,
  table: (name) => `"${name}"`,
  columnType: (type) => DUCKDB_TYPES[type],
  arrayContains: (arrayExpr, valueExpr) => `list_contains(${arrayExpr}, ${valueExpr})`,
  // No primary keys: MERGE keeps the natural keys unique, and an ART index made bulk upserts ~15× slower.
  tableOptions: () => '',
};

/** BigQuery's ms ↔ TIMESTAMP built-ins, so DuckDB runs the same text. Temporary: defined per connection. */
const MACROS = [
  'CREATE OR REPLACE TEMP MACRO unix_millis(t) AS epoch_ms(t)',
  'CREATE OR REPLACE TEMP MACRO timestamp_millis(ms) AS make_timestamp(CAST(ms AS BIGINT) * 1000)',
];

/** Staged rows carry times as BIGINT ms and dates as text, the way the shared MERGE reads them. */
const STAGING_TYPES: Record<ColumnType, string> = { ...DUCKDB_TYPES, TIMESTAMP: 'BIGINT', DATE: 'VARCHAR' };

/** Shared `@name` markers become DuckDB's `$name`; integers bind as BIGINT. */
function toDuckDb(sql: string, params: Params): [string, Record<string, DuckDBValue>] {
  const values: Record<string, DuckDBValue> = {};
  for (const [k, v] of Object.entries(params))
    values[k] = typeof v === 'number' && Number.isInteger(v) ? BigInt(v) : v;
  return [sql.replace(/@(\w+)/g, '$$$1'), values];
}

/** Typed so that an empty list appends too. */
const STRING_LIST = LIST(VARCHAR);

function appendCell(appender: DuckDBAppender, type: ColumnType, value: Row[string]): void {
  if (value === null) appender.appendNull();
  else if (type === 'STRING' || type === 'DATE') appender.appendVarchar(value as string);
  else if (type === 'INT64' || type === 'TIMESTAMP') appender.appendBigInt(BigInt(value as number));
  else if (type === 'FLOAT64') appender.appendDouble(value as number);
  else if (type === 'BOOL') appender.appendBoolean(value as boolean);
  else appender.appendList(listValue(value as string[]), STRING_LIST);
}

/** The DuckDB engine: one connection, operations run one at a time. */
class DuckDbEngine implements SqlEngine {
  readonly kind = 'duckdb' as const;
  readonly dialect = duckDbDialect;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
  ) {}

  /** Runs operations in order: a DuckDB connection holds one transaction at a time. */
  private serial<T>(op: () => Promise<T>): Promise<T> {
    const next = this.queue.then(op, op);
    this.queue = next.catch(() => undefined);
    return next;
  }

  migrate(): Promise<void> {
    return this.serial(async () => {
      for (const def of TABLES) await this.connection.run(createTableSql(duckDbDialect, def));
    });
  }

  close(): Promise<void> {
    return this.serial(async () => {
      this.connection.closeSync();
      this.instance.closeSync();
    });
  }

  query(sql: string, params: Params): Promise<Record<string, unknown>[]> {
    return this.serial(async () => {
      const [text, values] = toDuckDb(sql, params);
      const reader = await this.connection.runAndReadAll(text, values);
      return reader.getRowObjectsJS();
    });
  }

  merge(batches: { def: TableDef; rows: Row[] }[]): Promise<void> {
    return this.serial(async () => {
      const c = this.connection;
      await c.run('BEGIN TRANSACTION');
      try {
        for (const { def, rows } of batches) {
          const staging = `staging_${def.name}`;
          const columns = def.columns.map((col) => `"${col.name}" ${STAGING_TYPES[col.type]}`).join(', ');
          await c.run(`CREATE OR REPLACE TEMP TABLE "${staging}" (${columns})`);
          const appender = await c.createAppender(staging, 'main', 'temp');
          for (const row of rows) {
            for (const col of def.columns) appendCell(appender, col.type, row[col.name]!);
            appender.endRow();
          }
          appender.flushSync();
          appender.closeSync();
          await c.run(mergeSql(duckDbDialect, def, `temp.main."${staging}"`));
          await c.run(`DROP TABLE temp.main."${staging}"`);
        }
        await c.run('COMMIT');
      } catch (error) {
        await c.run('ROLLBACK');
        throw error;
      }
    });
  }
}

/** An embedded analytics store in a DuckDB file (created with its folder when missing). Call migrate() before use. */
export async function createDuckDbStore(file: string): Promise<AnalyticsStore> {
  if (file !== ':memory:') mkdirSync(path.dirname(file), { recursive: true });
  const instance = await DuckDBInstance.create(file);
  const connection = await instance.connect();
  for (const macro of MACROS) await connection.run(macro);
  return createSqlStore(new DuckDbEngine(instance, connection));
}
