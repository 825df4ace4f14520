import { randomBytes } from 'node:crypto';
import { loadConfig, loadTestServices } from '@tradehits/config';
import type { MarketDataSource } from '@tradehits/core';
import { type DbHandle, listJobRuns } from '@tradehits/db';
import { createPgliteTestDb, createPostgresTestDb } from '@tradehits/db/testing';
import type { LiveEvent, Services } from '@tradehits/trading';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBullmqRunner } from './bullmq-runner';
import type { Schedule } from './contracts';
import { createMemoryBus, createRedisBus } from './events';
import { createInProcessRunner } from './in-process-runner';
import { createLogger } from './log';
import { processors } from './processors';
import type { Processors } from './runner';

const { redisUrl } = loadTestServices();
const none: MarketDataSource = { id: 'none', fetchBars: async () => [], symbols: async () => [] };
// Every second (BullMQ and cron-parser take a seconds field), so a test sees runs quickly.
const everySecond: Schedule[] = [
  { id: 'heartbeat', name: 'system.heartbeat', data: {}, pattern: '* * * * * *', tz: 'UTC' },
];

function servicesFor(db: DbHandle): Services {
  return {
    config: loadConfig({ NODE_ENV: 'test' }),
    db: db.db,
    analytics: undefined as never, // the heartbeat touches only the relational store
    bus: createMemoryBus(),
    log: createLogger('silent'),
    market: { crypto: none, stock: none },
    now: () => new Date(),
  };
}

async function waitFor<T>(fn: () => Promise<T | null | undefined | false>, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('BullMQ runner on Redis', () => {
  let db: DbHandle;
  const prefix = `th-test-${randomBytes(4).toString('hex')}`;
  beforeAll(async () => {
    db = await createPostgresTestDb();
  });
  afterAll(async () => {
    const redis = new Redis(redisUrl);
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
    await db.close();
  });

  it('registers the heartbeat scheduler idempotently and records runs in the database', async () => {
    const services = servicesFor(db);
    const runner = createBullmqRunner(services, processors, {
      redisUrl,
      consume: true,
      prefix,
      schedules: everySecond,
    });
    await runner.start();
    await runner.start(); // a restart re-upserts by id: still one scheduler
    const queue = new Queue('system', {
      connection: new Redis(redisUrl, { maxRetriesPerRequest: null }),
      prefix,
    });
    expect(await queue.getJobSchedulersCount()).toBe(1);
    const runs = await waitFor(async () => {
      const r = await listJobRuns(db.db, 10, 'system.heartbeat');
      return r.length >= 2 && r;
    });
    expect(runs[0]).toMatchObject({ job: 'system.heartbeat', status: 'ok' });
    await queue.close();
    await runner.close();
  });

  it('retries a failing job with backoff, then lists it as failed and retries it on request', async () => {
    let calls = 0;
    const flaky: Processors = {
      ...processors,
      'system.heartbeat': async () => {
        calls++;
        throw new Error('venue timed out');
      },
    };
    const runner = createBullmqRunner(servicesFor(db), flaky, {
      redisUrl,
      consume: true,
      prefix: `${prefix}-f`,
      schedules: [],
      backoffMs: 10,
    });
    await runner.start();
    await runner.enqueue('system.heartbeat', {}, 'flaky-1');
    const failed = await waitFor(async () => {
      const system = (await runner.health()).find((q) => q.name === 'system')!;
      return system.failed > 0 && system;
    });
    expect(calls).toBe(1); // the heartbeat is attempted once by contract
    expect(failed.failedJobs[0]).toMatchObject({ id: 'flaky-1', failedReason: 'venue timed out' });
    expect(await runner.retry('system', 'flaky-1')).toBe(true);
    await waitFor(async () => calls === 2);
    expect(await runner.retry('system', 'no-such-job')).toBe(false);
    await runner.close();
    const redis = new Redis(redisUrl);
    const keys = await redis.keys(`${prefix}-f:*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  });

  it('relays live events across processes through Redis pub/sub', async () => {
    const a = createRedisBus(redisUrl);
    const b = createRedisBus(redisUrl);
    const seen: LiveEvent[] = [];
    b.subscribe((e) => seen.push(e));
    await new Promise((r) => setTimeout(r, 200));
    a.publish({ type: 'safety', killSwitch: true });
    await waitFor(async () => seen.length > 0);
    expect(seen[0]).toEqual({ type: 'safety', killSwitch: true });
    await a.close();
    await b.close();
  });
});

describe('in-process runner on PGlite', () => {
  it('runs the same processor on the same schedule and records it', async () => {
    const db = await createPgliteTestDb();
    const runner = createInProcessRunner(servicesFor(db), processors, { schedules: everySecond });
    await runner.start();
    const runs = await waitFor(async () => {
      const r = await listJobRuns(db.db, 10, 'system.heartbeat');
      return r.length >= 1 && r;
    });
    expect(runs[0]!.status).toBe('ok');
    await runner.close();
    await db.close();
  });
});
