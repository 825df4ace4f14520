import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createDuckDbStore } from '@tradehits/analytics/duckdb-store';
import type { AnalyticsStore } from '@tradehits/analytics/store';
import { loadConfig, loadTestServices } from '@tradehits/config';
import type { MarketDataSource } from '@tradehits/core';
import type { MarketTick } from '@tradehits/core/engine';
import { type DbHandle, listJobRuns, listOpenTrades, schema } from '@tradehits/db';
import { createPostgresTestDb } from '@tradehits/db/testing';
import { sealSecret } from '@tradehits/exchange';
import type { Services } from '@tradehits/trading';
import { eq } from 'drizzle-orm';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBullmqRunner } from '../bullmq-runner';
import { type TradingOrder, tradingOrderJobId } from '../contracts';
import { createMemoryBus } from '../events';
import { createInProcessRunner } from '../in-process-runner';
import { createLogger } from '../log';
import { processors } from '../processors';
import type { JobRunner } from '../runner';
import { tradeOnMarkets } from './engine-tick';
import { runTradingOrder } from './trading-order';

const { redisUrl } = loadTestServices();
const SECRETS_KEY = Buffer.alloc(32, 9).toString('base64');
const AT = new Date(Date.UTC(2026, 2, 10, 14, 0));
const BAR_TIME = AT.getTime() - 300_000;

const MARKET: MarketTick = {
  symbol: 'ETH/USD',
  assetType: 'crypto',
  bar: { openTime: BAR_TIME, open: 2001, high: 2010, low: 1990, close: 2000, volume: 900 },
  detection: {
    symbol: 'ETH/USD',
    assetType: 'crypto',
    timeframe: '5m',
    barTime: BAR_TIME,
    price: 2000,
    low24h: 2000,
    low7d: 1960,
    support: 1900,
    rsi: 27,
    macdHist: -0.1,
    bbPosition: 0.02,
    sentiment: 40,
    politicalSentiment: null,
    reasons: ['near24h', 'rsi', 'approaching'],
    confidence: 0.9,
    isLowestPoint: true,
    riseProbability: 0.7,
    buySignal: true,
    notes: [],
  },
  sentiment: { score: 40, politicalMin: null, politicalScore: null },
  recentRangePct: 1,
};

async function waitFor<T>(fn: () => Promise<T | null | undefined | false>, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Live entries leave the tick as order jobs keyed by their order: on either runner a repeated tick
 * queues nothing new, every order runs on its own, and one refused by the gate records why while the
 * others go through.
 */
describe.each(['in-process', 'bullmq'] as const)('live orders as jobs (%s)', (kind) => {
  let db: DbHandle;
  let dir: string;
  let analytics: AnalyticsStore;
  let services: Services;
  let runner: JobRunner;
  const prefix = `th-test-${randomBytes(4).toString('hex')}`;
  const ids = { ann: '', bob: '', cid: '' };

  beforeAll(async () => {
    db = await createPostgresTestDb();
    dir = await mkdtemp(path.join(tmpdir(), 'tradehits-orders-'));
    analytics = await createDuckDbStore(path.join(dir, 'a.duckdb'));
    await analytics.migrate();
    const none: MarketDataSource = { id: 'none', fetchBars: async () => [], symbols: async () => [] };
    services = {
      config: loadConfig({ NODE_ENV: 'test', SECRETS_KEY }),
      db: db.db,
      analytics,
      bus: createMemoryBus(),
      log: createLogger('silent'),
      market: { crypto: none, stock: none },
      now: () => AT,
    };
    // Two live users whose orders wait for an admin, and one whose rule exceeds the live cap after
    // a change the engine never saw (the gate at order time refuses it).
    for (const [name, amount] of [
      ['ann', 2_000],
      ['bob', 3_000],
      ['cid', 4_000],
    ] as const) {
      const [user] = await db.db
        .insert(schema.users)
        .values({
          username: `${name}-${kind}`,
          email: `${name}-${kind}@x.test`,
          passwordHash: 'x',
          fullName: name,
          role: 'beta_user',
        })
        .returning();
      ids[name] = user!.id;
      await db.db.insert(schema.accounts).values({
        userId: user!.id,
        assetType: 'crypto',
        mode: 'live',
        venue: 'kraken',
        startBalance: 50_000,
        balance: 50_000,
        credentials: sealSecret(SECRETS_KEY, '{"apiKey":"k","secret":"s"}'),
      });
      await db.db.insert(schema.tradeParameters).values({
        userId: user!.id,
        assetType: 'crypto',
        symbol: 'ALL',
        tradeAmount: amount,
        takeProfitPct: 3,
        stopLossPct: 2,
        maxConcurrentTrades: 2,
        autoTradingEnabled: true,
      });
    }
    runner =
      kind === 'bullmq'
        ? createBullmqRunner(services, processors, { redisUrl, consume: true, prefix, schedules: [] })
        : createInProcessRunner(services, processors, { schedules: [] });
    await runner.start();
  }, 30_000);

  afterAll(async () => {
    await runner?.close();
    if (kind === 'bullmq') {
      const redis = new Redis(redisUrl);
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length) await redis.del(...keys);
      redis.disconnect();
    }
    await analytics?.close();
    await db?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('queues each live entry once under its order key; each runs on its own', async () => {
    const tick = () =>
      tradeOnMarkets(
        services,
        'crypto',
        AT,
        [MARKET],
        { sentiment: 'judge', minConfidence: 0.7 },
        { enqueue: runner.enqueue },
      );
    // cid pauses themselves after the engine read the traders: the gate at order time refuses theirs.
    const first = tradeOnMarkets(
      services,
      'crypto',
      AT,
      [MARKET],
      { sentiment: 'judge', minConfidence: 0.7 },
      {
        enqueue: async (name, data, jobId) => {
          const order = name === 'trading.order' ? (data as TradingOrder) : null;
          if (order?.kind === 'entry' && order.request.userId === ids.cid)
            await db.db.update(schema.users).set({ tradingPaused: true }).where(eq(schema.users.id, ids.cid));
          await runner.enqueue(name, data, jobId);
        },
      },
    );
    const r = await first;
    expect(r).toMatchObject({ ordersQueued: 3, opened: 0, failed: 0 });

    const pending = async () =>
      (await listOpenTrades(db.db)).filter((t) => t.status === 'pending_approval').map((t) => t.userId);
    await waitFor(async () => (await listJobRuns(db.db, 50, 'trading.order')).length >= 4);
    // The same tick again (a retried tick): the same order keys, nothing new queued or run.
    await db.db.update(schema.users).set({ tradingPaused: false }).where(eq(schema.users.id, ids.cid));
    await tick();
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const runs = await listJobRuns(db.db, 50, 'trading.order');
    // Three runs recorded by the runner, and cid's refusal recorded with its reason.
    expect(runs.filter((x) => x.symbol === null)).toHaveLength(3);
    const refused = runs.filter((x) => x.symbol !== null);
    expect(refused).toMatchObject([{ status: 'skipped', error: 'user-paused', detail: { userId: ids.cid } }]);
    expect((await pending()).sort()).toEqual([ids.ann, ids.bob].sort());
  }, 30_000);

  it('records an order that fails with its reason and whether a retry may help; the next still runs', async () => {
    const broken = runTradingOrder(services, {
      kind: 'exit',
      at: AT.getTime(),
      tradeId: 'not-a-position',
      price: 2000,
      reason: 'stop-loss',
    });
    const fine = runTradingOrder(services, {
      kind: 'recover',
      at: AT.getTime(),
      ref: { heldTradeId: randomUUID() },
    });
    expect(await broken).toMatchObject({ kind: 'exit', done: false, failed: expect.any(String) });
    expect(await fine).toEqual({ kind: 'recover', done: false });
    const [run] = (await listJobRuns(db.db, 50, 'trading.order')).filter((r) => r.status === 'failed');
    // The driver's reason and SQLSTATE are recorded; the query's SQL and parameters never are.
    expect(run).toMatchObject({
      error: 'database error 22P02: invalid input syntax for type uuid: "not-a-position"',
      detail: { tradeId: 'not-a-position', retryable: true },
    });
  });

  it('names each job by its order, with a colon only between its three parts', () => {
    const id = tradingOrderJobId({
      kind: 'entry',
      at: AT.getTime(),
      request: {
        userId: 'u',
        assetType: 'crypto',
        mode: 'live',
        symbol: 'ETH/USD',
        amountCents: 2000,
        price: 2000,
        takeProfitPct: 3,
        stopLossPct: 2,
        maxConcurrentTrades: 2,
        clientOrderId: `u:ETH/USD:${BAR_TIME}:live`,
        executionReason: 'lowest-point',
        requiresApproval: true,
      },
    });
    expect(id).toBe(`trading.order:entry:u.ETH/USD.${BAR_TIME}.live`);
    expect(id.split(':')).toHaveLength(3);
  });
});
