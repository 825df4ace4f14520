import { mkdirSync, readdirSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import {
  BIGINT,
  BOOLEAN,
  DOUBLE,
  type DuckDBConnection,
  DuckDBInstance,
  type DuckDBType,
  type DuckDBValue,
  LIST,
  listValue,
  VARCHAR,
} from '@duckdb/node-api';
import { BigQuery } from '@google-cloud/bigquery';
import { errorMessage } from '@tradehits/core/errors';

/**
 * A local stand-in for the BigQuery REST API's `jobs.query` (POST /bigquery/v2/projects/P/queries),
 * backed by an in-memory DuckDB that really executes the query text. It checks what the real client
 * sends (path, legacy SQL off, named parameters with types and values, int64 timestamps requested) and
 * answers in BigQuery's response shape (schema + rows of `{ f: [{ v }] }`, INT64 as strings, TIMESTAMP as
 * integer microseconds). BigQuery SQL is translated to DuckDB only where the dialects differ in
 * spelling: backtick identifiers, `@param`, `x IN UNNEST(array)`, DDL types and table options.
 *
 * It also runs extract and load jobs (POST …/jobs, then GET …/jobs/ID as the client polls) between
 * its tables and Parquet files, with Cloud Storage played by a local folder: `gs://bucket/a/*.parquet`
 * is `<storageDir>/bucket/a/000000000000.parquet`.
 */

interface ParameterType {
  type: string;
  arrayType?: ParameterType;
  structTypes?: { name: string; type: ParameterType }[];
}
interface ParameterValue {
  value?: unknown;
  arrayValues?: ParameterValue[];
  structValues?: Record<string, ParameterValue>;
}
interface QueryParameter {
  name: string;
  parameterType: ParameterType;
  parameterValue: ParameterValue;
}

/** One request the fake received, for tests to inspect. */
export interface RecordedRequest {
  method: string;
  path: string;
  body: Record<string, unknown>;
}

/** A running fake: its base URL (the client's apiEndpoint) and what it received. */
export interface FakeBigQuery {
  url: string;
  requests: RecordedRequest[];
  /** The real client pointed at the fake, with Google auth skipped (no metadata-server probe). */
  client(): BigQuery;
  close(): Promise<void>;
}

class BadRequest extends Error {}

/** A job that ran and failed: the API still answers 200 with the error in the job's status. */
class JobFailed extends Error {
  constructor(
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

interface TableReference {
  projectId?: string;
  datasetId?: string;
  tableId?: string;
}

/** One job as BigQuery's jobs.insert and jobs.get return it. */
interface JobResource {
  kind: 'bigquery#job';
  id: string;
  jobReference: { projectId: string; jobId: string; location: string };
  configuration: Record<string, unknown>;
  status: { state: 'DONE'; errorResult?: { reason: string; message: string }; errors?: unknown[] };
  statistics: Record<string, unknown>;
}

const SCALAR_TYPES: Record<string, DuckDBType> = {
  STRING: VARCHAR,
  INT64: BIGINT,
  FLOAT64: DOUBLE,
  BOOL: BOOLEAN,
};

function duckType(t: ParameterType): DuckDBType {
  if (t.type === 'ARRAY' && t.arrayType) return LIST(duckType(t.arrayType));
  const scalar = SCALAR_TYPES[t.type];
  if (!scalar) throw new BadRequest(`fake BigQuery: unsupported parameter type ${JSON.stringify(t)}`);
  return scalar;
}

function duckValue(t: ParameterType, v: ParameterValue | undefined): DuckDBValue {
  if (t.type === 'ARRAY') return listValue((v?.arrayValues ?? []).map((x) => duckValue(t.arrayType!, x)));
  const raw = v?.value;
  if (raw === null || raw === undefined) return null;
  if (t.type === 'INT64') return BigInt(raw as string | number);
  if (t.type === 'FLOAT64') return Number(raw);
  if (t.type === 'BOOL') return raw === true || raw === 'true';
  return String(raw);
}

/** BigQuery text → DuckDB text. `rowsTables` maps ARRAY<STRUCT> parameters to the temp tables holding them. */
function translate(sql: string, rowsTables: Map<string, string>): string {
  let out = sql
    // `project.dataset.table` → "dataset"."table"; `project.dataset` (CREATE SCHEMA) → "dataset"; `col` → "col".
    .replace(/`([\w-]+)\.([\w-]+)\.([\w-]+)`/g, '"$2"."$3"')
    .replace(/`([\w-]+)\.([\w-]+)`/g, '"$2"')
    .replace(/`([\w-]+)`/g, '"$1"')
    .replace(/(@\w+) IN UNNEST\(([^()]+)\)/g, 'list_contains($2, $1)');
  for (const [name, tempTable] of rowsTables) out = out.replaceAll(`UNNEST(@${name})`, tempTable);
  out = out.replace(/@(\w+)/g, '$$$1');
  if (/^\s*CREATE SCHEMA/i.test(out)) return out.replace(/\s+OPTIONS\s*\([^)]*\)\s*$/i, '');
  if (/^\s*CREATE TABLE/i.test(out)) {
    return out
      .replace(/\)\s*PARTITION BY[\s\S]*$/i, ')')
      .replace(/ARRAY<STRING>/g, 'VARCHAR[]')
      .replace(/\bINT64\b/g, 'BIGINT')
      .replace(/\bFLOAT64\b/g, 'DOUBLE')
      .replace(/\bBOOL\b/g, 'BOOLEAN');
  }
  return out;
}

/** DuckDB column type → BigQuery schema field. */
function schemaField(name: string, duckTypeName: string): Record<string, unknown> {
  if (duckTypeName.endsWith('[]'))
    return { ...schemaField(name, duckTypeName.slice(0, -2)), mode: 'REPEATED' };
  const type =
    duckTypeName === 'VARCHAR'
      ? 'STRING'
      : /INT/.test(duckTypeName)
        ? 'INTEGER'
        : duckTypeName === 'DOUBLE' || duckTypeName === 'FLOAT'
          ? 'FLOAT'
          : duckTypeName === 'BOOLEAN'
            ? 'BOOLEAN'
            : duckTypeName.startsWith('TIMESTAMP')
              ? 'TIMESTAMP'
              : duckTypeName === 'DATE'
                ? 'DATE'
                : 'STRING';
  return { name, type, mode: 'NULLABLE' };
}

/** A cell in BigQuery's JSON: every scalar a string, TIMESTAMP as integer microseconds. */
function cell(value: unknown, field: Record<string, unknown>): unknown {
  if (value === null || value === undefined) return null;
  if (field.mode === 'REPEATED')
    return (value as unknown[]).map((x) => ({ v: cell(x, { ...field, mode: 'NULLABLE' }) }));
  if (field.type === 'TIMESTAMP') return String(BigInt((value as Date).getTime()) * 1000n);
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  return String(value);
}

async function execute(c: DuckDBConnection, body: Record<string, unknown>): Promise<Record<string, unknown>> {
  if (typeof body.query !== 'string') throw new BadRequest('query: required');
  if (body.useLegacySql !== false) throw new BadRequest('useLegacySql: the client must ask for standard SQL');
  const formatOptions = body.formatOptions as { useInt64Timestamp?: boolean } | undefined;
  if (formatOptions?.useInt64Timestamp !== true)
    throw new BadRequest('formatOptions.useInt64Timestamp: expected true');
  const parameters = (body.queryParameters ?? []) as QueryParameter[];
  // The API takes the mode case-insensitively; the Node client sends it lower-case.
  if (parameters.length > 0 && String(body.parameterMode).toUpperCase() !== 'NAMED') {
    throw new BadRequest('parameterMode: expected NAMED');
  }
  if (/@\w+/.test(body.query.replace(/'[^']*'/g, '')) && parameters.length === 0) {
    throw new BadRequest('query names parameters but none were sent');
  }

  const values: Record<string, DuckDBValue> = {};
  const types: Record<string, DuckDBType> = {};
  const rowsTables = new Map<string, string>();
  for (const p of parameters) {
    if (!p.name || !p.parameterType || !p.parameterValue)
      throw new BadRequest(`parameter ${JSON.stringify(p)} is incomplete`);
    const element = p.parameterType.arrayType;
    if (p.parameterType.type === 'ARRAY' && element?.type === 'STRUCT') {
      // An ARRAY<STRUCT> parameter becomes a temp table the query reads in place of UNNEST(@name).
      const fields = element.structTypes ?? [];
      const table = `param_${p.name}`;
      const columns = fields.map((f) => `"${f.name}" ${duckType(f.type).toString()}`).join(', ');
      await c.run(`CREATE OR REPLACE TEMP TABLE "${table}" (${columns})`);
      const appender = await c.createAppender(table, 'main', 'temp');
      for (const item of p.parameterValue.arrayValues ?? []) {
        for (const f of fields)
          appender.appendValue(duckValue(f.type, item.structValues?.[f.name]), duckType(f.type));
        appender.endRow();
      }
      appender.closeSync();
      rowsTables.set(p.name, `temp.main."${table}"`);
      continue;
    }
    values[p.name] = duckValue(p.parameterType, p.parameterValue);
    types[p.name] = duckType(p.parameterType);
  }

  const sql = translate(body.query, rowsTables);
  // Datasets are provisioned outside the app (Terraform): every dataset a statement names exists here.
  const dataset = /^\s*CREATE TABLE IF NOT EXISTS "([\w-]+)"\./i.exec(sql)?.[1];
  if (dataset) await c.run(`CREATE SCHEMA IF NOT EXISTS "${dataset}"`);
  const reader = await c.runAndReadAll(sql, values, types);
  for (const table of rowsTables.values()) await c.run(`DROP TABLE IF EXISTS ${table}`);
  const jobReference = {
    projectId: 'fake',
    jobId: `job_${Math.random().toString(36).slice(2)}`,
    location: 'US',
  };
  if (!/^\s*(SELECT|WITH)\b/i.test(body.query)) {
    return {
      kind: 'bigquery#queryResponse',
      jobReference,
      jobComplete: true,
      numDmlAffectedRows: String(reader.rowsChanged),
    };
  }
  const fields = reader
    .columnNames()
    .map((name, i) => schemaField(name, reader.columnTypes()[i]!.toString()));
  const rows = reader
    .getRowObjectsJS()
    .map((row) => ({ f: fields.map((f) => ({ v: cell(row[f.name as string], f) })) }));
  return {
    kind: 'bigquery#queryResponse',
    jobReference,
    jobComplete: true,
    schema: { fields },
    rows,
    totalRows: String(rows.length),
    cacheHit: false,
  };
}

const IDENTIFIER = /^[A-Za-z_][\w-]*$/;
const literal = (value: string) => `'${value.replaceAll("'", "''")}'`;

/** `"dataset"."table"` of a job's table reference, which must name this project. */
function tableName(project: string, ref: TableReference | undefined): string {
  if (
    ref?.projectId !== project ||
    !IDENTIFIER.test(ref.datasetId ?? '') ||
    !IDENTIFIER.test(ref.tableId ?? '')
  )
    throw new BadRequest(`table reference ${JSON.stringify(ref)}: expected ${project}.<dataset>.<table>`);
  return `"${ref.datasetId}"."${ref.tableId}"`;
}

/** A `gs://bucket/path/name-*.parquet` URI (one wildcard, in the file name) → its local glob. */
function localGlob(storageDir: string, uri: unknown): string {
  const match = /^gs:\/\/([a-z0-9][a-z0-9._-]*)\/((?:[\w.=-]+\/)*)([\w.=-]*\*[\w.=-]*)$/.exec(String(uri));
  if (!match) throw new BadRequest(`uri ${JSON.stringify(uri)}: expected gs://bucket/path/name-*.ext`);
  return path.join(storageDir, match[1]!, match[2]!, match[3]!);
}

async function tableExists(c: DuckDBConnection, table: string): Promise<boolean> {
  const [schema, name] = table.split('.').map((part) => part.slice(1, -1));
  const reader = await c.runAndReadAll(
    'SELECT count(*) AS n FROM information_schema.tables WHERE table_schema = $schema AND table_name = $name',
    { schema: schema!, name: name! },
  );
  return Number(reader.getRowObjectsJS()[0]!.n) > 0;
}

async function rowCount(c: DuckDBConnection, table: string): Promise<number> {
  return Number((await c.runAndReadAll(`SELECT count(*) AS n FROM ${table}`)).getRowObjectsJS()[0]!.n);
}

/** An extract job: the table's rows to one Parquet file (BigQuery numbers the wildcard from 0). */
async function extract(
  c: DuckDBConnection,
  project: string,
  storageDir: string,
  config: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const table = tableName(project, config.sourceTable as TableReference);
  if (config.destinationFormat !== 'PARQUET')
    throw new BadRequest(`destinationFormat ${JSON.stringify(config.destinationFormat)}: only PARQUET here`);
  const uris = config.destinationUris;
  if (!Array.isArray(uris) || uris.length !== 1) throw new BadRequest('destinationUris: expected one URI');
  const file = localGlob(storageDir, uris[0]).replace('*', '000000000000');
  if (!(await tableExists(c, table))) throw new JobFailed('notFound', `Not found: Table ${table}`);
  mkdirSync(path.dirname(file), { recursive: true });
  await c.run(`COPY (SELECT * FROM ${table}) TO ${literal(file)} (FORMAT parquet)`);
  return { extract: { destinationUriFileCounts: ['1'] } };
}

/** A load job into an existing table, honouring the write disposition. */
async function load(
  c: DuckDBConnection,
  project: string,
  storageDir: string,
  config: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const table = tableName(project, config.destinationTable as TableReference);
  if (config.sourceFormat !== 'PARQUET')
    throw new BadRequest(`sourceFormat ${JSON.stringify(config.sourceFormat)}: only PARQUET here`);
  const uris = config.sourceUris;
  if (!Array.isArray(uris) || uris.length === 0) throw new BadRequest('sourceUris: expected URIs');
  const disposition = config.writeDisposition ?? 'WRITE_APPEND';
  if (!['WRITE_EMPTY', 'WRITE_APPEND', 'WRITE_TRUNCATE'].includes(String(disposition)))
    throw new BadRequest(`writeDisposition ${JSON.stringify(disposition)}`);
  if (!(await tableExists(c, table)))
    throw new JobFailed('notFound', `Not found: Table ${table} (the fake creates no tables from loads)`);
  const files = uris.flatMap((uri) => {
    const glob = localGlob(storageDir, uri);
    const [head, tail] = path.basename(glob).split('*') as [string, string];
    let names: string[] = [];
    try {
      names = readdirSync(path.dirname(glob)).filter((n) => n.startsWith(head) && n.endsWith(tail));
    } catch {}
    if (names.length === 0) throw new JobFailed('notFound', `Not found: URI ${String(uri)}`);
    return names.map((n) => path.join(path.dirname(glob), n));
  });
  if (disposition === 'WRITE_EMPTY' && (await rowCount(c, table)) > 0)
    throw new JobFailed('duplicate', `Already Exists: Table ${table} is not empty (WRITE_EMPTY)`);
  await c.run('BEGIN TRANSACTION');
  try {
    if (disposition === 'WRITE_TRUNCATE') await c.run(`DELETE FROM ${table}`);
    // Parquet columns are matched to the table's by name, as BigQuery does.
    const result = await c.run(
      `INSERT INTO ${table} BY NAME SELECT * FROM read_parquet([${files.map(literal).join(', ')}])`,
    );
    await c.run('COMMIT');
    return { load: { inputFiles: String(files.length), outputRows: String(result.rowsChanged) } };
  } catch (error) {
    await c.run('ROLLBACK');
    throw new JobFailed('invalid', errorMessage(error));
  }
}

/** jobs.insert: checks the reference, runs the extract or load to the end, returns the finished job. */
async function insertJob(
  c: DuckDBConnection,
  project: string,
  storageDir: string | undefined,
  body: Record<string, unknown>,
): Promise<JobResource> {
  const reference = body.jobReference as
    | { projectId?: string; jobId?: string; location?: string }
    | undefined;
  if (reference?.projectId !== project || !reference.jobId)
    throw new BadRequest(`jobReference ${JSON.stringify(reference)}: expected this project and a jobId`);
  const configuration = (body.configuration ?? {}) as Record<string, Record<string, unknown>>;
  const kind = Object.keys(configuration).find((k) => k === 'extract' || k === 'load');
  if (!kind)
    throw new BadRequest(`configuration ${Object.keys(configuration)}: only extract and load jobs here`);
  if (!storageDir) throw new BadRequest('this fake was started without a storageDir');
  const job: JobResource = {
    kind: 'bigquery#job',
    id: `${project}:${reference.location ?? 'US'}.${reference.jobId}`,
    jobReference: { projectId: project, jobId: reference.jobId, location: reference.location ?? 'US' },
    configuration,
    status: { state: 'DONE' },
    statistics: {},
  };
  try {
    const run = kind === 'extract' ? extract : load;
    job.statistics = await run(c, project, storageDir, configuration[kind]!);
  } catch (error) {
    if (!(error instanceof JobFailed)) throw error;
    const result = { reason: error.reason, message: error.message };
    job.status = { state: 'DONE', errorResult: result, errors: [result] };
  }
  return job;
}

const MACROS = [
  'CREATE OR REPLACE MACRO unix_millis(t) AS epoch_ms(t)',
  'CREATE OR REPLACE MACRO timestamp_millis(ms) AS make_timestamp(CAST(ms AS BIGINT) * 1000)',
];

/**
 * Starts the fake on 127.0.0.1 on a free port. `storageDir` plays Cloud Storage for extract and load
 * jobs (jobs are refused without it).
 */
export async function startFakeBigQuery(
  project: string,
  options: { storageDir?: string } = {},
): Promise<FakeBigQuery> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  for (const m of MACROS) await connection.run(m);
  const requests: RecordedRequest[] = [];
  const jobs = new Map<string, JobResource>();
  let queue: Promise<unknown> = Promise.resolve();
  // One statement at a time, as one DuckDB connection requires.
  const serial = <T>(work: () => Promise<T>): Promise<T> => {
    const run = queue.then(work);
    queue = run.catch(() => undefined);
    return run;
  };
  const jobsPath = `/bigquery/v2/projects/${project}/jobs`;

  const reply = (res: ServerResponse, status: number, payload: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(payload));
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    const path = (req.url ?? '').split('?')[0]!;
    requests.push({ method: req.method ?? '', path, body });
    const notFound = (message: string) =>
      reply(res, 404, { error: { code: 404, message, errors: [{ reason: 'notFound', message }] } });
    const route = `${req.method} ${path}`;
    try {
      if (route === `POST /bigquery/v2/projects/${project}/queries`) {
        return reply(res, 200, await serial(() => execute(connection, body)));
      }
      if (route === `POST ${jobsPath}`) {
        const jobId = (body.jobReference as { jobId?: string } | undefined)?.jobId ?? '';
        if (jobs.has(jobId)) {
          const message = `Already Exists: Job ${project}:${jobId}`;
          return reply(res, 409, {
            error: { code: 409, message, errors: [{ reason: 'duplicate', message }] },
          });
        }
        const job = await serial(() => insertJob(connection, project, options.storageDir, body));
        jobs.set(job.jobReference.jobId, job);
        return reply(res, 200, job);
      }
      if (req.method === 'GET' && path.startsWith(`${jobsPath}/`)) {
        const job = jobs.get(decodeURIComponent(path.slice(jobsPath.length + 1)));
        return job ? reply(res, 200, job) : notFound(`Not found: Job ${path}`);
      }
      return notFound(`fake BigQuery: no route ${route}`);
    } catch (error) {
      const message = errorMessage(error);
      reply(res, 400, {
        error: {
          code: 400,
          message,
          errors: [{ reason: error instanceof BadRequest ? 'invalid' : 'invalidQuery', message }],
          status: 'INVALID_ARGUMENT',
        },
      });
    }
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error) => reply(res, 500, { error: { code: 500, message: String(error) } }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    client: () =>
      new BigQuery({
        projectId: project,
        apiEndpoint: `http://127.0.0.1:${port}`,
        authClient: { getRequestHeaders: async () => new Headers() } as never,
      }),
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      connection.closeSync();
      instance.closeSync();
    },
  };
}
