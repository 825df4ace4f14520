import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
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
import { errorMessage } from '@tradehits/core/errors';

/**
 * A local stand-in for the BigQuery REST API's `jobs.query` (POST /bigquery/v2/projects/P/queries),
 * backed by an in-memory DuckDB that really executes the query text. It checks what the real client
 * sends (path, legacy SQL off, named parameters with types and values, int64 timestamps requested) and
 * answers in BigQuery's response shape (schema + rows of `{ f: [{ v }] }`, INT64 as strings, TIMESTAMP as
 * integer microseconds). BigQuery SQL is translated to DuckDB only where the dialects differ in
 * spelling: backtick identifiers, `@param`, `x IN UNNEST(array)`, DDL types and table options.
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
  close(): Promise<void>;
}

class BadRequest extends Error {}

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

const MACROS = [
  'CREATE OR REPLACE MACRO unix_millis(t) AS epoch_ms(t)',
  'CREATE OR REPLACE MACRO timestamp_millis(ms) AS make_timestamp(CAST(ms AS BIGINT) * 1000)',
];

/** Starts the fake on 127.0.0.1 on a free port. */
export async function startFakeBigQuery(project: string): Promise<FakeBigQuery> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  for (const m of MACROS) await connection.run(m);
  const requests: RecordedRequest[] = [];
  let queue: Promise<unknown> = Promise.resolve();

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
    if (req.method !== 'POST' || path !== `/bigquery/v2/projects/${project}/queries`) {
      return reply(res, 404, {
        error: { code: 404, message: `fake BigQuery: no route ${req.method} ${path}`, errors: [] },
      });
    }
    // One query at a time, as one DuckDB connection requires.
    const run = queue.then(() => execute(connection, body));
    queue = run.catch(() => undefined);
    try {
      reply(res, 200, await run);
    } catch (error) {
      const message = errorMessage(error);
      reply(res, 400, {
        error: {
          code: 400,
          message,
          errors: [{ reason: 'invalidQuery', message }],
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
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      connection.closeSync();
      instance.closeSync();
    },
  };
}
