import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createNodeClient } from '@tradehits/api/client';
import { loadTestServices } from '@tradehits/config';
import { createPostgresTestDb } from '@tradehits/db/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningApp, runScript, SHARED_MARKET, startApp, startWorker } from '../support/app';

const ADMIN = { username: 'ops', password: 'an operator password' };

/**
 * Production shape on one machine without BigQuery: the server on PostgreSQL with REDIS_URL set (so it
 * only enqueues), and the worker app consuming BullMQ from another process into the same database, in
 * the same DATA_DIR. The server owns the DuckDB file; the worker reads and writes it through the
 * server's socket, so what the worker ingests is what the server shows.
 */
describe('server and worker on PostgreSQL and Redis', () => {
  const { redisUrl } = loadTestServices();
  const prefix = `th-e2e-${randomBytes(4).toString('hex')}`;
  let db: Awaited<ReturnType<typeof createPostgresTestDb>>;
  let server: RunningApp;
  let worker: RunningApp;
  let dataDir: string;

  beforeAll(async () => {
    db = await createPostgresTestDb();
    const env = {
      DATABASE_URL: db.url,
      REDIS_URL: redisUrl,
      QUEUE_PREFIX: prefix,
      // Scheduled ingests read recorded candles: nothing here may reach a real exchange.
      MARKET_SOURCE: 'replay',
      REPLAY_DIR: SHARED_MARKET,
      ADMIN_USERNAME: ADMIN.username,
      ADMIN_PASSWORD: ADMIN.password,
    };
    dataDir = await mkdtemp(path.join(tmpdir(), 'tradehits-e2e-'));
    await runScript(
      'packages/jobs/src/cli/backfill.ts',
      ['--source', 'files', '--dir', SHARED_MARKET, '--symbols', 'ETH/BTC', '--timeframes', '5m'],
      { DATA_DIR: dataDir },
    );
    server = await startApp(env, dataDir);
    worker = await startWorker({ ...env, DATA_DIR: dataDir });
  });

  afterAll(async () => {
    await worker?.stop();
    await server?.stop();
    const redis = new Redis(redisUrl);
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
    await db?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('uses the configured services and runs jobs in the worker process', async () => {
    const client = createNodeClient(server.url);
    expect(await client.health.check.query()).toMatchObject({ ok: true, db: 'ok', jobs: 'bullmq' });
    await client.auth.login.mutate(ADMIN);
    const queues = await client.admin.jobs.queues.query();
    expect(queues.map((q) => q.name)).toEqual(expect.arrayContaining(['system', 'market', 'engine']));

    await client.admin.jobs.run.mutate({ name: 'system.heartbeat' });
    await expect
      .poll(async () => (await client.admin.jobs.runs.query({ limit: 20, job: 'system.heartbeat' })).length, {
        timeout: 30_000,
      })
      .toBeGreaterThan(0);
    // The worker registered every schedule in Redis, idempotently by id.
    const redis = new Redis(redisUrl);
    expect((await redis.keys(`${prefix}:*:repeat*`)).length).toBeGreaterThan(0);
    redis.disconnect();
  });

  it('shares one analytics store: the worker writes and backs it up through the server', async () => {
    const client = createNodeClient(server.url);
    await client.auth.login.mutate(ADMIN);
    expect((await client.markets.latest.query({ assetType: 'crypto' })).map((b) => b.symbol)).toEqual([
      'ETH/BTC',
    ]);
    // The worker fills the market calendar at start (the server, beside a worker, runs no jobs).
    await expect
      .poll(
        async () => (await client.admin.jobs.runs.query({ limit: 5, job: 'calendar.crosscheck' }))[0]?.status,
        {
          timeout: 60_000,
        },
      )
      .toBeDefined();

    await client.admin.jobs.run.mutate({ name: 'system.backup' });
    const backups = path.join(dataDir, 'backups');
    await expect
      .poll(async () => (await readdir(backups).catch(() => [])).length, { timeout: 60_000 })
      .toBe(1);
    const [name] = await readdir(backups);
    await expect
      .poll(() => readdir(path.join(backups, name!)), { timeout: 60_000 })
      .toContain('manifest.json');
    const manifest = JSON.parse(await readFile(path.join(backups, name!, 'manifest.json'), 'utf8')) as {
      analytics: { tables: { table: string; rows: number }[] };
    };
    const rows = Object.fromEntries(manifest.analytics.tables.map((t) => [t.table, t.rows]));
    // Bars the CLI loaded before the server started, and calendar days the worker wrote since.
    expect(rows.crypto_bars_5m).toBeGreaterThan(0);
    expect(rows.market_calendar).toBeGreaterThan(0);
    expect(worker.log()).not.toMatch(/Could not set lock|Conflicting lock/i);
  });

  it('answers bad input over HTTP with a 400, a readable message and no stack', async () => {
    const res = await fetch(`${server.url}/trpc/auth.register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        json: { username: 'x', email: 'not-an-email', password: 'short', fullName: 'X' },
      }),
    });
    expect(res.status).toBe(400);
    const { error } = (await res.json()) as {
      error: { json: { message: string; data: Record<string, unknown> } };
    };
    expect(error.json.message).toContain('username: Username needs at least 3 characters');
    expect(error.json.data).not.toHaveProperty('stack');
    expect(error.json.data.zodError).toMatchObject({
      fieldErrors: { email: ['Enter a valid email address'] },
    });
  });

  it('refuses to start the worker without REDIS_URL, naming the variable', async () => {
    await expect(runScript('apps/worker/src/main.ts', [], {})).rejects.toThrow(/REDIS_URL/);
  });

  it('stops start-up on a bad variable with a message naming it', async () => {
    await expect(runScript('apps/server/src/main.ts', [], { PORT: 'eighty' })).rejects.toThrow(/PORT/);
  });
});
