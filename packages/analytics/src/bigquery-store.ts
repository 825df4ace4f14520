import { BigQuery, type JobMetadata, type JobOptions } from '@google-cloud/bigquery';
import { type ColumnType, type RowSet, TABLES, type TableDef } from './schema';
import { createTableSql, type Dialect, mergeSql } from './sql';
import { createSqlStore, type Params, type SqlEngine } from './sql-store';
import type { AnalyticsStore, TableCount } from './store';

const BIGQUERY_TYPES: Record<ColumnType, string> = {
  STRING: 'STRING',
  INT64: 'INT64',
  FLOAT64: 'FLOAT64',
  BOOL: 'BOOL',
  TIMESTAMP: 'TIMESTAMP',
  DATE: 'DATE',
  STRING_ARRAY: 'ARRAY<STRING>',
};

/** How rows travel as a query parameter: times as INT64 ms and dates as text, like the DuckDB staging. */
const PARAM_TYPES: Record<ColumnType, string | string[]> = {
  STRING: 'STRING',
  INT64: 'INT64',
  FLOAT64: 'FLOAT64',
  BOOL: 'BOOL',
  TIMESTAMP: 'INT64',
  DATE: 'STRING',
  STRING_ARRAY: ['STRING'],
};

type JobConfiguration = NonNullable<JobOptions['configuration']>;

/** Rows per MERGE statement: keeps each request well under BigQuery's 10 MB query-parameter limit. */
const MERGE_ROWS = 2_000;

/** BigQuery spelling of the shared query text for one dataset. */
export function bigQueryDialect(project: string, dataset: string): Dialect {
  const identifier = /^[A-Za-z_][A-Za-z0-9_-]*$/;
  if (!identifier.test(dataset) || !/^[a-z][a-z0-9.:-]*$/.test(project)) {
    throw new Error(`Invalid BigQuery project "${project}" or dataset "${dataset}"`);
  }
  return {
    quote: (name) => `\`${name}\``,
    table: (name) => `\`${project}.${dataset}.${name}\``,
    columnType: (type) => BIGQUERY_TYPES[type],
    arrayContains: (arrayExpr, valueExpr) => `${valueExpr} IN UNNEST(${arrayExpr})`,
    tableOptions: (def) => {
      const column = def.columns.find((c) => c.name === def.partitionBy)!;
      const partition = column.type === 'DATE' ? `\`${column.name}\`` : `DATE(\`${column.name}\`)`;
      const cluster =
        def.clusterBy.length > 0 ? `\nCLUSTER BY ${def.clusterBy.map((c) => `\`${c}\``).join(', ')}` : '';
      const options = def.expirationDays
        ? `\nOPTIONS (partition_expiration_days = ${def.expirationDays})`
        : '';
      return `\nPARTITION BY ${partition}${cluster}${options}`;
    },
  };
}

/** The BigQuery DDL of every analytics table (what infra/bigquery/*.sql holds, and what migrate() runs). */
export function bigQueryDdl(project: string, dataset: string): { table: string; sql: string }[] {
  const dialect = bigQueryDialect(project, dataset);
  return TABLES.map((def) => ({ table: def.name, sql: `${createTableSql(dialect, def)};\n` }));
}

/** Where the BigQuery store lives. */
export interface BigQueryStoreOptions {
  project: string;
  dataset: string;
  /** Another endpoint than Google's (an emulator or a test server). */
  apiEndpoint?: string;
  /** A ready client, e.g. one with test credentials; built from the options above when absent. */
  client?: BigQuery;
  /** Dataset location (default US). */
  location?: string;
}

/**
 * Writes are MERGE statements with the rows as one ARRAY<STRUCT> query parameter: an exact upsert on
 * the natural key, visible to the next read. Streaming inserts with insertId only deduplicate
 * best-effort for about a minute and block DML on the streamed rows for up to half an hour, so a retried
 * job could still double a row and the replace-on-key path would fail.
 */
class BigQueryEngine implements SqlEngine {
  readonly kind = 'bigquery' as const;
  readonly dialect: Dialect;

  constructor(
    private readonly client: BigQuery,
    private readonly options: BigQueryStoreOptions,
  ) {
    this.dialect = bigQueryDialect(options.project, options.dataset);
  }

  /**
   * Creates missing tables in the dataset. The dataset itself is Terraform's (infra/terraform/bigquery.tf),
   * never created here: the service account holds rights on the dataset, not on the project.
   */
  async migrate(): Promise<void> {
    for (const { sql } of bigQueryDdl(this.options.project, this.options.dataset)) await this.run(sql, {});
  }

  /**
   * One extract job per table to `<prefix>/<table>/*.parquet`. The counts are read just before each
   * extract: ingestion that lands in between is in the files but not in the manifest's count.
   */
  async exportTables(target: string): Promise<TableCount[]> {
    const prefix = gcsPrefix(target);
    const counts: TableCount[] = [];
    for (const def of TABLES) {
      const [count] = await this.run(`SELECT COUNT(*) AS n FROM ${this.dialect.table(def.name)}`, {});
      await this.runJob({
        extract: {
          sourceTable: this.tableReference(def.name),
          destinationUris: [`${prefix}/${def.name}/*.parquet`],
          destinationFormat: 'PARQUET',
        },
      });
      counts.push({ table: def.name, rows: Number(count?.n ?? 0) });
    }
    return counts;
  }

  /**
   * One load job per table from what `exportTables` wrote. Every table is checked empty before the
   * first load, and each load is WRITE_EMPTY, so a restore never mixes into live rows.
   */
  async importTables(source: string): Promise<TableCount[]> {
    const prefix = gcsPrefix(source);
    for (const def of TABLES) {
      const [count] = await this.run(`SELECT COUNT(*) AS n FROM ${this.dialect.table(def.name)}`, {});
      if (Number(count?.n ?? 0) > 0) throw new Error(`Restore needs an empty dataset: ${def.name} has rows.`);
    }
    const counts: TableCount[] = [];
    for (const def of TABLES) {
      const job = await this.runJob({
        load: {
          destinationTable: this.tableReference(def.name),
          sourceUris: [`${prefix}/${def.name}/*.parquet`],
          sourceFormat: 'PARQUET',
          writeDisposition: 'WRITE_EMPTY',
          createDisposition: 'CREATE_NEVER',
        },
      });
      counts.push({ table: def.name, rows: Number(job.statistics?.load?.outputRows ?? 0) });
    }
    return counts;
  }

  async close(): Promise<void> {}

  async query(sql: string, params: Params): Promise<Record<string, unknown>[]> {
    return this.run(sql, params);
  }

  async merge(batches: { def: TableDef; rows: RowSet }[]): Promise<void> {
    for (const { def, rows } of batches) {
      const sql = mergeSql(this.dialect, def, 'UNNEST(@rows)');
      const rowType = Object.fromEntries(def.columns.map((c) => [c.name, PARAM_TYPES[c.type]]));
      for (let start = 0; start < rows.length; start += MERGE_ROWS) {
        const chunk: Record<string, unknown>[] = [];
        for (let r = start; r < Math.min(rows.length, start + MERGE_ROWS); r++) {
          chunk.push(Object.fromEntries(def.columns.map((c, i) => [c.name, rows.cell(r, i)])));
        }
        await this.run(sql, { rows: chunk }, { rows: [rowType] });
      }
    }
  }

  private tableReference(table: string) {
    return { projectId: this.options.project, datasetId: this.options.dataset, tableId: table };
  }

  /** Inserts a job and waits until it is done; a failed job rejects with BigQuery's error. */
  private async runJob(configuration: JobConfiguration): Promise<JobMetadata> {
    const [job] = await this.client.createJob({
      configuration,
      ...(this.options.location ? { location: this.options.location } : {}),
    });
    // Polls jobs.get until the job is DONE; resolves to [metadata], rejects with the job's errorResult.
    const [metadata] = (await job.promise()) as [JobMetadata];
    return metadata;
  }

  private async run(
    sql: string,
    params: Record<string, unknown>,
    types?: Record<string, unknown>,
  ): Promise<Record<string, unknown>[]> {
    const [rows] = await this.client.query({
      query: sql,
      params,
      ...(types ? { types: types as never } : {}),
      useLegacySql: false,
      ...(this.options.location ? { location: this.options.location } : {}),
    });
    return rows as Record<string, unknown>[];
  }
}

/** A Cloud Storage prefix without its trailing slash; anything else is refused before it reaches SQL. */
function gcsPrefix(uri: string): string {
  if (!/^gs:\/\/[a-z0-9][a-z0-9._-]{1,220}(\/[A-Za-z0-9._=-]+)*\/?$/.test(uri))
    throw new Error(`BigQuery backups go to Cloud Storage: "${uri}" is not a gs://bucket/prefix URI.`);
  return uri.replace(/\/$/, '');
}

/** The analytics store on BigQuery. The dataset must exist; migrate() creates missing tables. */
export function createBigQueryStore(options: BigQueryStoreOptions): AnalyticsStore {
  const client =
    options.client ??
    new BigQuery({
      projectId: options.project,
      ...(options.apiEndpoint ? { apiEndpoint: options.apiEndpoint } : {}),
    });
  return createSqlStore(new BigQueryEngine(client, options));
}
