import { DuckDBInstance, VARCHAR } from '@duckdb/node-api';

/** A single-quoted SQL string literal (COPY and read_parquet take file names as literals). */
const literal = (value: string) => `'${value.replaceAll("'", "''")}'`;
const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;

/**
 * Writes rows of text columns to one Parquet file through an in-memory DuckDB: pages are appended as
 * they arrive, then `finish` copies the table out. Used for the relational core's backup, whose values
 * travel as their PostgreSQL text form.
 */
export async function createTextParquetWriter(file: string, columns: string[]) {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  await connection.run(`CREATE TABLE t (${columns.map((c) => `${quote(c)} VARCHAR`).join(', ')})`);
  const appender = await connection.createAppender('t');
  return {
    append(rows: (string | null)[][]) {
      for (const row of rows) {
        for (const v of row) {
          if (v === null) appender.appendNull();
          else appender.appendValue(v, VARCHAR);
        }
        appender.endRow();
      }
    },
    async finish() {
      appender.closeSync();
      await connection.run(`COPY t TO ${literal(file)} (FORMAT parquet, COMPRESSION zstd)`);
      connection.closeSync();
      instance.closeSync();
    },
  };
}

/** Reads a Parquet file of text columns back, `pageRows` rows at a time, in file order. */
export async function readTextParquet(
  file: string,
  columns: string[],
  onPage: (rows: (string | null)[][]) => Promise<void>,
  pageRows = 5_000,
): Promise<number> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    const select = columns.map(quote).join(', ');
    let total = 0;
    for (let offset = 0; ; offset += pageRows) {
      const reader = await connection.runAndReadAll(
        `SELECT ${select} FROM read_parquet(${literal(file)}) LIMIT ${pageRows} OFFSET ${offset}`,
      );
      const rows = reader.getRows().map((r) => r.map((v) => (v === null ? null : String(v))));
      if (rows.length > 0) await onPage(rows);
      total += rows.length;
      if (rows.length < pageRows) return total;
    }
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}
