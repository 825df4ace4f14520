import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createDuckDbStore } from '@tradehits/analytics/duckdb-store';
import type { AnalyticsStore } from '@tradehits/analytics/store';
import { loadConfig, loadTestServices } from '@tradehits/config';
import { BINANCE_2018_DIR, binance2018Pair } from '@tradehits/core/testing/binance-2018';
import { type DbHandle, listJobRuns, tradeHistory } from '@tradehits/db';
import { createPostgresTestDb } from '@tradehits/db/testing';
import { createReplaySource } from '@tradehits/exchange';
import { openTrade, type Services } from '@tradehits/trading';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBullmqRunner } from '../bullmq-runner';
import { engineTickJobId } from '../contracts';
import { createMemoryBus } from '../events';
import { createInProcessRunner } from '../in-process-runner';
import { createLogger } from '../log';
import { processors } from '../processors';
import type { JobRunner } from '../runner';
import { createPaperUser } from '../testing';
import { SENTIMENT_OFF } from './scan-markets';

const { redisUrl } = loadTestServices();
const BAR = 5 * 60_000;
const PAIRS = ['ETH/BTC', 'LTC/BTC'];

async function waitFor<T>(fn: () => Promise<T | null | undefined | false>, ms = 90_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * Ingesting a bar queues the engine tick for exactly that bar, on both runners: a replay source plays
 * the shared candles, each ingest writes the bars that closed, and the tick it queues judges the newest.
 * A repeated trigger for the same bar is the same job; a tick for a bar that is no longer the newest
 * is recorded as skipped with the reason and judges nothing.
 */
describe.each(['in-process', 'bullmq'] as const)('ingestion triggers the engine tick (%s)', (kind) => {
  let db: DbHandle;
  let dir: string;
  let analytics: AnalyticsStore;
  let runner: JobRunner;
  const prefix = `th-tick-${randomBytes(4).toString('hex')}`;
  const recordStart = binance2018Pair('ETH/BTC')[0]!.openTime + 2 * 86_400_000;
  const wallStart = Date.UTC(2026, 10, 10, 12, 1);
  let wall = wallStart;

  beforeAll(async () => {
    db = await createPostgresTestDb();
    dir = await mkdtemp(path.join(tmpdir(), 'tradehits-trigger-'));
    analytics = await createDuckDbStore(path.join(dir, 'a.duckdb'));
    await analytics.migrate();
    const replay = createReplaySource({ dir: BINANCE_2018_DIR, clock: () => wall, startAt: recordStart });
    const source = { ...replay, symbols: async () => PAIRS };
    const services: Services = {
      config: loadConfig({ NODE_ENV: 'test', CRYPTO_SYMBOLS: PAIRS.join(',') }),
      db: db.db,
      analytics,
      bus: createMemoryBus(),
      log: createLogger('silent'),
      market: { crypto: source, stock: { ...source, symbols: async () => [] } },
      now: () => new Date(wall),
    };
    runner =
      kind === 'bullmq'
        ? createBullmqRunner(services, processors, { redisUrl, consume: true, prefix, schedules: [] })
        : createInProcessRunner(services, processors, { schedules: [] });
    await runner.start();
  });

  afterAll(async () => {
    await runner.close();
    if (kind === 'bullmq') {
      const redis = new Redis(redisUrl);
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length) await redis.del(...keys);
      redis.disconnect();
    }
    await analytics.close();
    await db.close();
    await rm(dir, { recursive: true, force: true });
  });

  const ticks = async () => (await listJobRuns(db.db, 100, 'engine.tick')).filter((r) => r.symbol === null);
  const detailOf = (run: { detail: unknown }) => run.detail as Record<string, unknown>;

  it('judges each new bar once, and records a stale tick as skipped', { timeout: 300_000 }, async () => {
    // The replay stands at a bar boundary: the newest closed bar opened five minutes before it.
    const firstBar = recordStart - BAR;
    await runner.enqueue('market.ingest', { assetType: 'crypto', timeframe: '5m' }, 'ingest-1');
    const [first] = await waitFor(async () => {
      const runs = await ticks();
      return runs.length === 1 && runs;
    });
    expect(first).toMatchObject({ status: 'ok' });
    expect(detailOf(first!)).toMatchObject({
      payload: { assetType: 'crypto', timeframe: '5m', barTime: firstBar },
      barTime: firstBar,
      symbols: PAIRS.length,
      missing: 0,
      notes: [SENTIMENT_OFF],
    });
    const judged = await analytics.detections({ from: firstBar, to: firstBar });
    expect(judged.map((d) => d.symbol).sort()).toEqual(PAIRS);
    expect(judged.every((d) => d.notes.includes(SENTIMENT_OFF))).toBe(true);

    // Five minutes later one more bar has closed: its tick, and only its tick, runs.
    wall += BAR;
    await runner.enqueue('market.ingest', { assetType: 'crypto', timeframe: '5m' }, 'ingest-2');
    const second = await waitFor(async () => {
      const runs = await ticks();
      return runs.length === 2 && runs.find((r) => detailOf(r).barTime === recordStart);
    });
    expect(second).toMatchObject({ status: 'ok' });

    // The same bar triggered again (an ingest retried, with nothing new, or the same job id) runs nothing.
    await runner.enqueue('market.ingest', { assetType: 'crypto', timeframe: '5m' }, 'ingest-3');
    await runner.enqueue(
      'engine.tick',
      { assetType: 'crypto', timeframe: '5m', barTime: recordStart },
      engineTickJobId('crypto', '5m', recordStart),
    );
    await waitFor(async () => (await listJobRuns(db.db, 100, 'market.ingest')).length === 3);
    await new Promise((r) => setTimeout(r, 1_500));
    expect(await ticks()).toHaveLength(2);

    // A tick for the older bar, run by hand after the newer one closed: a skip with the reason.
    await runner.enqueue(
      'engine.tick',
      { assetType: 'crypto', timeframe: '5m', barTime: firstBar },
      'by-hand',
    );
    const stale = await waitFor(async () => (await ticks()).find((r) => r.status === 'skipped'));
    expect(String(detailOf(stale).skipped)).toMatch(/^stale: the 5m bar at .* has closed since the bar at/);
    expect(await analytics.detections({ from: firstBar + 1, to: recordStart })).toHaveLength(PAIRS.length);
  });

  it('judges hourly and daily bars when they close, and records their timeframe', {
    timeout: 300_000,
  }, async () => {
    for (const timeframe of ['1h', '1d'] as const) {
      await runner.enqueue('market.ingest', { assetType: 'crypto', timeframe }, `ingest-${timeframe}`);
      const run = await waitFor(async () =>
        (await ticks()).find((r) => (detailOf(r).payload as { timeframe: string }).timeframe === timeframe),
      );
      expect(run).toMatchObject({ status: 'ok' });
      const barTime = detailOf(run).barTime as number;
      expect(barTime).toBe((await analytics.lastBarTimes('crypto', timeframe)).get('ETH/BTC'));
      const judged = (await analytics.detections({ from: barTime, to: barTime })).filter(
        (d) => d.timeframe === timeframe,
      );
      expect(judged.map((d) => d.symbol).sort()).toEqual(PAIRS);
    }
  });
});

/**
 * In a replay the engine's clock is the replay's: a tick judges at its bar's close, so a position
 * opened on recorded time is closed on a later recorded bar and stamped with recorded time, and a tick
 * that runs after the replay has played further bars still judges its own bar (as a backtest would).
 */
describe('a replay drives the engine clock', () => {
  let db: DbHandle;
  let dir: string;
  let analytics: AnalyticsStore;
  let runner: JobRunner;
  let services: Services;
  const recordStart = binance2018Pair('ETH/BTC')[0]!.openTime + 2 * 86_400_000;
  let wall = Date.UTC(2026, 10, 10, 12, 1);

  beforeAll(async () => {
    db = await createPostgresTestDb();
    dir = await mkdtemp(path.join(tmpdir(), 'tradehits-replay-clock-'));
    analytics = await createDuckDbStore(path.join(dir, 'a.duckdb'));
    await analytics.migrate();
    const replay = createReplaySource({ dir: BINANCE_2018_DIR, clock: () => wall, startAt: recordStart });
    const source = { ...replay, symbols: async () => PAIRS };
    services = {
      config: loadConfig({
        NODE_ENV: 'test',
        CRYPTO_SYMBOLS: PAIRS.join(','),
        MARKET_SOURCE: 'replay',
        REPLAY_DIR: BINANCE_2018_DIR,
        // Paper accounts hold USD and the recording has no BTC/USD: the demo's stated paper rate.
        PAPER_USD_RATES: 'BTC=11000',
      }),
      db: db.db,
      analytics,
      bus: createMemoryBus(),
      log: createLogger('silent'),
      market: { crypto: source, stock: { ...source, symbols: async () => [] } },
      now: () => new Date(wall),
    };
    runner = createInProcessRunner(services, processors, { schedules: [] });
    await runner.start();
  });

  afterAll(async () => {
    await runner.close();
    await analytics.close();
    await db.close();
    await rm(dir, { recursive: true, force: true });
  });

  const tickFor = async (barTime: number) =>
    (await listJobRuns(db.db, 200, 'engine.tick')).find(
      (r) =>
        r.symbol === null && (r.detail as { payload?: { barTime?: number } }).payload?.barTime === barTime,
    );

  it('closes a recorded-time position on a later bar at recorded time, and judges a late tick', {
    timeout: 300_000,
  }, async () => {
    const firstBar = recordStart - BAR;
    await runner.enqueue('market.ingest', { assetType: 'crypto', timeframe: '5m' }, 'clock-ingest-1');
    await waitFor(() => tickFor(firstBar));

    // A paper position opened as the engine opens one at that tick: at the bar's close, held 10 minutes.
    const user = await createPaperUser(db.db, 'replay-clock');
    const [bar] = await analytics.bars({ symbol: 'ETH/BTC', timeframe: '5m', limit: 1 });
    const opened = await openTrade(services, {
      userId: user.id,
      assetType: 'crypto',
      mode: 'paper',
      symbol: 'ETH/BTC',
      amountCents: 100_00,
      price: bar!.close,
      takeProfitPct: 50,
      stopLossPct: 50,
      exits: {
        takeProfitPct: 50,
        stopLossPct: 50,
        trailingStopPct: null,
        breakEvenAfterPct: null,
        maxHoldingMs: 600_000,
      },
      maxConcurrentTrades: 3,
      clientOrderId: 'replay-clock-entry',
      executionReason: 'lowest-point',
      requiresApproval: false,
      at: new Date(recordStart),
    });
    expect(opened.ok).toBe(true);

    // Fifteen recorded minutes later one ingest brings three bars, and each is judged in turn: the tick
    // for the bar whose close ends the ten minutes closes it, stamped with that bar's close.
    wall += 3 * BAR;
    const newest = recordStart + 2 * BAR;
    const tenMinutesOn = recordStart + BAR;
    await runner.enqueue('market.ingest', { assetType: 'crypto', timeframe: '5m' }, 'clock-ingest-2');
    expect(await waitFor(() => tickFor(newest))).toMatchObject({ status: 'ok' });
    const run = (await tickFor(tenMinutesOn))!;
    expect(run).toMatchObject({ status: 'ok' });
    expect(run.detail).toMatchObject({ closed: 1 });
    const [closed] = await tradeHistory(db.db, user.id, 10);
    expect(closed).toMatchObject({ status: 'closed', exitReason: 'max-holding' });
    expect(closed!.exitTime!.getTime()).toBe(tenMinutesOn + BAR);

    // A tick that runs after the replay has played on still judges its own bar, at that bar's close.
    await runner.enqueue(
      'engine.tick',
      { assetType: 'crypto', timeframe: '5m', barTime: recordStart },
      'late',
    );
    const late = await waitFor(() => tickFor(recordStart));
    expect(late).toMatchObject({ status: 'ok' });
    expect(late.detail).toMatchObject({ barTime: recordStart, symbols: PAIRS.length });
    expect(await analytics.detections({ from: recordStart, to: recordStart })).toHaveLength(PAIRS.length);
  });
});
