import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import type { Config } from '@tradehits/config';
import type { SQL } from 'drizzle-orm';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import pg from 'pg';
import * as schema from './schema';

/** The database both drivers give: queries written against it run on Postgres and on PGlite alike. */
export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;
/** A transaction or the database itself: query functions accept either. */
export type DbOrTx = Db | Parameters<Parameters<Db['transaction']>[0]>[0];

export interface DbHandle {
  db: Db;
  kind: 'postgres' | 'pglite';
  /** Applies the drizzle/ migrations; idempotent. */
  migrate(): Promise<void>;
  close(): Promise<void>;
}

/** The generated SQL migrations at the repository root. */
export const MIGRATIONS_FOLDER = fileURLToPath(new URL('../../../drizzle', import.meta.url));

/**
 * Where a new PGlite database starts from: an empty, migrated data folder as a gzipped tarball, which
 * `scripts/bundle.ts --pglite-template` writes beside the server's bundle. Loading it takes about a
 * second where PGlite's initdb takes four to seven on a 2-core machine. Run from source there is none,
 * and PGlite runs initdb; a template older than the migrations is brought up to date by `migrate()`.
 */
export const PGLITE_TEMPLATE = fileURLToPath(new URL('./pglite-template.tar.gz', import.meta.url));

/** Writes the template `createDb` starts a new PGlite data folder from. */
export async function writePgliteTemplate(file: string): Promise<void> {
  const client = new PGlite('memory://', { startParams: [...PGlite.defaultStartParams, ...PGLITE_MEMORY] });
  try {
    await migratePglite(drizzlePglite(client, { schema }), { migrationsFolder: MIGRATIONS_FOLDER });
    writeFileSync(file, Buffer.from(await (await client.dumpDataDir('gzip')).arrayBuffer()));
  } finally {
    await client.close();
  }
}

export interface DbOptions {
  poolSize?: number;
  /** A statement running longer is cancelled by the server and abandoned by the client. */
  statementTimeoutMs?: number;
  /** Longest wait for a connection, new or from the pool. */
  connectTimeoutMs?: number;
  /** Told when the server ends an idle pooled connection (restart, failover, pg_terminate_backend). */
  onConnectionError?: (err: Error) => void;
  /** The tarball a new PGlite data folder starts from, when the file exists (default `PGLITE_TEMPLATE`). */
  pgliteTemplate?: string;
}

/**
 * PGlite's memory bounds, as server flags (the data folder's postgresql.conf is left alone). Shared buffers
 * live inside the WebAssembly heap, which never shrinks; PostgreSQL's 128 MB default is far more than one
 * user's data needs. Measured here after boot and migrations: 387 MB resident with the defaults, 264 MB
 * with these.
 */
const PGLITE_MEMORY = [
  '-c',
  'shared_buffers=16MB',
  '-c',
  'wal_buffers=1MB',
  '-c',
  'maintenance_work_mem=16MB',
];

/** The one db factory: node-postgres when a URL is configured, PGlite in the data dir otherwise. */
export function createDb(database: Config['database'], options: DbOptions = {}): DbHandle {
  if (database.kind === 'postgres') {
    const statementTimeout = options.statementTimeoutMs ?? 15_000;
    const pool = new pg.Pool({
      connectionString: database.url,
      max: options.poolSize ?? 10,
      connectionTimeoutMillis: options.connectTimeoutMs ?? 5000,
      // The server cancels a slow statement; the client gives up a little later, for a server (or a
      // network) that stopped answering altogether and would otherwise hang the request for minutes.
      statement_timeout: statementTimeout,
      query_timeout: statementTimeout + 1000,
      idle_in_transaction_session_timeout: statementTimeout * 2,
      keepAlive: true,
    });
    // Without a listener, an idle connection the server ends is an uncaught 'error' that kills the
    // process. The pool has already dropped that client; the next query opens a fresh one.
    pool.on('error', (err) => options.onConnectionError?.(err));
    const db = drizzlePg(pool, { schema });
    return {
      db: db as unknown as Db,
      kind: 'postgres',
      migrate: () => migratePg(db, { migrationsFolder: MIGRATIONS_FOLDER }),
      close: () => pool.end(),
    };
  }
  const onDisk = database.dir !== 'memory://';
  if (onDisk) mkdirSync(database.dir, { recursive: true });
  const fresh = onDisk && !existsSync(path.join(database.dir, 'PG_VERSION'));
  const templateFile = options.pgliteTemplate ?? PGLITE_TEMPLATE;
  const template = fresh && existsSync(templateFile) ? new Blob([readFileSync(templateFile)]) : null;
  const client = new PGlite(database.dir, {
    startParams: [...PGlite.defaultStartParams, ...PGLITE_MEMORY],
    ...(template ? { loadDataDir: template } : {}),
  });
  const db = drizzlePglite(client, { schema });
  return {
    db: db as unknown as Db,
    kind: 'pglite',
    migrate: () => migratePglite(db, { migrationsFolder: MIGRATIONS_FOLDER }),
    close: () => client.close(),
  };
}

/** Rows of a raw `sql` query (both drivers answer `{ rows }`); int8 arrives as number or string, so coerce. */
export async function queryRows<T>(db: DbOrTx, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as { rows: T[] };
  return result.rows;
}
