import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createDuckDbStore } from '@tradehits/analytics/duckdb-store';
import type { AnalyticsStore } from '@tradehits/analytics/store';
import { loadConfig } from '@tradehits/config';
import { detectSeries } from '@tradehits/core/detector';
import { advanceExitState, type ExitState, exitFor } from '@tradehits/core/exits';
import { BINANCE_2018_DIR } from '@tradehits/core/testing/binance-2018';
import {
  claimOrder,
  createParameters,
  type DbHandle,
  getAccount,
  getTrade,
  listAudit,
  listJobRuns,
  listOpenTrades,
  listOrders,
  listParameters,
  openPosition,
  putSetting,
  tradeHistory,
  updateParameters,
  upsertLiveAccount,
} from '@tradehits/db';
import { createPostgresTestDb } from '@tradehits/db/testing';
import { createKrakenBroker, sealSecret } from '@tradehits/exchange';
import {
  FAKE_KRAKEN_CREDENTIALS,
  type FakeKraken,
  type FakeKrakenOptions,
  startFakeKraken,
} from '@tradehits/exchange/testing/fake-kraken';
import {
  closeTrade,
  type LiveEvent,
  paperFillCosts,
  recoverInterruptedOrders,
  type Services,
} from '@tradehits/trading';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryBus } from './events';
import { createFileMarketData } from './ingest/file-source';
import { ingestBars } from './ingest/ingest-bars';
import { createLogger } from './log';
import { runEngineTick, tradeOnMarkets } from './processors/engine-tick';
import {
  bullishAggregates,
  createPaperTrader,
  type PaperTraderOverrides,
  SENTIMENT_SOURCE_ENV,
  usdRateBars,
} from './testing';

const SYMBOL = 'ETH/BTC';
const BAR = 5 * 60_000;
const HOUR = 3_600_000;

/**
 * The engine over replayed real bars: real Postgres, a DuckDB analytics store holding the shared
 * ETH/BTC candles, and a recorded bullish sentiment series. A paper user with auto-trading on must get
 * a trade opened at a detector lowest point and closed at its take-profit or stop-loss.
 */
describe('engine ticks over replayed bars', () => {
  let db: DbHandle;
  let dir: string;
  let analytics: AnalyticsStore;
  let services: Services;
  let now = 0;
  const events: LiveEvent[] = [];
  let entryBar = 0;

  beforeAll(async () => {
    db = await createPostgresTestDb();
    dir = await mkdtemp(path.join(tmpdir(), 'tradehits-engine-'));
    analytics = await createDuckDbStore(path.join(dir, 'a.duckdb'));
    await analytics.migrate();
    const source = createFileMarketData(BINANCE_2018_DIR);
    await ingestBars({
      source,
      store: analytics,
      assetType: 'crypto',
      symbols: [SYMBOL],
      timeframes: ['5m'],
    });
    const bus = createMemoryBus();
    bus.subscribe((e) => events.push(e));
    services = {
      config: loadConfig({ NODE_ENV: 'test', CRYPTO_SYMBOLS: SYMBOL, ...SENTIMENT_SOURCE_ENV }),
      db: db.db,
      analytics,
      bus,
      log: createLogger('silent'),
      market: {
        crypto: { ...source, symbols: async () => [SYMBOL] },
        stock: { ...source, symbols: async () => [] },
      },
      now: () => new Date(now),
    };
    // The first lowest point with bullish sentiment, found by the same detector the engine runs.
    const bars = await analytics.bars({ symbol: SYMBOL, timeframe: '5m', limit: 10_000 });
    const reading = { score: 50, politicalMin: null, politicalScore: null };
    const series = detectSeries(
      bars,
      { symbol: SYMBOL, assetType: 'crypto', timeframe: '5m', sentiment: 'judge' },
      reading,
    );
    const first = series.findIndex((d, i) => d.isLowestPoint && i > 2100);
    expect(first).toBeGreaterThan(0);
    entryBar = bars[first]!.openTime;
    // Recorded sentiment: an hourly bullish aggregate from a day before the entry to two days after.
    await analytics.upsertSentimentAggregates(
      bullishAggregates(SYMBOL, 'crypto', entryBar - 24 * HOUR, entryBar + 48 * HOUR),
    );
    // Paper accounts hold USD: their ETH/BTC entries convert at a recorded BTC/USD close.
    await analytics.upsertBars(
      'crypto',
      usdRateBars('BTC', 11_000, entryBar - 24 * HOUR, entryBar + 48 * HOUR),
    );
  });

  afterAll(async () => {
    await analytics.close();
    await db.close();
    await rm(dir, { recursive: true, force: true });
  });

  const trader = (username: string, overrides?: PaperTraderOverrides) =>
    createPaperTrader(db.db, username, 'crypto', overrides);

  // Up to a day of ticks, each detecting over a week of bars: a generous timeout for a busy machine.
  it('opens at a lowest point, closes at take-profit or stop-loss, and the ledger reconciles', async () => {
    const alice = await trader('alice');
    const idle = await trader('idle', { autoTradingEnabled: false });
    now = entryBar + BAR; // the tick right after the lowest-point bar closed
    // Political posts of the hour before: one about this pair, one about a stock.
    const post = (itemId: string, symbol: string) => ({
      source: 'x',
      itemId,
      kind: 'political' as const,
      author: 'someone',
      text: `${symbol} is doing great`,
      url: null,
      postedAt: now - 3_600_000,
      symbols: [symbol],
      score: 40,
      category: 'bullish' as const,
      impact: 'high' as const,
      triggeredTrades: false,
      assetsAffected: [symbol],
    });
    await analytics.upsertPoliticalPosts([post('p-eth', SYMBOL), post('p-tsla', 'TSLA')]);
    const first = await runEngineTick(services, 'crypto', new Date(now));
    expect(first.lowest).toEqual([SYMBOL]);
    expect(first.opened).toBe(1);
    const posts = await analytics.politicalPosts({ from: now - 7_200_000, to: now });
    expect(posts.map((p) => [p.itemId, p.triggeredTrades]).sort()).toEqual([
      ['p-eth', true],
      ['p-tsla', false],
    ]);
    const [open] = await listOpenTrades(db.db, { userId: alice.id });
    expect(open).toMatchObject({
      symbol: SYMBOL,
      status: 'open',
      executionReason: 'lowest-point',
      wasLowestPoint: true,
      isPaper: true,
    });
    expect(await listOpenTrades(db.db, { userId: idle.id })).toHaveLength(0);
    expect(events.some((e) => e.type === 'trade.opened' && e.userId === alice.id)).toBe(true);

    // Tick bar by bar until the position exits (a day at most).
    for (let i = 2; i <= 288 && (await listOpenTrades(db.db, { userId: alice.id })).length > 0; i++) {
      now = entryBar + i * BAR;
      await runEngineTick(services, 'crypto', new Date(now));
    }
    const items = await tradeHistory(db.db, alice.id, 10);
    expect(items).toHaveLength(1);
    expect(['take-profit', 'stop-loss']).toContain(items[0]!.exitReason);
    expect(events.some((e) => e.type === 'trade.closed' && e.userId === alice.id)).toBe(true);
    const account = (await getAccount(db.db, alice.id, 'crypto', 'paper'))!;
    expect(account.startBalance + account.realizedPnl - account.fees).toBe(account.balance);
    expect(account.balance - account.startBalance).toBe(items[0]!.pnl!);
  }, 240_000);

  it('never opens twice when two ticks for the same bar run at once', async () => {
    const bob = await trader('bob', { maxConcurrentTrades: 1 });
    now = entryBar + BAR;
    const results = await Promise.all([
      runEngineTick(services, 'crypto', new Date(now)),
      runEngineTick(services, 'crypto', new Date(now)),
    ]);
    expect(results.reduce((n, r) => n + ('opened' in r ? (r.opened ?? 0) : 0), 0)).toBeLessThanOrEqual(1);
    expect(await listOpenTrades(db.db, { userId: bob.id })).toHaveLength(1);
    const account = (await getAccount(db.db, bob.id, 'crypto', 'paper'))!;
    expect(account.balance).toBeGreaterThan(9_890_000); // spent once: 1000.00 + fee, in cents
    expect(account.balance).toBeLessThan(9_900_000);
  });

  it('opens nothing while the kill switch is on', async () => {
    const carol = await trader('carol');
    await putSetting(db.db, 'kill_switch', true, null);
    now = entryBar + BAR;
    await runEngineTick(services, 'crypto', new Date(now));
    expect(await listOpenTrades(db.db, { userId: carol.id })).toHaveLength(0);
    await putSetting(db.db, 'kill_switch', false, null);
  });

  it('trails a stop and moves it to break-even live, exiting on the bar the pure exit rules pick', async () => {
    const tina = await trader('tina');
    const [row] = await listParameters(db.db, tina.id);
    await updateParameters(db.db, tina.id, row!.id, {
      takeProfitPct: 5,
      trailingStopPct: 0.5,
      breakEvenAfterPct: 0.3,
    });
    now = entryBar + BAR;
    await runEngineTick(services, 'crypto', new Date(now));
    const [open] = await listOpenTrades(db.db, { userId: tina.id });
    const entry = Number(open!.entryPrice);
    expect(open).toMatchObject({ trailingStopPct: 0.5, exitDeadline: null });
    expect(Number(open!.highWaterPrice)).toBe(entry);
    expect(Number(open!.breakEvenPrice)).toBeCloseTo(entry * 1.003, 8);

    // What the backtester's exit rules decide on the same bars after entry.
    const bars = (
      await analytics.bars({
        symbol: SYMBOL,
        timeframe: '5m',
        from: entryBar + BAR,
        to: entryBar + 289 * BAR,
      })
    ).filter((b) => b.openTime >= entryBar + BAR);
    expect(bars[0]!.openTime).toBe(entryBar + BAR);
    const state: ExitState = {
      entryPrice: entry,
      takeProfitPrice: Number(open!.takeProfitPrice),
      stopLossPrice: Number(open!.stopLossPrice),
      trailingStopPct: 0.5,
      breakEvenPrice: Number(open!.breakEvenPrice),
      highWaterPrice: entry,
    };
    let expected: { time: number; reason: string; price: number; bar: (typeof bars)[number] } | null = null;
    for (const bar of bars) {
      const hit = exitFor(state, bar, bar.openTime + BAR);
      if (hit !== null) {
        expected = { time: bar.openTime + BAR, bar, ...hit };
        break;
      }
      state.highWaterPrice = advanceExitState(state, bar);
    }
    expect(expected).not.toBeNull();

    for (let i = 2; i <= 288 && (await listOpenTrades(db.db, { userId: tina.id })).length > 0; i++) {
      now = entryBar + i * BAR;
      await runEngineTick(services, 'crypto', new Date(now));
    }
    const [closed] = await tradeHistory(db.db, tina.id, 10);
    expect(closed!.exitReason).toBe(expected!.reason);
    expect(closed!.exitTime!.getTime()).toBe(expected!.time);
    // A stop is a market order: it slips by the paper cost model on the bar it met.
    const { slippageRate } = paperFillCosts(
      services.config,
      'market',
      expected!.bar,
      expected!.price,
      Number(open!.quantity) * expected!.price,
    );
    expect(expected!.reason).not.toBe('take-profit');
    expect(slippageRate).toBeGreaterThanOrEqual(services.config.SLIPPAGE_RATE);
    expect(Number(closed!.exitPrice)).toBeCloseTo(expected!.price * (1 - slippageRate), 8);
  });

  it('judges exits on 5-minute ticks only: an hourly bar through the stop closes nothing', async () => {
    const dana = await trader('dana');
    now = entryBar + BAR;
    await runEngineTick(services, 'crypto', new Date(now));
    const [open] = await listOpenTrades(db.db, { userId: dana.id });
    const stop = Number(open!.stopLossPrice);
    // A bar after the entry whose low is far through the stop.
    const through = {
      symbol: SYMBOL,
      assetType: 'crypto' as const,
      bar: {
        openTime: entryBar + HOUR,
        open: stop,
        high: stop,
        low: stop * 0.9,
        close: stop * 0.95,
        volume: 1,
      },
      detection: null,
      sentiment: null,
      recentRangePct: null,
    };
    const judging = { sentiment: 'judge', minConfidence: 0.7 } as const;
    const at = new Date(entryBar + 2 * HOUR);
    await tradeOnMarkets(services, 'crypto', at, [through], judging, { judgeExits: false });
    expect(await getTrade(db.db, open!.id)).toMatchObject({
      status: 'open',
      highWaterPrice: open!.highWaterPrice,
    });
    await tradeOnMarkets(services, 'crypto', at, [through], judging);
    expect(await getTrade(db.db, open!.id)).toMatchObject({ status: 'closed', exitReason: 'stop-loss' });
  });

  // Live orders a dead tick left held, reconciled with a local Kraken (ccxt signs every call).
  const SECRETS_KEY = Buffer.alloc(32, 7).toString('base64');
  const fakes: FakeKraken[] = [];
  afterAll(async () => {
    for (const f of fakes) await f.close();
  });
  /** A fake Kraken, the services a tick gets with it as every user's live venue, and a client on it. */
  async function liveDesk(options: FakeKrakenOptions = {}) {
    const kraken = await startFakeKraken(options);
    fakes.push(kraken);
    const live: Services = {
      ...services,
      config: loadConfig({
        NODE_ENV: 'test',
        CRYPTO_SYMBOLS: SYMBOL,
        ...SENTIMENT_SOURCE_ENV,
        SECRETS_KEY,
        KRAKEN_PUBLIC_URL: kraken.url,
        KRAKEN_PRIVATE_URL: kraken.url,
      }),
    };
    // What the dead tick used to reach the venue.
    const venue = createKrakenBroker({
      ...FAKE_KRAKEN_CREDENTIALS,
      urls: { public: kraken.url, private: kraken.url },
      feeRate: 0.0026,
      rateLimitMs: 5,
    });
    return { kraken, live, venue };
  }
  async function liveTrader(username: string) {
    const user = await trader(username);
    await upsertLiveAccount(db.db, {
      userId: user.id,
      assetType: 'crypto',
      venue: 'kraken',
      credentials: sealSecret(SECRETS_KEY, JSON.stringify(FAKE_KRAKEN_CREDENTIALS)),
      startBalance: 50_000,
    });
    return user;
  }
  /**
   * A live ETH/USD buy as openTrade leaves it just before calling the venue: cash held, the position
   * claimed (opening) with its order row written. A process that dies here leaves exactly this.
   */
  async function held(userId: string, clientOrderId: string, quantity = '0.01') {
    const r = await openPosition(db.db, {
      userId,
      assetType: 'crypto',
      mode: 'live',
      symbol: 'ETH/USD',
      clientOrderId,
      status: 'held',
      maxConcurrentTrades: 3,
      amount: 5000,
      entryFee: 0,
      quantity,
      entryPrice: null,
      entryTime: null,
      takeProfitPrice: null,
      stopLossPrice: null,
      takeProfitPct: 1.5,
      stopLossPct: 1.5,
      currency: 'USD',
      // Manual: a test holds two orders of one user on one symbol.
      executionReason: 'manual',
    });
    if (!r.ok) throw new Error(r.reason);
    const claimed = await claimOrder(db.db, {
      tradeId: r.trade.id,
      from: 'held',
      to: 'opening',
      side: 'buy',
      clientOrderId: () => clientOrderId,
      quantity,
    });
    return claimed!.trade;
  }
  /** Well after the venue should have answered. */
  const later = () => new Date(Date.now() + 11 * 60_000);
  /** start + realised P&L − fees − cash in open and held trades = balance, to the cent. */
  async function expectLedgerReconciles(userId: string) {
    const account = (await getAccount(db.db, userId, 'crypto', 'live'))!;
    const inTrades = (await listOpenTrades(db.db, { userId }))
      .filter((t) => !t.isPaper)
      .reduce((sum, t) => sum + t.amount, 0);
    expect(account.startBalance + account.realizedPnl - account.fees - inTrades).toBe(account.balance);
    return account;
  }
  async function auditOf(tradeId: string) {
    return (await listAudit(db.db, 500)).filter((a) => a.targetId === tradeId);
  }

  it('a held order Kraken never received: the tick fails it, releases the cash and says so', async () => {
    const { kraken, live } = await liveDesk();
    const dan = await liveTrader('dan');
    const trade = await held(dan.id, 'dan-held');
    expect((await getAccount(db.db, dan.id, 'crypto', 'live'))!.balance).toBe(45_000);
    now = later().getTime();
    const result = await runEngineTick(live, 'crypto', new Date(now));
    expect(result).toMatchObject({ interrupted: 1 });
    expect(await getTrade(db.db, trade.id)).toMatchObject({ status: 'failed' });
    expect((await getAccount(db.db, dan.id, 'crypto', 'live'))!.balance).toBe(50_000);
    await expectLedgerReconciles(dan.id);
    const lookups = kraken.requests.filter((r) => /\/(Open|Closed)Orders$/.test(r.path));
    expect(lookups.map((r) => r.body.cl_ord_id)).toEqual(['dan-held', 'dan-held']);
    expect(lookups.every((r) => r.signatureValid)).toBe(true);
    expect(kraken.orderCount()).toBe(0);
    const [entry] = await auditOf(trade.id);
    expect(entry).toMatchObject({ action: 'trade.interrupted' });
    expect((entry!.details as { reason: string }).reason).toMatch(/kraken has no order with its client id/);
  });

  it('a held order Kraken filled: recorded as the fill, and the ledger matches the venue to the cent', async () => {
    const { kraken, live, venue } = await liveDesk();
    const erin = await liveTrader('erin');
    const trade = await held(erin.id, 'erin-entry');
    // The dead tick's buy reached Kraken and filled: 0.01 ETH at 3,000 = 30.00, fee 0.078.
    const placed = await venue.placeOrder({
      clientOrderId: 'erin-entry',
      symbol: 'ETH/USD',
      side: 'buy',
      quantity: 0.01,
    });
    expect(await recoverInterruptedOrders(live, later())).toBe(1);
    const open = (await getTrade(db.db, trade.id))!;
    expect(open).toMatchObject({
      status: 'open',
      venueOrderId: placed.venueOrderId,
      amount: 3000,
      entryFee: 8,
    });
    expect(Number(open.entryPrice)).toBe(3000);
    expect(Number(open.quantity)).toBe(0.01);
    expect(Number(open.takeProfitPrice)).toBeCloseTo(3045, 8); // the user's 1.5 % exits
    expect(Number(open.stopLossPrice)).toBeCloseTo(2955, 8);
    // Entered when its order was claimed and sent.
    const [buy] = await listOrders(db.db, trade.id);
    expect(open.entryTime!.getTime()).toBe(buy!.createdAt.getTime());
    expect(buy).toMatchObject({ status: 'filled', side: 'buy', venueOrderId: placed.venueOrderId });
    const account = await expectLedgerReconciles(erin.id);
    expect(account).toMatchObject({ balance: 46_992, fees: 8 });
    const [entry] = await auditOf(trade.id);
    expect(entry).toMatchObject({
      action: 'trade.reconciled',
      details: { venueOrderId: placed.venueOrderId, outcome: 'filled', venueStatus: 'filled' },
    });
    expect(kraken.orderCount()).toBe(1);
    expect(await recoverInterruptedOrders(live, later())).toBe(0);

    // Its exit was claimed and reached Kraken too before another tick died: the reconciler finds that
    // sell and books it; a close meanwhile finds the position closing and sells nothing twice.
    await claimOrder(db.db, {
      tradeId: trade.id,
      from: 'open',
      to: 'closing',
      side: 'sell',
      clientOrderId: () => 'erin-entry:exit',
      quantity: '0.01',
      exitReason: 'take-profit',
    });
    await venue.placeOrder({
      clientOrderId: 'erin-entry:exit',
      symbol: 'ETH/USD',
      side: 'sell',
      quantity: 0.01,
    });
    expect(await closeTrade(live, trade.id, 3050, 'take-profit', later())).toBeNull();
    expect(await recoverInterruptedOrders(live, later())).toBe(1);
    const closed = await getTrade(db.db, trade.id);
    expect(closed).toMatchObject({
      status: 'closed',
      exitFee: 8,
      pnl: -16,
      exitReason: 'take-profit',
    });
    expect(Number(closed!.exitPrice)).toBe(3000);
    expect(kraken.orderCount()).toBe(2);
    expect(kraken.balance('XETH')).toBeCloseTo(0, 10);
    expect(await expectLedgerReconciles(erin.id)).toMatchObject({
      balance: 49_984,
      realizedPnl: 0,
      fees: 16,
    });
    // Kraken charged 0.156 in fees over both fills; the ledger rounds each fee up to the cent.
    expect(10_000 - kraken.balance('ZUSD')).toBeCloseTo(0.156, 8);
  });

  it('a held order still open on Kraken: canceled there, and what filled is recorded', async () => {
    const { kraken, live, venue } = await liveDesk({ fillMarketOrders: false });
    const fay = await liveTrader('fay');
    const partly = await held(fay.id, 'fay-partly');
    const untouched = await held(fay.id, 'fay-none');
    expect((await getAccount(db.db, fay.id, 'crypto', 'live'))!.balance).toBe(40_000);
    const a = await venue.placeOrder({
      clientOrderId: 'fay-partly',
      symbol: 'ETH/USD',
      side: 'buy',
      quantity: 0.01,
    });
    const b = await venue.placeOrder({
      clientOrderId: 'fay-none',
      symbol: 'ETH/USD',
      side: 'buy',
      quantity: 0.01,
    });
    kraken.fillOrder(a.venueOrderId, 0.004); // 12.00 at 3,000, fee 0.0312

    expect(await recoverInterruptedOrders(live, later())).toBe(2);
    const cancels = kraken.requests.filter((r) => r.path === '/0/private/CancelOrder');
    expect(cancels.map((r) => r.body.txid).sort()).toEqual([a.venueOrderId, b.venueOrderId].sort());
    expect((await venue.getOrder(a.venueOrderId)).status).toBe('canceled');

    const opened = (await getTrade(db.db, partly.id))!;
    expect(opened).toMatchObject({ status: 'open', amount: 1200, entryFee: 4 });
    expect(Number(opened.quantity)).toBe(0.004);
    expect((await auditOf(partly.id))[0]).toMatchObject({
      action: 'trade.reconciled',
      details: { outcome: 'partly-filled', venueStatus: 'open', canceledOnVenue: true },
    });
    expect(await getTrade(db.db, untouched.id)).toMatchObject({ status: 'failed' });
    expect((await auditOf(untouched.id))[0]).toMatchObject({
      action: 'trade.reconciled',
      details: { outcome: 'unfilled', canceledOnVenue: true },
    });
    // 50.00 held for each; 12.04 spent, the rest back.
    expect(await expectLedgerReconciles(fay.id)).toMatchObject({ balance: 48_796, fees: 4 });
  });

  it('when Kraken cannot be asked, the order stays held and untouched until it can', async () => {
    const { kraken, live, venue } = await liveDesk();
    const gus = await liveTrader('gus');
    const trade = await held(gus.id, 'gus-entry');
    await venue.placeOrder({ clientOrderId: 'gus-entry', symbol: 'ETH/USD', side: 'buy', quantity: 0.01 });

    for (const failure of [
      { kind: 'http', status: 503 },
      { kind: 'kraken-error', error: 'EAPI:Invalid key' },
    ] as const) {
      kraken.failNext('OpenOrders', failure);
      expect(await recoverInterruptedOrders(live, later())).toBe(0);
      expect(await getTrade(db.db, trade.id)).toEqual(trade);
      expect((await getAccount(db.db, gus.id, 'crypto', 'live'))!.balance).toBe(45_000);
    }
    const checks = await auditOf(trade.id);
    expect(checks.map((a) => a.action)).toEqual(['trade.reconcile_failed', 'trade.reconcile_failed']);
    expect(JSON.stringify(checks)).toMatch(/could not ask the venue about the order: kraken: unavailable/);
    expect(JSON.stringify(checks)).toMatch(/API key rejected/);
    expect(JSON.stringify(checks)).not.toContain(FAKE_KRAKEN_CREDENTIALS.secret);
    expect(JSON.stringify(checks)).not.toContain(FAKE_KRAKEN_CREDENTIALS.apiKey);

    // The venue answers again: the next tick records the fill.
    expect(await recoverInterruptedOrders(live, later())).toBe(1);
    expect(await getTrade(db.db, trade.id)).toMatchObject({ status: 'open', amount: 3000 });
    await expectLedgerReconciles(gus.id);
  });

  it('one failing user never stops the others: a revoked key, an over-hold fill and a bad rule row', async () => {
    const { kraken, venue, live } = await liveDesk();
    // Entries: one user with an ALL row, one with an ALL row and an ETH/BTC row (opens once, by the
    // symbol row's exits).
    const ida = await trader('ida');
    const jon = await trader('jon');
    await createParameters(db.db, jon.id, {
      assetType: 'crypto',
      symbol: SYMBOL,
      tradeAmount: 50_000,
      takeProfitPct: 4,
      stopLossPct: 2.5,
      maxConcurrentTrades: 3,
      buyAtLowestOnly: true,
      minSentimentScore: 10,
      requirePoliticalPositive: false,
      autoTradingEnabled: true,
      tradingHoursStart: '00:00',
      tradingHoursEnd: '23:59',
    });
    // An exit: a paper position whose take-profit the bar reaches.
    const kai = await trader('kai', { autoTradingEnabled: false });
    const exiting = await openPosition(db.db, {
      userId: kai.id,
      assetType: 'crypto',
      mode: 'paper',
      symbol: SYMBOL,
      clientOrderId: 'kai-open',
      status: 'open',
      maxConcurrentTrades: 3,
      amount: 10_000,
      entryFee: 26,
      quantity: '1000',
      entryPrice: '0.1',
      entryTime: new Date(entryBar - HOUR),
      takeProfitPrice: '0.00000001',
      stopLossPrice: '0',
      currency: 'BTC',
      executionReason: 'manual',
    });
    if (!exiting.ok) throw new Error(exiting.reason);
    // A bad rule row written around the API: take-profit 0.01 % fails validation.
    const lou = await trader('lou');
    const [louRule] = await listParameters(db.db, lou.id);
    await updateParameters(db.db, lou.id, louRule!.id, { takeProfitPct: 0.01 });
    // A revoked key under a live position whose stop-loss the bar reaches.
    const max = await trader('max', { autoTradingEnabled: false });
    await upsertLiveAccount(db.db, {
      userId: max.id,
      assetType: 'crypto',
      venue: 'kraken',
      credentials: sealSecret(SECRETS_KEY, JSON.stringify({ ...FAKE_KRAKEN_CREDENTIALS, apiKey: 'revoked' })),
      startBalance: 50_000,
    });
    const stopped = await openPosition(db.db, {
      userId: max.id,
      assetType: 'crypto',
      mode: 'live',
      symbol: SYMBOL,
      clientOrderId: 'max-open',
      status: 'open',
      maxConcurrentTrades: 3,
      amount: 1000,
      entryFee: 3,
      quantity: '100',
      entryPrice: '0.1',
      entryTime: new Date(entryBar - HOUR),
      takeProfitPrice: '1000',
      stopLossPrice: '1000',
      currency: 'BTC',
      executionReason: 'manual',
    });
    if (!stopped.ok) throw new Error(stopped.reason);
    // An interrupted live buy that Kraken filled for more than the 25.00 held (0.01 ETH at 3,000).
    const ned = await liveTrader('ned');
    const over = await openPosition(db.db, {
      userId: ned.id,
      assetType: 'crypto',
      mode: 'live',
      symbol: 'ETH/USD',
      clientOrderId: 'ned-entry',
      status: 'held',
      maxConcurrentTrades: 3,
      amount: 2500,
      entryFee: 0,
      quantity: '0.01',
      entryPrice: null,
      entryTime: null,
      takeProfitPrice: null,
      stopLossPrice: null,
      currency: 'USD',
      executionReason: 'manual',
    });
    if (!over.ok) throw new Error(over.reason);
    await claimOrder(db.db, {
      tradeId: over.trade.id,
      from: 'held',
      to: 'opening',
      side: 'buy',
      clientOrderId: () => 'ned-entry',
      quantity: '0.01',
    });
    await venue.placeOrder({ clientOrderId: 'ned-entry', symbol: 'ETH/USD', side: 'buy', quantity: 0.01 });
    // Left long before this tick.
    await db.db.execute(
      sql`update orders set updated_at = to_timestamp(0) where client_order_id = 'ned-entry'`,
    );

    now = entryBar + BAR;
    const result = await runEngineTick(live, 'crypto', new Date(now));
    expect(result).toMatchObject({ failed: 0, interrupted: 1 });

    const idaOpen = await listOpenTrades(db.db, { userId: ida.id });
    expect(idaOpen.map((t) => [t.symbol, t.status])).toEqual([[SYMBOL, 'open']]);
    const jonOpen = await listOpenTrades(db.db, { userId: jon.id });
    expect(jonOpen).toHaveLength(1);
    expect(jonOpen[0]).toMatchObject({
      takeProfitPct: 4,
      stopLossPct: 2.5,
      amount: 50_000,
    });
    expect(await getTrade(db.db, exiting.trade.id)).toMatchObject({
      status: 'closed',
      exitReason: 'take-profit',
    });
    expect(await listOpenTrades(db.db, { userId: lou.id })).toHaveLength(0);
    const runs = await listJobRuns(db.db, 100, 'engine.tick');
    expect(runs.find((r) => (r.detail as { userId?: string })?.userId === lou.id)?.error).toMatch(
      /^invalid rule .*: takeProfitPct: take-profit must be between/,
    );

    const maxAccount = (await getAccount(db.db, max.id, 'crypto', 'live'))!;
    expect(maxAccount).toMatchObject({ status: 'quarantined' });
    expect(maxAccount.statusReason).toMatch(/API key rejected/);
    expect(await getTrade(db.db, stopped.trade.id)).toMatchObject({ status: 'open', exitReason: null });
    // Quarantined: the next tick does not ask the venue again for that account.
    const asked = kraken.requests.length;
    await runEngineTick(live, 'crypto', new Date(now + BAR));
    expect(kraken.requests.filter((r) => r.headers['api-key'] === 'revoked').length).toBe(
      kraken.requests.slice(0, asked).filter((r) => r.headers['api-key'] === 'revoked').length,
    );

    expect(await getTrade(db.db, over.trade.id)).toMatchObject({
      status: 'open',
      amount: 3000,
      entryFee: 8,
    });
    const nedAccount = await expectLedgerReconciles(ned.id);
    expect(nedAccount.flaggedReason).toMatch(/cost 5\.08 USD more than the cash held/);
    expect(nedAccount.balance).toBe(46_992);
  });
});
