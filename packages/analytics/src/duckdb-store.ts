import { mkdirSync } from 'node:fs';
import path from 'node:path';
import {
  BIGINT,
  BOOLEAN,
  DATE,
  DOUBLE,
  type DuckDBAppender,
  type DuckDBConnection,
  DuckDBDataChunk,
  DuckDBInstance,
  type DuckDBType,
  type DuckDBValue,
  LIST,
  listValue,
  TIMESTAMP,
  VARCHAR,
} from '@duckdb/node-api';
import duckdb from '@duckdb/node-bindings';
import { type ColumnType, type RowSet, TABLES, type TableDef } from './schema';
import { createTableSql, type Dialect, replaceByKeySql } from './sql';
import { createSqlStore, type Params, type SqlEngine } from './sql-store';
import type { AnalyticsStore, TableCount } from './store';

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
  // No primary keys: upserts keep natural keys unique (a plain append when every row is newer than its
  // symbol's last, else delete-then-insert), and an ART index made bulk upserts ~15× slower.
  tableOptions: () => '',
};

/** BigQuery's ms ↔ TIMESTAMP built-ins, so DuckDB runs the same text. Temporary: defined per connection. */
const MACROS = [
  'CREATE OR REPLACE TEMP MACRO unix_millis(t) AS epoch_ms(t)',
  'CREATE OR REPLACE TEMP MACRO timestamp_millis(ms) AS make_timestamp(CAST(ms AS BIGINT) * 1000)',
];

/** Staged rows carry times as DOUBLE ms (exact below 2^53; TIMESTAMP_MILLIS casts) and dates as text. */
const STAGING_TYPES: Record<ColumnType, DuckDBType> = {
  STRING: VARCHAR,
  INT64: BIGINT,
  FLOAT64: DOUBLE,
  BOOL: BOOLEAN,
  TIMESTAMP: DOUBLE,
  DATE: VARCHAR,
  STRING_ARRAY: LIST(VARCHAR),
};

/** DuckDB's vector size: the most rows one data chunk holds. */
const CHUNK_ROWS = 2048;

/** Shared `@name` markers become DuckDB's `$name`; integers bind as BIGINT. */
function toDuckDb(sql: string, params: Params): [string, Record<string, DuckDBValue>] {
  const values: Record<string, DuckDBValue> = {};
  for (const [k, v] of Object.entries(params))
    values[k] = typeof v === 'number' && Number.isInteger(v) ? BigInt(v) : v;
  return [sql.replace(/@(\w+)/g, '$$$1'), values];
}

/** Column types of the table itself, for appending straight into it. */
const TABLE_TYPES: Record<ColumnType, DuckDBType> = { ...STAGING_TYPES, TIMESTAMP, DATE };

/**
 * Fills data chunks column by column (far fewer native calls than appending cell by cell), into a
 * staging table (`staged`: times as ms) or straight into the table. Fixed-width columns are written from
 * typed arrays with a bulk copy per chunk; the rest go through the vector's items.
 */
function appendRows(appender: DuckDBAppender, def: TableDef, rows: RowSet, staged: boolean): void {
  const types = def.columns.map((c) => (staged ? STAGING_TYPES : TABLE_TYPES)[c.type]);
  // One chunk refilled for every full batch of rows (the appender copies what it is given).
  const chunk = DuckDBDataChunk.create(types, Math.min(CHUNK_ROWS, rows.length));
  const writers = def.columns.map((col) => columnWriter(col.type, staged, chunk));
  for (let start = 0; start < rows.length; start += CHUNK_ROWS) {
    const count = Math.min(CHUNK_ROWS, rows.length - start);
    if (count !== chunk.rowCount) chunk.rowCount = count;
    for (let c = 0; c < writers.length; c++) writers[c]!(rows, c, start, count);
    appender.appendDataChunk(chunk);
  }
}

/** Writes `count` rows of column `c`, from row `start`, into its vector of the chunk. */
type ColumnWriter = (rows: RowSet, c: number, start: number, count: number) => void;

/** Bytes of validity mask for `count` rows: DuckDB keeps one bit per row in 64-bit words. */
const validityBytes = (count: number) => Math.ceil(count / 64) * 8;

/** The writer for one column type: a bulk copy from typed arrays where the type is fixed-width. */
function columnWriter(type: ColumnType, staged: boolean, chunk: DuckDBDataChunk): ColumnWriter {
  // Row i is bit i of the mask; 32-bit words on a little-endian machine lay out as its 64-bit ones.
  const validity = new Uint32Array(CHUNK_ROWS / 32);
  const flushValidity = (vector: duckdb.Vector, count: number) => {
    duckdb.vector_ensure_validity_writable(vector);
    duckdb.copy_data_to_vector_validity(vector, 0, validity.buffer, 0, validityBytes(count));
  };
  if (type === 'FLOAT64' || (type === 'TIMESTAMP' && staged)) {
    const items = new Float64Array(CHUNK_ROWS);
    return (rows, c, start, count) => {
      validity.fill(0);
      if (rows.numbers) {
        rows.numbers(c, start, count, items);
        for (let r = 0; r < count; r++) if (!Number.isNaN(items[r]!)) validity[r >>> 5]! |= 1 << (r & 31);
      } else {
        for (let r = 0; r < count; r++) {
          const v = rows.cell(start + r, c);
          if (v !== null) {
            items[r] = v as number;
            validity[r >>> 5]! |= 1 << (r & 31);
          }
        }
      }
      const vector = duckdb.data_chunk_get_vector(chunk.chunk, c);
      duckdb.copy_data_to_vector(vector, 0, items.buffer, 0, count * 8);
      flushValidity(vector, count);
    };
  }
  if (type === 'INT64' || type === 'TIMESTAMP') {
    // Times are ms; the table stores µs.
    const scale = type === 'TIMESTAMP' ? 1000 : 1;
    const items = new BigInt64Array(CHUNK_ROWS);
    const words = new Uint32Array(items.buffer);
    const numbers = new Float64Array(CHUNK_ROWS);
    return (rows, c, start, count) => {
      validity.fill(0);
      const bulk = rows.numbers !== undefined;
      rows.numbers?.(c, start, count, numbers);
      for (let r = 0; r < count; r++) {
        const v = bulk ? numbers[r]! : rows.cell(start + r, c);
        if (v === null || (bulk && Number.isNaN(v))) continue;
        const n = (v as number) * scale;
        if (Number.isSafeInteger(n)) {
          // Two's-complement halves without a BigInt per cell (little-endian words).
          const high = Math.floor(n / 2 ** 32);
          words[2 * r] = n - high * 2 ** 32;
          words[2 * r + 1] = high;
        } else {
          items[r] = BigInt(v as number) * BigInt(scale);
        }
        validity[r >>> 5]! |= 1 << (r & 31);
      }
      const vector = duckdb.data_chunk_get_vector(chunk.chunk, c);
      duckdb.copy_data_to_vector(vector, 0, items.buffer, 0, count * 8);
      flushValidity(vector, count);
    };
  }
  const convert = type === 'STRING_ARRAY' ? toList : asIs;
  return (rows, c, start, count) => {
    const vector = chunk.getColumnVector(c);
    for (let r = 0; r < count; r++) {
      const value = rows.cell(start + r, c);
      vector.setItem(r, value === null ? null : (convert(value) as never));
    }
    vector.flush();
  };
}

const asIs = (v: unknown) => v;
const toList = (v: unknown) => listValue(v as string[]);

/** A single-quoted SQL string literal. */
const sqlString = (value: string) => `'${value.replaceAll("'", "''")}'`;

/** Bar tables are keyed (symbol, open_time): a batch of bars all newer than each symbol's last is a plain append. */
function isSymbolTimeKeyed(def: TableDef): boolean {
  return def.key.length === 2 && def.key[0] === 'symbol' && def.key[1] === 'open_time';
}

/**
 * One DuckDB connection and the operations queued on it: a connection holds one transaction at a time,
 * so its operations run in order.
 */
class Lane {
  private queue: Promise<unknown> = Promise.resolve();
  /** Operations queued or running. */
  pending = 0;

  constructor(readonly connection: DuckDBConnection) {}

  run<T>(op: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
    this.pending++;
    const task = () => op(this.connection).finally(() => this.pending--);
    const next = this.queue.then(task, task);
    this.queue = next.catch(() => undefined);
    return next;
  }
}

/** Read connections beside the writer. DuckDB runs each query on libuv's pool (4 threads by default). */
export const DUCKDB_READERS = 3;

/**
 * The DuckDB engine: writes (migrations, merges) on one connection in order, reads spread over a few
 * more, so a dashboard's reads neither queue behind each other nor behind an ingest. Each read sees what
 * was committed when it started (DuckDB's MVCC), and a merge resolves only after its commit.
 */
class DuckDbEngine implements SqlEngine {
  readonly kind = 'duckdb' as const;
  readonly dialect = duckDbDialect;
  private readonly writer: Lane;
  private readonly readers: Lane[];

  constructor(
    private readonly instance: DuckDBInstance,
    writer: DuckDBConnection,
    readers: DuckDBConnection[],
  ) {
    this.writer = new Lane(writer);
    this.readers = readers.map((c) => new Lane(c));
  }

  /** Runs a write operation after every earlier one. */
  private serial<T>(op: () => Promise<T>): Promise<T> {
    return this.writer.run(op);
  }

  /** The read lane with the least queued. */
  private reader(): Lane {
    let best = this.readers[0] ?? this.writer;
    for (const lane of this.readers) if (lane.pending < best.pending) best = lane;
    return best;
  }

  migrate(): Promise<void> {
    return this.serial(async () => {
      for (const def of TABLES) await this.connection.run(createTableSql(duckDbDialect, def));
    });
  }

  exportTables(target: string): Promise<TableCount[]> {
    return this.serial(async () => {
      mkdirSync(target, { recursive: true });
      const counts: TableCount[] = [];
      // One transaction: every file is the same instant of the store.
      await this.connection.run('BEGIN TRANSACTION');
      try {
        for (const def of TABLES) {
          const reader = await this.connection.runAndReadAll(`SELECT count(*) AS n FROM "${def.name}"`);
          const file = sqlString(path.join(target, `${def.name}.parquet`));
          // COPY takes no bound parameters: the path is a quoted literal, the table one of ours.
          await this.connection.run(`COPY "${def.name}" TO ${file} (FORMAT parquet, COMPRESSION zstd)`);
          counts.push({ table: def.name, rows: Number(reader.getRowObjectsJS()[0]!.n) });
        }
      } finally {
        await this.connection.run('COMMIT');
      }
      return counts;
    });
  }

  importTables(source: string): Promise<TableCount[]> {
    return this.serial(async () => {
      for (const def of TABLES) {
        const reader = await this.connection.runAndReadAll(`SELECT count(*) AS n FROM "${def.name}"`);
        if (Number(reader.getRowObjectsJS()[0]!.n) > 0)
          throw new Error(`Restore needs an empty analytics store: ${def.name} has rows.`);
      }
      const counts: TableCount[] = [];
      await this.connection.run('BEGIN TRANSACTION');
      try {
        for (const def of TABLES) {
          const file = sqlString(path.join(source, `${def.name}.parquet`));
          const columns = def.columns.map((c) => `"${c.name}"`).join(', ');
          const result = await this.connection.run(
            `INSERT INTO "${def.name}" (${columns}) SELECT ${columns} FROM read_parquet(${file})`,
          );
          counts.push({ table: def.name, rows: Number(result.rowsChanged) });
        }
        await this.connection.run('COMMIT');
      } catch (error) {
        await this.connection.run('ROLLBACK');
        throw error;
      }
      return counts;
    });
  }

  async close(): Promise<void> {
    // Every lane drains first: closing under a running query would fail it.
    await Promise.all(this.readers.map((lane) => lane.run(async (c) => c.closeSync())));
    await this.serial(async () => {
      this.connection.closeSync();
      this.instance.closeSync();
    });
  }

  query(sql: string, params: Params): Promise<Record<string, unknown>[]> {
    return this.reader().run(async (connection) => {
      const [text, values] = toDuckDb(sql, params);
      const reader = await connection.runAndReadAll(text, values);
      return reader.getRowObjectsJS();
    });
  }

  merge(batches: { def: TableDef; rows: RowSet }[]): Promise<void> {
    return this.serial(async () => {
      const c = this.connection;
      await c.run('BEGIN TRANSACTION');
      try {
        for (const { def, rows } of batches) {
          if (await this.allNewer(def, rows)) {
            // The common ingestion case: new bars after the stored ones. No key can collide, so append.
            const appender = await c.createAppender(def.name);
            appendRows(appender, def, rows, false);
            appender.closeSync();
            continue;
          }
          const staging = `staging_${def.name}`;
          const columns = def.columns
            .map((col) => `"${col.name}" ${STAGING_TYPES[col.type].toString()}`)
            .join(', ');
          await c.run(`CREATE OR REPLACE TEMP TABLE "${staging}" (${columns})`);
          const appender = await c.createAppender(staging, 'main', 'temp');
          appendRows(appender, def, rows, true);
          appender.closeSync();
          for (const sql of replaceByKeySql(duckDbDialect, def, `temp.main."${staging}"`)) await c.run(sql);
          await c.run(`DROP TABLE temp.main."${staging}"`);
        }
        await c.run('COMMIT');
      } catch (error) {
        await c.run('ROLLBACK');
        throw error;
      }
    });
  }

  private get connection(): DuckDBConnection {
    return this.writer.connection;
  }

  /** Whether every row of a (symbol, open_time)-keyed batch is after its symbol's newest stored row. */
  private async allNewer(def: TableDef, rows: RowSet): Promise<boolean> {
    if (!isSymbolTimeKeyed(def)) return false;
    const symbolColumn = def.columns.findIndex((col) => col.name === 'symbol');
    const timeColumn = def.columns.findIndex((col) => col.name === 'open_time');
    const earliest = new Map<string, number>();
    for (let r = 0; r < rows.length; r++) {
      const symbol = rows.cell(r, symbolColumn) as string;
      const time = rows.cell(r, timeColumn) as number;
      const seen = earliest.get(symbol);
      if (seen === undefined || time < seen) earliest.set(symbol, time);
    }
    const reader = await this.connection.runAndReadAll(
      `SELECT "symbol", epoch_ms(MAX("open_time")) AS last_time FROM "${def.name}" WHERE list_contains($symbols, "symbol") GROUP BY "symbol"`,
      { symbols: listValue([...earliest.keys()]) },
      { symbols: LIST(VARCHAR) },
    );
    for (const row of reader.getRowObjectsJS()) {
      if (earliest.get(String(row.symbol))! <= Number(row.last_time)) return false;
    }
    return true;
  }
}

/** An embedded analytics store in a DuckDB file (created with its folder when missing). Call migrate() before use. */
export async function createDuckDbStore(
  file: string,
  options: { readers?: number } = {},
): Promise<AnalyticsStore> {
  if (file !== ':memory:') mkdirSync(path.dirname(file), { recursive: true });
  const instance = await DuckDBInstance.create(file);
  const connections: DuckDBConnection[] = [];
  for (let i = 0; i <= (options.readers ?? DUCKDB_READERS); i++) {
    const connection = await instance.connect();
    for (const macro of MACROS) await connection.run(macro);
    connections.push(connection);
  }
  const [writer, ...readers] = connections;
  return createSqlStore(new DuckDbEngine(instance, writer!, readers));
}
