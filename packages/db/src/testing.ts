import { randomBytes } from 'node:crypto';
import { setTimeout } from 'node:timers/promises';
import { loadTestServices } from '@tradehits/config';
import pg from 'pg';
import { createDb, type DbHandle } from './client';

/** The server integration tests use; CI and this machine run PostgreSQL on 127.0.0.1. */
export const TEST_POSTGRES_URL = loadTestServices().postgresUrl;

/** A fresh, migrated Postgres database for one test file; `close()` drops it. */
export async function createPostgresTestDb(): Promise<DbHandle & { url: string }> {
  const name = `th_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  await admin.connect();
  // Identifiers cannot be bound as parameters; the name is generated above from hex only.
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(TEST_POSTGRES_URL);
  url.pathname = `/${name}`;
  const handle = createDb({ kind: 'postgres', url: url.toString() }, { poolSize: 20 });
  await handle.migrate();
  return {
    ...handle,
    url: url.toString(),
    close: async () => {
      await handle.close();
      const drop = new pg.Client({ connectionString: TEST_POSTGRES_URL });
      await drop.connect();
      // pool.end() resolves before its sockets close: wait for the backends to go, so that forcing the
      // drop does not kill a connection whose client no longer listens for errors.
      for (let wait = 0; wait < 50; wait++) {
        const { rows } = await drop.query<{ n: number }>(
          'select count(*)::int as n from pg_stat_activity where datname = $1',
          [name],
        );
        if (rows[0]!.n === 0) break;
        await setTimeout(100);
      }
      await drop.query(`drop database if exists ${name} with (force)`);
      await drop.end();
    },
  };
}

/** A migrated in-memory PGlite database. */
export async function createPgliteTestDb(): Promise<DbHandle> {
  const handle = createDb({ kind: 'pglite', dir: 'memory://' });
  await handle.migrate();
  return handle;
}
