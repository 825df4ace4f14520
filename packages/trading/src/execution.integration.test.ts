import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createDuckDbStore } from '@tradehits/analytics/duckdb-store';
import type { AnalyticsStore } from '@tradehits/analytics/store';
import { loadConfig } from '@tradehits/config';
import type { MarketDataSource } from '@tradehits/core';
import { withIndicators } from '@tradehits/core/indicators';
import {
  closePosition,
  createUser,
  type DbHandle,
  ensurePaperAccounts,
  getAccount,
  getTrade,
  listAudit,
  listOpenTrades,
  listOrders,
  openPosition,
  putSetting,
  tradeHistory,
  upsertLiveAccount,
} from '@tradehits/db';
import { createPostgresTestDb } from '@tradehits/db/testing';
import { sealSecret } from '@tradehits/exchange';
import {
  FAKE_KRAKEN_CREDENTIALS,
  type FakeKraken,
  type FakeKrakenOptions,
  startFakeKraken,
} from '@tradehits/exchange/testing/fake-kraken';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  closeTrade,
  decideLiveOrder,
  KILL_SWITCH_KEY,
  type Logger,
  type OpenRequest,
  openTrade,
  recoverInterruptedOrders,
  type Services,
} from './index';

/**
 * The money path against real PostgreSQL and a local Kraken that checks ccxt's signatures: races,
 * partial fills, refusals and the safety gate, each counted at the venue as well as in the ledger.
 */

const SECRETS_KEY = Buffer.alloc(32, 9).toString('base64');
const silent: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent };
const noBars: MarketDataSource = { id: 'none', fetchBars: async () => [], symbols: async () => [] };

let db: DbHandle;
let dir: string;
let analytics: AnalyticsStore;
const fakes: FakeKraken[] = [];
let now = Date.now();

beforeAll(async () => {
  db = await createPostgresTestDb();
  dir = await mkdtemp(path.join(tmpdir(), 'tradehits-trading-'));
  analytics = await createDuckDbStore(path.join(dir, 'a.duckdb'));
  await analytics.migrate();
});
afterAll(async () => {
  for (const f of fakes) await f.close();
  await analytics.close();
  await db.close();
  await rm(dir, { recursive: true, force: true });
});

/** A local Kraken and the services that trade on it. */
async function desk(options: FakeKrakenOptions = {}) {
  const kraken = await startFakeKraken(options);
  fakes.push(kraken);
  const services: Services = {
    config: loadConfig({
      NODE_ENV: 'test',
      SECRETS_KEY,
      KRAKEN_PUBLIC_URL: kraken.url,
      KRAKEN_PRIVATE_URL: kraken.url,
    }),
    db: db.db,
    analytics,
    bus: { publish() {}, subscribe: () => () => {}, close: async () => {} },
    log: silent,
    market: { crypto: noBars, stock: noBars },
    now: () => new Date(now),
  };
  return { kraken, services };
}

/** A beta user with 500.00 in a live account at Kraken (crypto and, if asked, stock). */
async function liveUser(username: string, apiKey = FAKE_KRAKEN_CREDENTIALS.apiKey, stock = false) {
  const user = (await createUser(db.db, {
    username,
    email: `${username}@x.test`,
    passwordHash: 'x',
    fullName: username,
    role: 'beta_user',
    balance: 10_000_000,
  }))!;
  await ensurePaperAccounts(db.db, user.id, 10_000_000);
  const credentials = sealSecret(SECRETS_KEY, JSON.stringify({ ...FAKE_KRAKEN_CREDENTIALS, apiKey }));
  for (const assetType of stock ? (['crypto', 'stock'] as const) : (['crypto'] as const))
    await upsertLiveAccount(db.db, {
      userId: user.id,
      assetType,
      venue: 'kraken',
      credentials,
      startBalance: 50_000,
    });
  return user;
}

const buy = (userId: string, over: Partial<OpenRequest> = {}): OpenRequest => ({
  userId,
  assetType: 'crypto',
  mode: 'live',
  symbol: 'ETH/USD',
  amountCents: 3000,
  price: 3000,
  takeProfitPct: 2,
  stopLossPct: 1.5,
  maxConcurrentTrades: 3,
  clientOrderId: `${userId}:${Math.random()}`,
  executionReason: 'manual',
  requiresApproval: false,
  at: new Date(now),
  ...over,
});

const sells = (k: FakeKraken) =>
  k.requests.filter((r) => r.path === '/0/private/AddOrder' && r.body.type === 'sell');
const later = () => new Date(Date.now() + 11 * 60_000);

/** start + realised P&L − fees − cash in active positions = balance, to the cent. */
async function expectLedgerReconciles(userId: string) {
  const account = (await getAccount(db.db, userId, 'crypto', 'live'))!;
  const inTrades = (await listOpenTrades(db.db, { userId }))
    .filter((t) => !t.isPaper && t.assetType === 'crypto')
    .reduce((sum, t) => sum + t.amount + (t.status === 'open' ? 0 : t.entryFee), 0);
  expect(account.startBalance + account.realizedPnl - account.fees - inTrades).toBe(account.balance);
  return account;
}

describe('live money path', () => {
  it('six concurrent closes (manual and stop-loss together) send exactly one sell of the position size', async () => {
    const { kraken, services } = await desk();
    const ann = await liveUser('ann');
    const opened = await openTrade(services, buy(ann.id));
    expect(opened.ok).toBe(true);
    const trade = (opened as { trade: { id: string } }).trade;
    expect(await getTrade(db.db, trade.id)).toMatchObject({
      status: 'open',
      amount: 3000,
      takeProfitPct: 2,
    });

    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        closeTrade(
          services,
          trade.id,
          2950,
          i % 2 ? 'manual' : 'stop-loss',
          new Date(now),
          i % 2 ? ann.id : null,
        ),
      ),
    );
    expect(results.filter((r) => r !== null)).toHaveLength(1);
    expect(sells(kraken)).toHaveLength(1);
    expect(sells(kraken)[0]!.body.volume).toBe('0.01');
    expect(kraken.balance('XETH')).toBeCloseTo(0, 10);
    const closed = (await getTrade(db.db, trade.id))!;
    expect(closed.status).toBe('closed');
    // The exit price is the venue's, never the price the caller passed.
    expect(Number(closed.exitPrice)).toBe(3000);
    expect((await listOrders(db.db, trade.id)).map((o) => [o.side, o.status])).toEqual([
      ['buy', 'filled'],
      ['sell', 'filled'],
    ]);
    await expectLedgerReconciles(ann.id);
  });

  it('a partial exit leaves the rest open with the right quantity, cost and P&L', async () => {
    const { kraken, services } = await desk({ fillMarketOrders: false });
    const ben = await liveUser('ben');
    expect(await openTrade(services, buy(ben.id))).toEqual({ ok: false, reason: 'awaiting-venue' });
    const [position] = await listOpenTrades(db.db, { userId: ben.id });
    expect(position).toMatchObject({ status: 'opening' });
    const [entry] = await listOrders(db.db, position!.id);
    expect(entry).toMatchObject({ status: 'acknowledged', side: 'buy' });
    kraken.fillOrder(entry!.venueOrderId!, 0.01);
    expect(await recoverInterruptedOrders(services, later())).toBe(1);
    expect(await getTrade(db.db, position!.id)).toMatchObject({
      status: 'open',
      amount: 3000,
      entryFee: 8,
    });

    // The sell works on the venue; a second close meanwhile finds the position closing.
    expect(await closeTrade(services, position!.id, 3000, 'take-profit', new Date(now))).toBeNull();
    expect(await closeTrade(services, position!.id, 3000, 'manual', new Date(now))).toBeNull();
    expect(sells(kraken)).toHaveLength(1);
    const sell = (await listOrders(db.db, position!.id)).find((o) => o.side === 'sell')!;
    kraken.fillOrder(sell.venueOrderId!, 0.004); // 12.00 at 3,000, fee 0.0312
    expect(await recoverInterruptedOrders(services, later())).toBe(1);

    const rest = (await getTrade(db.db, position!.id))!;
    expect(rest).toMatchObject({ status: 'open', amount: 1800, entryFee: 5 });
    expect(Number(rest.quantity)).toBe(0.006);
    const [part] = await tradeHistory(db.db, ben.id, 10);
    expect(part).toMatchObject({
      status: 'closed',
      parentTradeId: position!.id,
      amount: 1200,
      entryFee: 3,
      exitFee: 4,
      exitReason: 'take-profit',
      pnl: -7,
    });
    expect(Number(part!.quantity)).toBe(0.004);
    expect(await listOrders(db.db, position!.id)).toContainEqual(
      expect.objectContaining({ side: 'sell', status: 'canceled', filledQuantity: '0.0040000000', fee: 4 }),
    );
    await expectLedgerReconciles(ben.id);

    // The rest sells in full under its own order id.
    expect(await closeTrade(services, position!.id, 3000, 'manual', new Date(now))).toBeNull();
    const rest2 = (await listOrders(db.db, position!.id)).filter((o) => o.side === 'sell').at(-1)!;
    expect(rest2.clientOrderId).toMatch(/:exit:2$/);
    expect(sells(kraken).map((r) => r.body.volume)).toEqual(['0.01', '0.006']);
    kraken.fillOrder(rest2.venueOrderId!, 0.006);
    expect(await recoverInterruptedOrders(services, later())).toBe(1);
    expect(await getTrade(db.db, position!.id)).toMatchObject({
      status: 'closed',
      amount: 1800,
      exitReason: 'manual',
    });
    expect(kraken.balance('XETH')).toBeCloseTo(0, 10);
    await expectLedgerReconciles(ben.id);
  });

  it('a fill costing more than the cash held is booked, and the account flagged', async () => {
    const { services } = await desk({ prices: { XETHZUSD: 3_600 } });
    const cat = await liveUser('cat');
    const opened = await openTrade(services, buy(cat.id));
    expect(opened.ok).toBe(true);
    const trade = (await getTrade(db.db, (opened as { trade: { id: string } }).trade.id))!;
    expect(trade).toMatchObject({ status: 'open', amount: 3600, entryFee: 10 });
    const account = await expectLedgerReconciles(cat.id);
    expect(account.balance).toBe(46_390);
    expect(account.flaggedReason).toMatch(/cost 5\.\d\d USD more than the cash held/);
    expect(
      (await listAudit(db.db, 500)).some((a) => a.action === 'account.flagged' && a.targetId === account.id),
    ).toBe(true);
  });

  it('a revoked key quarantines the account, releases the cash and stops asking the venue', async () => {
    const { kraken, services } = await desk();
    const dee = await liveUser('dee', 'revoked-key');
    const first = await openTrade(services, buy(dee.id));
    expect(first).toMatchObject({ ok: false, reason: expect.stringMatching(/API key rejected/) });
    const account = (await getAccount(db.db, dee.id, 'crypto', 'live'))!;
    expect(account).toMatchObject({ status: 'quarantined', balance: 50_000 });
    expect(account.statusReason).toMatch(/API key rejected/);
    expect(JSON.stringify(account.statusReason)).not.toContain(FAKE_KRAKEN_CREDENTIALS.secret);
    const calls = kraken.requests.length;
    expect(await openTrade(services, buy(dee.id))).toMatchObject({
      ok: false,
      reason: 'account-quarantined',
    });
    expect(kraken.requests.length).toBe(calls);
    // Relinking the keys lifts the quarantine.
    await upsertLiveAccount(db.db, {
      userId: dee.id,
      assetType: 'crypto',
      venue: 'kraken',
      credentials: sealSecret(SECRETS_KEY, JSON.stringify(FAKE_KRAKEN_CREDENTIALS)),
      startBalance: 50_000,
    });
    expect((await openTrade(services, buy(dee.id))).ok).toBe(true);
  });
});

describe('the safety gate', () => {
  it('refuses a live ETH/BTC order of "20": it is 20 BTC, not 20 dollars', async () => {
    const { kraken, services } = await desk();
    const eve = await liveUser('eve');
    const r = await openTrade(services, buy(eve.id, { symbol: 'ETH/BTC', amountCents: 2000, price: 0.05 }));
    expect(r).toMatchObject({
      ok: false,
      reason: 'non-usd-quote',
      message: expect.stringMatching(/priced in BTC/),
    });
    expect(await listOpenTrades(db.db, { userId: eve.id })).toHaveLength(0);
    expect(kraken.requests.filter((q) => q.path === '/0/private/AddOrder')).toHaveLength(0);
  });

  it('holds the daily loss limit per user across accounts, for manual buys too', async () => {
    const { services } = await desk();
    const fin = await liveUser('fin', FAKE_KRAKEN_CREDENTIALS.apiKey, true);
    // 50.00 lost on the crypto account and 50.01 on the stock account today: each under the 100.00
    // limit, together over it.
    for (const [assetType, symbol, amount] of [
      ['crypto', 'ETH/USD', 5000],
      ['stock', 'AAPL', 5001],
    ] as const) {
      const p = await openPosition(db.db, {
        userId: fin.id,
        assetType,
        mode: 'live',
        symbol,
        clientOrderId: `fin-${symbol}`,
        status: 'open',
        maxConcurrentTrades: 3,
        amount,
        entryFee: 0,
        quantity: '1',
        entryPrice: '50',
        entryTime: new Date(now),
        takeProfitPrice: null,
        stopLossPrice: null,
        currency: 'USD',
        executionReason: 'manual',
      });
      if (!p.ok) throw new Error(p.reason);
      await closePosition(db.db, {
        tradeId: p.trade.id,
        exitPrice: '0',
        exitTime: new Date(now),
        exitFee: 0,
        proceeds: 0,
        exitReason: 'stop-loss',
      });
    }
    const r = await openTrade(services, buy(fin.id));
    expect(r).toMatchObject({
      ok: false,
      reason: 'daily-loss-limit',
      message: expect.stringMatching(/daily limit/),
    });
  });

  it('refuses an approval under the kill switch, and after it expired', async () => {
    const { kraken, services } = await desk();
    const gil = await liveUser('gil');
    const admin = await liveUser('gil-admin');
    const pending = await openTrade(services, buy(gil.id, { requiresApproval: true }));
    expect(pending).toMatchObject({ ok: true, trade: { status: 'pending_approval' } });
    const approvalId = async () =>
      (await db.db.query.approvals.findFirst({
        where: (a, { eq }) => eq(a.tradeId, (pending as { trade: { id: string } }).trade.id),
      }))!.id;
    const id = await approvalId();

    await putSetting(db.db, KILL_SWITCH_KEY, true, null);
    const killed = await decideLiveOrder(services, {
      approvalId: id,
      decision: 'approve',
      adminId: admin.id,
    });
    expect(killed).toEqual({ ok: false, reason: 'Trading is halted by the kill switch.' });
    await putSetting(db.db, KILL_SWITCH_KEY, false, null);
    expect(kraken.requests.filter((q) => q.path === '/0/private/AddOrder')).toHaveLength(0);
    expect(await getTrade(db.db, (pending as { trade: { id: string } }).trade.id)).toMatchObject({
      status: 'pending_approval',
    });

    now += 31 * 60_000;
    const late = await decideLiveOrder(services, { approvalId: id, decision: 'approve', adminId: admin.id });
    expect(late).toEqual({ ok: false, reason: 'This order expired before it was approved.' });
    expect(kraken.requests.filter((q) => q.path === '/0/private/AddOrder')).toHaveLength(0);
    expect(await getTrade(db.db, (pending as { trade: { id: string } }).trade.id)).toMatchObject({
      status: 'expired',
    });
    expect((await getAccount(db.db, gil.id, 'crypto', 'live'))!.balance).toBe(50_000);
  });
});

describe('a venue answer lost in the middle of an order', () => {
  const buys = (k: FakeKraken) =>
    k.requests.filter((r) => r.path === '/0/private/AddOrder' && r.body.type === 'buy');

  it('a sell that filled on Kraken while its answer was lost is found by its client id, never sent twice', async () => {
    const { kraken, services } = await desk();
    const hal = await liveUser('hal');
    const opened = await openTrade(services, buy(hal.id));
    if (!opened.ok) throw new Error(opened.reason);
    const id = opened.trade.id;

    // The sell reaches Kraken and fills there; the connection drops before the answer.
    kraken.failNext('AddOrder', { kind: 'lost-answer' });
    expect(await closeTrade(services, id, 2950, 'stop-loss', new Date(now))).toBeNull();
    expect(kraken.balance('XETH')).toBeCloseTo(0, 10);
    expect(await getTrade(db.db, id)).toMatchObject({ status: 'closing', exitReason: 'stop-loss' });
    const [, sell] = await listOrders(db.db, id);
    expect(sell).toMatchObject({ side: 'sell', status: 'unknown', venueOrderId: null });

    // The user presses Close again: the sell is looked up by its client id and booked as it filled.
    const closed = await closeTrade(services, id, 2950, 'manual', new Date(now), hal.id);
    expect(sells(kraken)).toHaveLength(1);
    expect(closed).toMatchObject({ id, status: 'closed', exitReason: 'stop-loss' });
    // Kraken's fill: 0.01 ETH at 3,000.00 for 30.00, fee 0.078 → 0.08; bought for 30.00 + 0.08.
    expect(Number(closed!.exitPrice)).toBe(3000);
    expect(closed).toMatchObject({ exitFee: 8, pnl: 30_00 - 8 - 30_00 - 8 });
    expect((await listOrders(db.db, id)).map((o) => [o.side, o.status])).toEqual([
      ['buy', 'filled'],
      ['sell', 'filled'],
    ]);
    await expectLedgerReconciles(hal.id);

    // A third close, and the recovery, find nothing left to do.
    expect(await closeTrade(services, id, 2950, 'manual', new Date(now), hal.id)).toBeNull();
    expect(await recoverInterruptedOrders(services, later())).toBe(0);
    expect(sells(kraken)).toHaveLength(1);
  });

  it('the recovery books a lost sell the same way, and a close racing it sends nothing', async () => {
    const { kraken, services } = await desk();
    const ida = await liveUser('ida');
    const opened = await openTrade(services, buy(ida.id));
    if (!opened.ok) throw new Error(opened.reason);
    const id = opened.trade.id;
    kraken.failNext('AddOrder', { kind: 'lost-answer' });
    expect(await closeTrade(services, id, 2950, 'take-profit', new Date(now))).toBeNull();

    const [, pressed] = await Promise.all([
      recoverInterruptedOrders(services, later()),
      closeTrade(services, id, 2950, 'manual', new Date(now), ida.id),
    ]);
    expect(pressed === null || pressed.id === id).toBe(true);
    expect(sells(kraken)).toHaveLength(1);
    expect(await getTrade(db.db, id)).toMatchObject({ status: 'closed', exitFee: 8, pnl: -16 });
    await expectLedgerReconciles(ida.id);
  });

  it('a buy whose answer timed out is found on Kraken and booked as it filled, never bought twice', async () => {
    const { kraken, services } = await desk();
    const [jo, kim] = [await liveUser('jo'), await liveUser('kim')];
    const requests = [buy(jo.id), buy(kim.id)];
    // Kraken fills both buys but never answers: ccxt gives up after its timeout.
    kraken.failNext('AddOrder', { kind: 'lost-answer', after: 'hang' }, 2);
    // One after the other: both accounts sign with the same test key, whose nonces must increase.
    const answers = [await openTrade(services, requests[0]!), await openTrade(services, requests[1]!)];
    expect(answers).toEqual([
      { ok: false, reason: 'awaiting-venue' },
      { ok: false, reason: 'awaiting-venue' },
    ]);
    expect(kraken.balance('XETH')).toBeCloseTo(0.02, 10);
    const positions = await Promise.all(
      [jo, kim].map(async (u) => (await listOpenTrades(db.db, { userId: u.id }))[0]!),
    );
    for (const position of positions) {
      expect(position).toMatchObject({ status: 'opening', amount: 3060 });
      expect(await listOrders(db.db, position.id)).toEqual([
        expect.objectContaining({ side: 'buy', status: 'unknown', venueOrderId: null }),
      ]);
    }

    // Jo's request, retried, sends nothing new: it finds the buy on Kraken by its client id and books it.
    expect(await openTrade(services, requests[0]!)).toMatchObject({
      ok: true,
      trade: { id: positions[0]!.id, status: 'open' },
    });
    // Kim's is found by the recovery.
    expect(await recoverInterruptedOrders(services, later())).toBe(1);
    expect(buys(kraken)).toHaveLength(2);
    for (const [i, user] of [jo, kim].entries()) {
      const trade = (await getTrade(db.db, positions[i]!.id))!;
      // The fill as Kraken made it: 0.01 ETH at 3,000.00, 30.00 and a fee of 0.08; the rest of the hold back.
      expect(trade).toMatchObject({ status: 'open', amount: 3000, entryFee: 8, quantity: '0.0100000000' });
      expect(Number(trade.entryPrice)).toBe(3000);
      const account = await expectLedgerReconciles(user.id);
      expect(account.balance).toBe(50_000 - 3000 - 8);
    }
    // Asked once more, the order is a plain duplicate.
    expect(await openTrade(services, requests[1]!)).toEqual({ ok: false, reason: 'duplicate' });
    expect(buys(kraken)).toHaveLength(2);
  }, 90_000);
});

describe('paper orders on a pair not quoted in USD', () => {
  /** A recorded 5m BTC/USD bar closing at `close`, opened at `openTime`. */
  const btcUsd = (openTime: number, close: number) =>
    withIndicators([
      {
        symbol: 'BTC/USD',
        timeframe: '5m',
        openTime,
        open: close,
        high: close,
        low: close,
        close,
        volume: 1,
        tradeCount: null,
      },
    ]);
  const paperBuy = (userId: string, at: number) =>
    buy(userId, {
      mode: 'paper',
      symbol: 'ETH/BTC',
      amountCents: 10_000,
      price: 0.05,
      executionReason: 'lowest-point',
      at: new Date(at),
    });

  it('refuses with a clear reason when no BTC/USD price is recorded, and writes nothing', async () => {
    const { services } = await desk();
    const kai = await liveUser('kai');
    // Long before any recorded BTC/USD bar.
    const r = await openTrade(services, paperBuy(kai.id, Date.UTC(2017, 0, 1)));
    expect(r).toMatchObject({
      ok: false,
      reason: 'no-usd-rate',
      message: expect.stringMatching(/ETH\/BTC is priced in BTC .* no recorded BTC\/USD price/),
    });
    expect(await listOpenTrades(db.db, { userId: kai.id })).toHaveLength(0);
    expect((await getAccount(db.db, kai.id, 'crypto', 'paper'))!.balance).toBe(10_000_000);
  });

  it('converts at the operator’s stated paper rate when none is recorded, and a recorded rate wins', async () => {
    const { services: plain } = await desk();
    const services = { ...plain, config: { ...plain.config, PAPER_USD_RATES: { BTC: 8_000 } } };
    const mo = await liveUser('mo');
    const stated = await openTrade(services, paperBuy(mo.id, Date.UTC(2017, 0, 1)));
    if (!stated.ok) throw new Error(stated.reason);
    // 100.00 USD at 0.05 BTC + 0.05 % slippage with BTC at 8,000 USD: 400.20 USD an ETH.
    expect(Number(stated.trade.quantity)).toBeCloseTo(100 / 400.2, 8);

    // A week before the other cases' bars, so theirs stay the newest.
    const weekAgo = Math.floor(now / 300_000) * 300_000 - 7 * 86_400_000;
    await analytics.upsertBars('crypto', btcUsd(weekAgo - 300_000, 12_000));
    const recorded = await openTrade(services, { ...paperBuy(mo.id, weekAgo), symbol: 'LTC/BTC' });
    if (!recorded.ok) throw new Error(recorded.reason);
    expect(Number(recorded.trade.quantity)).toBeCloseTo(100 / (0.05 * 1.0005 * 12_000), 8);
  });

  it('converts at the recorded BTC/USD close: prices in BTC, the USD ledger debited and credited in USD', async () => {
    const { services } = await desk();
    const lee = await liveUser('lee');
    const bar = Math.floor(now / 300_000) * 300_000;
    await analytics.upsertBars('crypto', btcUsd(bar - 600_000, 10_000));
    const opened = await openTrade(services, paperBuy(lee.id, bar));
    if (!opened.ok) throw new Error(opened.reason);
    // 100.00 USD at 0.05 BTC + 0.05 % slippage with BTC at 10,000 USD: 500.25 USD an ETH.
    expect(opened.trade).toMatchObject({ currency: 'USD', amount: 10_000, entryFee: 26 });
    expect(Number(opened.trade.quantity)).toBe(0.19990004);
    expect(Number(opened.trade.entryPrice)).toBeCloseTo(0.050025, 12);
    expect((await getAccount(db.db, lee.id, 'crypto', 'paper'))!.balance).toBe(10_000_000 - 10_026);

    // BTC rises to 11,000 USD; sold at the same 0.05 BTC, the USD ledger gains BTC's rise.
    await analytics.upsertBars('crypto', btcUsd(bar + 300_000, 11_000));
    const closed = await closeTrade(services, opened.trade.id, 0.05, 'take-profit', new Date(bar + 900_000));
    // A take-profit rests as a limit: no slippage, the maker fee (the paper cost model).
    // floor(0.19990004 × 0.05 × 11,000 × 100) = 10,994; fee ceil(10,994 × 0.16 %) = ceil(17.59) = 18.
    expect(closed).toMatchObject({
      status: 'closed',
      currency: 'USD',
      exitFee: 18,
      pnl: 10_994 - 18 - 10_026,
    });
    expect(Number(closed!.exitPrice)).toBe(0.05);
    const account = (await getAccount(db.db, lee.id, 'crypto', 'paper'))!;
    expect(account.balance).toBe(10_000_000 + 10_994 - 18 - 10_026);
    expect(account.startBalance + account.realizedPnl - account.fees).toBe(account.balance);
  });
});
