import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createDuckDbStore } from '@tradehits/analytics/duckdb-store';
import { type Config, loadConfig } from '@tradehits/config';
import { detectSeries } from '@tradehits/core/detector';
import { withIndicators } from '@tradehits/core/indicators';
import { resampleBars } from '@tradehits/core/resample';
import { binance2018As } from '@tradehits/core/testing/binance-2018';
import { type Bar, TIMEFRAME_MS, type Timeframe } from '@tradehits/core/types';
import {
  claimOrder,
  type DbHandle,
  getAccount,
  getTrade,
  getUser,
  listAudit,
  listOpenTrades,
  openPosition,
  updateUser,
  upsertLiveAccount,
} from '@tradehits/db';
import { createPostgresTestDb } from '@tradehits/db/testing';
import {
  createAlpacaBroker,
  createAlpacaMarketData,
  createMarketDataSources,
  sealSecret,
} from '@tradehits/exchange';
import {
  ALPACA_TIMEFRAME,
  FAKE_ALPACA_CREDENTIALS,
  type FakeAlpaca,
  startFakeAlpaca,
  toAlpacaWireBar,
} from '@tradehits/exchange/testing/fake-alpaca';
import { closeTrade, recoverInterruptedOrders, type Services } from '@tradehits/trading';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryBus } from './events';
import { ingestBars } from './ingest/ingest-bars';
import { createLogger } from './log';
import { runEngineTick } from './processors/engine-tick';
import { bullishAggregates, createPaperTrader, createPaperUser, SENTIMENT_SOURCE_ENV } from './testing';

/**
 * US equities through Alpaca, end to end against a local fake of Alpaca's REST API driven by the real
 * SDK: the backfill command fills the analytics store, and the engine trades a stock signal inside a
 * NYSE session and none outside it. (The API reading these bars back is tested in packages/api.)
 *
 * Alpaca is not reachable from tests, so its bars are the shared real ETH/BTC 5m candles relabelled as
 * AAPL and moved in time (prices and volumes unchanged; the recording has no trade counts, sent as 0).
 */

const ROOT = path.resolve(import.meta.dirname, '../../..');
const CLI = 'packages/jobs/src/cli/backfill.ts';
const SYMBOL = 'AAPL';
const BAR = 5 * 60_000;
const HOUR = 3_600_000;

function alpacaConfig(fake: FakeAlpaca, env: Record<string, string> = {}): Config {
  return loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    STOCK_VENUE: 'alpaca',
    STOCK_SYMBOLS: SYMBOL,
    ALPACA_KEY_ID: FAKE_ALPACA_CREDENTIALS.keyId,
    ALPACA_SECRET_KEY: FAKE_ALPACA_CREDENTIALS.secretKey,
    ALPACA_DATA_URL: fake.url,
    ALPACA_TRADING_URL: fake.url,
    ...SENTIMENT_SOURCE_ENV,
    ...env,
  });
}

let db: DbHandle;
beforeAll(async () => {
  db = await createPostgresTestDb();
});
afterAll(async () => {
  await db?.close();
});

const closers: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const close of closers) await close();
});

/**
 * The services an engine tick gets with `fake` as the Alpaca venue and stock source, over a fresh
 * migrated DuckDB store; the fake, the store and its folder are closed after the file.
 */
async function alpacaServices(
  fake: FakeAlpaca,
  now: () => Date,
  env: Record<string, string> = {},
): Promise<Services> {
  const dir = await mkdtemp(path.join(tmpdir(), 'tradehits-alpaca-'));
  const analytics = await createDuckDbStore(path.join(dir, 'analytics.duckdb'));
  closers.push(async () => {
    await analytics.close();
    await fake.close();
    await rm(dir, { recursive: true, force: true });
  });
  await analytics.migrate();
  const config = alpacaConfig(fake, env);
  return {
    config,
    db: db.db,
    analytics,
    bus: createMemoryBus(),
    log: createLogger('silent'),
    market: createMarketDataSources(config),
    now,
  };
}

describe('backfill --source alpaca', () => {
  let fake: FakeAlpaca;
  let dir: string;
  // The recording moved to March 2025, and its 1h and 1d bars as Alpaca would serve them.
  const shift = Date.UTC(2025, 2, 3) - Date.UTC(2018, 0, 10);
  const served: Record<Timeframe, Bar[]> = { '5m': [], '1h': [], '1d': [] };

  /** Runs the backfill command as `npm run backfill` does; resolves with its exit code and output. */
  function backfill(args: string[], env: Record<string, string>) {
    const base = { ...process.env } as Record<string, string>;
    for (const k of Object.keys(base)) {
      if (/^(ALPACA_|DATABASE_URL|REDIS_URL|BIGQUERY_|STOCK_|DATA_DIR)/.test(k)) delete base[k];
    }
    return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], {
        cwd: ROOT,
        env: { ...base, NODE_ENV: 'test', LOG_LEVEL: 'silent', DATA_DIR: dir, ...env },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      child.on('error', reject);
      child.on('exit', (code) => resolve({ code, stdout, stderr }));
    });
  }

  const keys = () => ({
    ALPACA_KEY_ID: FAKE_ALPACA_CREDENTIALS.keyId,
    ALPACA_SECRET_KEY: FAKE_ALPACA_CREDENTIALS.secretKey,
    ALPACA_DATA_URL: fake.url,
  });
  const dbFile = () => path.join(dir, 'analytics.duckdb');

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'tradehits-alpaca-backfill-'));
    served['5m'] = binance2018As(SYMBOL, shift);
    served['1h'] = resampleBars(served['5m'], '1h');
    served['1d'] = resampleBars(served['5m'], '1d');
    fake = await startFakeAlpaca({
      bars: {
        [SYMBOL]: Object.fromEntries(
          (['5m', '1h', '1d'] as const).map((tf) => [ALPACA_TIMEFRAME[tf], served[tf].map(toAlpacaWireBar)]),
        ),
      },
      // Smaller pages than Alpaca's 10,000, so the 5m and 1h series take several pages each.
      pageSize: 200,
    });
  });

  afterAll(async () => {
    await fake?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('names a missing key and writes nothing', async () => {
    const run = await backfill(['--source', 'alpaca', '--symbols', SYMBOL], {
      ALPACA_KEY_ID: FAKE_ALPACA_CREDENTIALS.keyId,
      ALPACA_DATA_URL: fake.url,
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/--source alpaca needs ALPACA_SECRET_KEY set in the environment/);
    expect(existsSync(dbFile())).toBe(false);
    expect(fake.requests).toHaveLength(0);
  });

  it('a stock backfill for AAPL at three timeframes lands in the analytics store', async () => {
    const range = ['--from', '2025-03-01', '--to', '2025-03-16T00:00:00Z'];
    const first = await backfill(
      ['--source', 'alpaca', '--symbols', SYMBOL, '--timeframes', '5m,1h,1d', ...range],
      keys(),
    );
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/bars written to duckdb; 0 failed/);
    // Every bar whose period had ended by --to, and no other.
    const until = Date.UTC(2025, 2, 16);
    const inRange = (tf: Timeframe) =>
      served[tf].filter((b) => b.openTime + TIMEFRAME_MS[tf] <= until).length;
    for (const tf of ['5m', '1h', '1d'] as const) {
      expect(first.stdout).toMatch(new RegExp(`AAPL\\s+${tf}\\s+${inRange(tf)}\\s`));
    }

    // Every request went through the SDK with the keys and our timeframes, and followed page tokens.
    const barRequests = fake.requests.filter((r) => r.path === '/v2/stocks/bars');
    expect(barRequests.every((r) => r.query.symbols === SYMBOL)).toBe(true);
    expect(new Set(barRequests.map((r) => r.query.timeframe))).toEqual(new Set(['5Min', '1Hour', '1Day']));
    expect(
      barRequests.filter((r) => r.query.timeframe === '5Min' && r.query.page_token).length,
    ).toBeGreaterThan(10);
    expect(barRequests.some((r) => r.query.timeframe === '1Hour' && r.query.page_token)).toBe(true);

    // The rest of the history, then the whole range again: resumed, never duplicated.
    const rest = await backfill(
      ['--source', 'alpaca', '--symbols', SYMBOL, '--timeframes', '5m,1h,1d'],
      keys(),
    );
    expect(rest.code).toBe(0);
    expect(rest.stdout).toMatch(new RegExp(`AAPL\\s+5m\\s+${served['5m'].length - inRange('5m')}\\s`));
    const again = await backfill(
      ['--source', 'alpaca', '--symbols', SYMBOL, '--timeframes', '5m,1h,1d', '--from', '2025-03-01'],
      keys(),
    );
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/\n0 bars written to duckdb; 0 failed/);

    const store = await createDuckDbStore(dbFile());
    try {
      for (const tf of ['5m', '1h', '1d'] as const) {
        expect(await store.countBars({ symbol: SYMBOL, timeframe: tf })).toBe(served[tf].length);
        const stored = await store.bars({ symbol: SYMBOL, timeframe: tf, limit: 10_000 });
        expect(stored.map((b) => b.openTime)).toEqual(served[tf].map((b) => b.openTime));
        // Warm-up bars have no RSI; after it every bar has one, equal to a single pass over the whole
        // series (the second run resumed from stored history, not from the first bar).
        const expected = withIndicators(served[tf]);
        expect(stored[0]!.rsi14).toBeNull();
        for (const i of [14, 20, stored.length - 1]) {
          expect(stored[i]!.rsi14).not.toBeNull();
          expect(stored[i]!.rsi14!).toBeCloseTo(expected[i]!.rsi14!, 9);
          expect(stored[i]!.sma9!).toBeCloseTo(expected[i]!.sma9!, 12);
          expect(stored[i]!.bbLower!).toBeCloseTo(expected[i]!.bbLower!, 12);
        }
      }
    } finally {
      await store.close();
    }
  });
});

describe('a paper user whose stock venue is Alpaca', () => {
  const raw = binance2018As(SYMBOL, 0);
  const reading = { score: 50, politicalMin: null, politicalScore: null };
  // The bar where the detector finds its first lowest point with a week of history before it (as in
  // engine.integration.test.ts), found on the recording before it is moved.
  const signal = detectSeries(
    withIndicators(raw),
    { symbol: SYMBOL, assetType: 'stock', timeframe: '5m', sentiment: 'judge' },
    reading,
  ).findIndex((d, i) => d.isLowestPoint && i > 2100);

  /**
   * A fake Alpaca serving the recording moved so that the signal bar closes at `close`, ingested
   * through the Alpaca source as of that instant into a fresh DuckDB, with bullish recorded sentiment;
   * and the services an engine tick gets, with Alpaca as the stock source.
   */
  async function desk(close: number) {
    const bars = binance2018As(SYMBOL, close - BAR - raw[signal]!.openTime);
    const fake = await startFakeAlpaca({
      bars: { [SYMBOL]: { '5Min': bars.map(toAlpacaWireBar) } },
      pageSize: 1000,
    });
    const services = await alpacaServices(fake, () => new Date(close));
    const { analytics } = services;
    const [summary] = await ingestBars({
      source: createAlpacaMarketData(services.config, { now: () => close }),
      store: analytics,
      assetType: 'stock',
      symbols: [SYMBOL],
      timeframes: ['5m'],
    });
    expect(summary).toMatchObject({ symbol: SYMBOL, rows: signal + 1 });
    expect(summary!.error).toBeUndefined();
    const entryBar = close - BAR;
    await analytics.upsertSentimentAggregates(
      bullishAggregates(SYMBOL, 'stock', entryBar - 24 * HOUR, entryBar + 48 * HOUR),
    );
    expect(services.market.stock.id).toBe('alpaca');
    expect(await services.market.stock.symbols('stock')).toEqual([SYMBOL]);
    return { services, analytics, fake };
  }

  /** A paper trader on Alpaca with stock parameters and auto-trading on, around the clock. */
  async function alpacaTrader(username: string) {
    const user = await createPaperTrader(db.db, username, 'stock');
    await updateUser(db.db, user.id, { stockVenue: 'alpaca' });
    expect((await getUser(db.db, user.id))!.stockVenue).toBe('alpaca');
    return user;
  }

  it('gets an engine trade in a session', async () => {
    expect(signal).toBeGreaterThan(2100);
    // Tuesday 10 November 2026, 15:00 UTC = 10:00 in New York: half an hour into the session.
    const at = Date.UTC(2026, 10, 10, 15);
    const { services, fake } = await desk(at);
    const trader = await alpacaTrader('stock-in-session');

    const tick = await runEngineTick(services, 'stock', new Date(at));
    expect(tick).toMatchObject({ lowest: [SYMBOL], opened: 1 });
    const trades = await listOpenTrades(db.db, { userId: trader.id });
    expect(trades).toHaveLength(1);
    expect(trades[0]).toMatchObject({
      symbol: SYMBOL,
      assetType: 'stock',
      status: 'open',
      isPaper: true,
      executionReason: 'lowest-point',
      wasLowestPoint: true,
    });
    expect(trades[0]!.entryTime!.getTime()).toBe(at);
    // A paper fill: no order reached Alpaca's trading API.
    expect(fake.orderCount()).toBe(0);
  });

  // Saturday 14 November 2026, 10:00 in New York; and the Tuesday at 16:30, after the close.
  it.each([
    ['on a Saturday', Date.UTC(2026, 10, 14, 15), 'market closed (weekend)'],
    ['after the close', Date.UTC(2026, 10, 10, 21, 30), 'market closed (after close)'],
  ])('gets none %s, where the same signal falls outside a session', async (_when, at, skipped) => {
    const { services, analytics } = await desk(at);
    const trader = await alpacaTrader(`stock-closed-${at}`);
    const before = (await listOpenTrades(db.db, { assetType: 'stock' })).length;

    // The detector does see the lowest point at this bar: only the closed market stops the trade.
    const bars = await analytics.bars({ symbol: SYMBOL, timeframe: '5m', to: at - BAR, limit: 7 * 288 + 48 });
    const seen = detectSeries(
      bars,
      { symbol: SYMBOL, assetType: 'stock', timeframe: '5m', sentiment: 'judge' },
      reading,
    );
    expect(seen.at(-1)!.isLowestPoint).toBe(true);

    const tick = await runEngineTick(services, 'stock', new Date(at));
    expect(tick).toEqual({ skipped, expired: 0, interrupted: 0 });
    expect(await listOpenTrades(db.db, { userId: trader.id })).toHaveLength(0);
    expect(await listOpenTrades(db.db, { assetType: 'stock' })).toHaveLength(before);
  });
});

describe('a live stock order a dead tick left held, reconciled with Alpaca', () => {
  const SECRETS_KEY = Buffer.alloc(32, 9).toString('base64');
  /** Services with a fake Alpaca as the users' live stock venue, a live trader, and cash held for AAPL. */
  async function heldAtAlpaca(username: string, clientOrderId: string) {
    const fake = await startFakeAlpaca({ cash: 10_000 });
    const services = await alpacaServices(fake, () => new Date(), { SECRETS_KEY });
    const user = await createPaperUser(db.db, username);
    await upsertLiveAccount(db.db, {
      userId: user.id,
      assetType: 'stock',
      venue: 'alpaca',
      credentials: sealSecret(
        SECRETS_KEY,
        JSON.stringify({ apiKey: FAKE_ALPACA_CREDENTIALS.keyId, secret: FAKE_ALPACA_CREDENTIALS.secretKey }),
      ),
      startBalance: 100_000,
    });
    const held = await openPosition(db.db, {
      userId: user.id,
      assetType: 'stock',
      mode: 'live',
      symbol: SYMBOL,
      clientOrderId,
      status: 'held',
      maxConcurrentTrades: 3,
      amount: 50_000,
      entryFee: 0,
      quantity: '2',
      entryPrice: null,
      entryTime: null,
      takeProfitPrice: null,
      stopLossPrice: null,
      takeProfitPct: 3,
      stopLossPct: 2,
      currency: 'USD',
      executionReason: 'lowest-point',
    });
    if (!held.ok) throw new Error(held.reason);
    // Claimed for the venue, as openTrade leaves it just before sending the order.
    const claimed = await claimOrder(db.db, {
      tradeId: held.trade.id,
      from: 'held',
      to: 'opening',
      side: 'buy',
      clientOrderId: () => clientOrderId,
      quantity: '2',
    });
    expect((await getAccount(db.db, user.id, 'stock', 'live'))!.balance).toBe(50_000);
    return { fake, services, user, trade: claimed!.trade };
  }

  /** A Saturday tick (no session, so only the reconciliation runs) well after the order was held. */
  function saturdayTick() {
    const day = 86_400_000;
    let at = Date.now() + day;
    while (new Date(at).getUTCDay() !== 6) at += day;
    const d = new Date(at);
    return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), 15));
  }

  const auditOf = async (tradeId: string) =>
    (await listAudit(db.db, 500)).filter((a) => a.targetId === tradeId);

  it('an order Alpaca filled is recorded as the fill; the ledger holds its cost to the cent', async () => {
    const { fake, services, user, trade } = await heldAtAlpaca('alpaca-filled', 'p9:AAPL:1');
    // The dead tick's order reached Alpaca: 2 AAPL at 200.
    const placed = await createAlpacaBroker({
      ...FAKE_ALPACA_CREDENTIALS,
      paper: true,
      urls: { trading: fake.url },
    }).placeOrder({ clientOrderId: 'p9:AAPL:1', symbol: SYMBOL, side: 'buy', quantity: 2 });

    const tick = await runEngineTick(services, 'stock', saturdayTick());
    expect(tick).toEqual({ skipped: 'market closed (weekend)', expired: 0, interrupted: 1 });
    expect(fake.requests.find((r) => r.path === '/v2/orders:by_client_order_id')!.query).toEqual({
      client_order_id: 'p9:AAPL:1',
    });
    expect(fake.orderCount()).toBe(1);
    const open = (await getTrade(db.db, trade.id))!;
    expect(open).toMatchObject({
      status: 'open',
      venueOrderId: placed.venueOrderId,
      amount: 40_000,
      entryFee: 0,
    });
    expect(Number(open.entryPrice)).toBe(200);
    expect(Number(open.quantity)).toBe(2);
    // Held 500.00; the fill cost 400.00 (Alpaca charges no commission): 100.00 back.
    expect(await getAccount(db.db, user.id, 'stock', 'live')).toMatchObject({
      startBalance: 100_000,
      balance: 60_000,
      fees: 0,
      realizedPnl: 0,
    });
    expect((await auditOf(trade.id))[0]).toMatchObject({
      action: 'trade.reconciled',
      details: { venue: 'alpaca', venueOrderId: placed.venueOrderId, outcome: 'filled' },
    });
  });

  it('a sell that ended unfilled is not placed again under its id: the next attempt gets its own', async () => {
    const { fake, services, user, trade } = await heldAtAlpaca('alpaca-exit-retry', 'p9:AAPL:3');
    const broker = createAlpacaBroker({
      ...FAKE_ALPACA_CREDENTIALS,
      paper: true,
      urls: { trading: fake.url },
    });
    await broker.placeOrder({ clientOrderId: 'p9:AAPL:3', symbol: SYMBOL, side: 'buy', quantity: 2 });
    await runEngineTick(services, 'stock', saturdayTick());
    expect(await getTrade(db.db, trade.id)).toMatchObject({ status: 'open' });
    // An earlier close's sell was claimed, reached Alpaca, never filled, and was cancelled.
    await claimOrder(db.db, {
      tradeId: trade.id,
      from: 'open',
      to: 'closing',
      side: 'sell',
      clientOrderId: () => 'p9:AAPL:3:exit',
      quantity: '2',
    });
    fake.setFillMarketOrders(false);
    const dead = await broker.placeOrder({
      clientOrderId: 'p9:AAPL:3:exit',
      symbol: SYMBOL,
      side: 'sell',
      quantity: 2,
    });
    await broker.cancelOrder(dead.venueOrderId);
    fake.setFillMarketOrders(true);
    // The reconciler learns it ended with nothing sold: the position is open again.
    expect(await recoverInterruptedOrders(services, saturdayTick())).toBe(1);
    expect(await getTrade(db.db, trade.id)).toMatchObject({ status: 'open' });

    const closed = await closeTrade(services, trade.id, 200, 'manual', saturdayTick());
    expect(closed).toMatchObject({ status: 'closed', exitReason: 'manual' });
    const sells = fake.requests.filter((r) => r.method === 'POST' && r.path === '/v2/orders').slice(2);
    expect(sells.map((r) => (r.body as { client_order_id: string }).client_order_id)).toEqual([
      'p9:AAPL:3:exit:2',
    ]);
    // Bought 2 at 200 and sold 2 at 200, no commission: back where it started.
    expect((await getAccount(db.db, user.id, 'stock', 'live'))!.balance).toBe(100_000);
  });

  it('an order Alpaca never received is failed and its cash released', async () => {
    const { fake, services, user, trade } = await heldAtAlpaca('alpaca-missing', 'p9:AAPL:2');
    const tick = await runEngineTick(services, 'stock', saturdayTick());
    expect(tick).toEqual({ skipped: 'market closed (weekend)', expired: 0, interrupted: 1 });
    expect(fake.orderCount()).toBe(0);
    expect(await getTrade(db.db, trade.id)).toMatchObject({ status: 'failed' });
    expect((await getAccount(db.db, user.id, 'stock', 'live'))!.balance).toBe(100_000);
    const [entry] = await auditOf(trade.id);
    expect(entry).toMatchObject({ action: 'trade.interrupted' });
    expect((entry!.details as { reason: string }).reason).toMatch(/alpaca has no order with its client id/);
  });
});
