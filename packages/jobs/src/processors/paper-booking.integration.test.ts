import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createDuckDbStore } from '@tradehits/analytics/duckdb-store';
import type { AnalyticsStore } from '@tradehits/analytics/store';
import { loadConfig } from '@tradehits/config';
import type { MarketDataSource } from '@tradehits/core';
import type { MarketTick } from '@tradehits/core/engine';
import { parseCents } from '@tradehits/core/money';
import { ledgerReconciles } from '@tradehits/core/paper';
import type { Detection } from '@tradehits/core/types';
import { type DbHandle, listAudit, schema } from '@tradehits/db';
import { createPgliteTestDb, createPostgresTestDb } from '@tradehits/db/testing';
import { sealSecret } from '@tradehits/exchange';
import type { Services } from '@tradehits/trading';
import { asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryBus } from '../events';
import { createLogger } from '../log';
import { tradeOnMarkets } from './engine-tick';

const SECRETS_KEY = Buffer.alloc(32, 7).toString('base64');
const AT = new Date(Date.UTC(2026, 2, 10, 14, 0));
const BAR_TIME = AT.getTime() - 300_000;
const HOUR = 3_600_000;

/** A lowest-point detection for `symbol` at `price`, as the detector reports one. */
function detection(symbol: string, price: number, confidence: number): Detection {
  return {
    symbol,
    assetType: 'crypto',
    timeframe: '5m',
    barTime: BAR_TIME,
    price,
    low24h: price,
    low7d: price * 0.98,
    support: price * 0.95,
    rsi: 27,
    macdHist: -0.1,
    bbPosition: 0.02,
    sentiment: 40,
    politicalSentiment: null,
    reasons: ['near24h', 'rsi', 'approaching'],
    confidence,
    isLowestPoint: true,
    riseProbability: 0.7,
    buySignal: true,
    notes: [],
  };
}

/**
 * The tick's view: three USD markets signalling (strongest first: SOL, ETH, BTC), with bars whose range
 * and volume set the slippage; the ETH bar reaches the take-profit of ETH positions opened at 2,000
 * (+1 %), the BTC bar the stop-loss of BTC positions opened at 60,000 (−1 %).
 */
const MARKETS: MarketTick[] = [
  ['SOL/USD', 150, 0.95, { open: 151, high: 152, low: 148.5, close: 150, volume: 40_000 }],
  ['ETH/USD', 2000, 0.9, { open: 2001, high: 2030, low: 1985, close: 2000, volume: 900 }],
  ['BTC/USD', 60_000, 0.85, { open: 60_100, high: 60_200, low: 59_000, close: 60_000, volume: 12 }],
  // Quoted in BTC: a paper order converts at the stated BTC rate.
  ['LTC/BTC', 0.002, 0.8, { open: 0.00201, high: 0.00202, low: 0.00199, close: 0.002, volume: 50_000 }],
  // Quoted in EUR, no rate anywhere: nothing signals, and a stop reached cannot be converted.
  ['DOT/EUR', 5, 0, { open: 5, high: 5.05, low: 4.9, close: 4.95, volume: 10_000 }],
].map(([symbol, price, confidence, bar]) => ({
  symbol: symbol as string,
  assetType: 'crypto' as const,
  bar: {
    openTime: BAR_TIME,
    ...(bar as { open: number; high: number; low: number; close: number; volume: number }),
  },
  detection: confidence === 0 ? null : detection(symbol as string, price as number, confidence as number),
  sentiment: { score: 40, politicalMin: null, politicalScore: null },
  recentRangePct: 3,
}));

interface Rule {
  amount: string;
  max: number;
  symbol?: string;
  auto?: boolean;
}
interface Position {
  symbol: string;
  entryPrice: number;
  amount: string;
  takeProfitPct: number;
  stopLossPct: number;
  status?: 'open' | 'held';
}
interface Seeded {
  name: string;
  balance: string;
  rules: Rule[];
  positions?: Position[];
  live?: { lossToday?: string };
}

/**
 * Users covering what the booking must get right: several entries on one account (slots and cash
 * spent in the engine's order), a balance that covers the amounts but not their fees (the database
 * refuses the last entry), max concurrent reached in the engine and only in the database (a position
 * still held counts there), positions exiting at take-profit and stop-loss in the same tick as new
 * entries, a repeat order already booked, and live users refused by the per-trade cap and the daily
 * loss limit beside one whose order waits for an admin.
 */
const USERS: Seeded[] = [
  { name: 'rich', balance: '100000.00', rules: [{ amount: '1000.00', max: 5 }] },
  { name: 'two-slots', balance: '50000.00', rules: [{ amount: '2500.00', max: 2 }] },
  // 2 × 1,000 covers the engine's amounts but not the fees: the second entry is refused.
  { name: 'thin', balance: '2000.00', rules: [{ amount: '1000.00', max: 5 }] },
  { name: 'poor', balance: '500.00', rules: [{ amount: '1000.00', max: 5 }] },
  {
    name: 'tp-and-reenter',
    balance: '10000.00',
    rules: [{ amount: '1000.00', max: 2 }],
    positions: [{ symbol: 'ETH/USD', entryPrice: 2000, amount: '1000.00', takeProfitPct: 1, stopLossPct: 5 }],
  },
  {
    name: 'stopped',
    balance: '10000.00',
    rules: [{ amount: '700.00', max: 1 }],
    positions: [
      { symbol: 'BTC/USD', entryPrice: 60_000, amount: '3000.00', takeProfitPct: 5, stopLossPct: 1 },
    ],
  },
  {
    name: 'full',
    balance: '10000.00',
    rules: [{ amount: '500.00', max: 1 }],
    positions: [
      { symbol: 'DOGE/USD', entryPrice: 0.1, amount: '500.00', takeProfitPct: 50, stopLossPct: 50 },
    ],
  },
  {
    // The engine sees one open position; the database also counts one still held.
    name: 'held-slot',
    balance: '10000.00',
    rules: [{ amount: '400.00', max: 3 }],
    positions: [
      { symbol: 'DOGE/USD', entryPrice: 0.1, amount: '400.00', takeProfitPct: 50, stopLossPct: 50 },
      {
        symbol: 'ADA/USD',
        entryPrice: 0.5,
        amount: '400.00',
        takeProfitPct: 50,
        stopLossPct: 50,
        status: 'held',
      },
    ],
  },
  {
    name: 'eth-only',
    balance: '10000.00',
    rules: [
      { amount: '300.00', max: 3 },
      { amount: '1234.56', max: 3, symbol: 'ETH/USD' },
      { amount: '300.00', max: 3, symbol: 'SOL/USD', auto: false },
    ],
  },
  {
    name: 'euro-holder',
    balance: '10000.00',
    rules: [{ amount: '500.00', max: 1 }],
    positions: [{ symbol: 'DOT/EUR', entryPrice: 5, amount: '500.00', takeProfitPct: 5, stopLossPct: 1 }],
  },
  { name: 'off', balance: '10000.00', rules: [{ amount: '1000.00', max: 3, auto: false }] },
  { name: 'live-capped', balance: '500.00', rules: [{ amount: '100.00', max: 3 }], live: {} },
  {
    name: 'live-loser',
    balance: '500.00',
    rules: [{ amount: '20.00', max: 3 }],
    live: { lossToday: '-150.00' },
  },
  { name: 'live-held', balance: '500.00', rules: [{ amount: '20.00', max: 3 }], live: {} },
];

/** The same users, accounts, rules and positions (same ids) in a database. */
async function seed(db: DbHandle['db'], ids: Map<string, string>) {
  for (const u of USERS) {
    const userId = ids.get(u.name)!;
    const role = u.live ? ('beta_user' as const) : ('user' as const);
    await db.insert(schema.users).values({
      id: userId,
      username: u.name,
      email: `${u.name}@x.test`,
      passwordHash: 'x',
      fullName: u.name,
      role,
      cryptoBalance: parseCents(u.balance),
    });
    const [account] = await db
      .insert(schema.accounts)
      .values({
        userId,
        assetType: 'crypto',
        mode: u.live ? 'live' : 'paper',
        venue: u.live ? 'kraken' : 'paper',
        startBalance: parseCents(u.balance),
        balance: parseCents(u.balance),
        credentials: u.live ? sealSecret(SECRETS_KEY, '{"apiKey":"k","secret":"s"}') : null,
      })
      .returning();
    for (const r of u.rules)
      await db.insert(schema.tradeParameters).values({
        userId,
        assetType: 'crypto',
        symbol: r.symbol ?? 'ALL',
        tradeAmount: parseCents(r.amount),
        takeProfitPct: 3,
        stopLossPct: 2,
        maxConcurrentTrades: r.max,
        buyAtLowestOnly: true,
        minSentimentScore: 10,
        autoTradingEnabled: r.auto ?? true,
      });
    let n = 0;
    for (const p of u.positions ?? []) {
      const quantity = (Number(p.amount) / p.entryPrice).toFixed(8);
      const held = p.status === 'held';
      await db.insert(schema.trades).values({
        userId,
        accountId: account!.id,
        symbol: p.symbol,
        assetType: 'crypto',
        isPaper: true,
        status: p.status ?? 'open',
        clientOrderId: `${u.name}-seed-${n++}`,
        entryPrice: held ? null : String(p.entryPrice),
        entryTime: held ? null : new Date(AT.getTime() - 2 * HOUR),
        quantity,
        amount: parseCents(p.amount),
        entryFee: 260,
        takeProfitPrice: held ? null : String(p.entryPrice * (1 + p.takeProfitPct / 100)),
        stopLossPrice: held ? null : String(p.entryPrice * (1 - p.stopLossPct / 100)),
        takeProfitPct: p.takeProfitPct,
        stopLossPct: p.stopLossPct,
        highWaterPrice: held ? null : String(p.entryPrice),
        currency: 'USD',
        executionReason: 'lowest-point',
      });
    }
    if (u.live?.lossToday)
      await db.insert(schema.trades).values({
        userId,
        accountId: account!.id,
        symbol: 'ETH/USD',
        assetType: 'crypto',
        isPaper: false,
        status: 'closed',
        clientOrderId: `${u.name}-lost`,
        entryPrice: '2000',
        exitPrice: '1000',
        entryTime: new Date(AT.getTime() - 3 * HOUR),
        exitTime: new Date(AT.getTime() - HOUR),
        quantity: '0.15',
        amount: 30_000,
        pnl: parseCents(u.live.lossToday),
        currency: 'USD',
        executionReason: 'lowest-point',
      });
  }
  // A repeat of an order this tick would place, already booked (a retried tick).
  const rich = ids.get('rich')!;
  const [richAccount] = await db.select().from(schema.accounts).where(eq(schema.accounts.userId, rich));
  await db.insert(schema.trades).values({
    userId: rich,
    accountId: richAccount!.id,
    symbol: 'BTC/USD',
    assetType: 'crypto',
    isPaper: true,
    status: 'closed',
    clientOrderId: `${rich}:BTC/USD:5m.${BAR_TIME}:paper`,
    entryPrice: '60000',
    exitPrice: '60000',
    entryTime: AT,
    exitTime: AT,
    quantity: '0.001',
    amount: 6_000,
    pnl: 0,
    currency: 'USD',
    executionReason: 'lowest-point',
  });
}

/** Everything money about the users, keyed by name, with ids that differ between databases left out. */
async function ledger(db: DbHandle['db'], ids: Map<string, string>) {
  const names = new Map([...ids].map(([name, id]) => [id, name]));
  const accounts = await db.select().from(schema.accounts).orderBy(asc(schema.accounts.userId));
  const users = await db.select().from(schema.users).orderBy(asc(schema.users.id));
  const trades = await db.select().from(schema.trades).orderBy(asc(schema.trades.clientOrderId));
  return {
    accounts: accounts.map((a) => ({
      user: names.get(a.userId),
      mode: a.mode,
      balance: a.balance,
      realizedPnl: a.realizedPnl,
      fees: a.fees,
    })),
    users: users.map((u) => ({
      user: u.username,
      cryptoBalance: u.cryptoBalance,
      pausedUntil: u.pausedUntil,
    })),
    trades: trades.map(({ id, userId, accountId, parametersId, createdAt, ...t }) => ({
      user: names.get(userId),
      ...t,
    })),
  };
}

describe('set-based paper booking against the one-by-one path', () => {
  const ids = new Map(USERS.map((u) => [u.name, randomUUID()]));
  let bulk: DbHandle;
  let oneByOne: DbHandle;
  let dir: string;
  let analytics: AnalyticsStore;
  /** The ledger after the first tick, which every path and race must reach. */
  let afterFirst: Awaited<ReturnType<typeof ledger>>;

  beforeAll(async () => {
    [bulk, oneByOne] = await Promise.all([createPostgresTestDb(), createPostgresTestDb()]);
    await seed(bulk.db, ids);
    await seed(oneByOne.db, ids);
    dir = await mkdtemp(path.join(tmpdir(), 'tradehits-booking-'));
    analytics = await createDuckDbStore(path.join(dir, 'a.duckdb'));
    await analytics.migrate();
  }, 60_000);

  afterAll(async () => {
    await analytics?.close();
    await bulk?.close();
    await oneByOne?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const servicesOf = (db: DbHandle['db']): Services => {
    const none: MarketDataSource = { id: 'none', fetchBars: async () => [], symbols: async () => [] };
    return {
      config: loadConfig({ NODE_ENV: 'test', SECRETS_KEY, PAPER_USD_RATES: 'BTC=60000' }),
      db,
      analytics,
      bus: createMemoryBus(),
      log: createLogger('silent'),
      market: { crypto: none, stock: none },
      now: () => AT,
    };
  };
  const tick = (db: DbHandle['db'], paperBooking: 'bulk' | 'one-by-one') =>
    tradeOnMarkets(
      servicesOf(db),
      'crypto',
      AT,
      MARKETS,
      { sentiment: 'judge', minConfidence: 0.7 },
      { paperBooking },
    );

  it('books the same entries and exits to the cent, and repeated ticks the same way', async () => {
    const [b, o] = await Promise.all([tick(bulk.db, 'bulk'), tick(oneByOne.db, 'one-by-one')]);
    expect(b).toEqual(o);
    // Each case above was met: exits at both levels, refusals in the engine and in the database, and
    // a stop that cannot be converted (failed, the position left open, the same in both).
    expect(b.closed).toBe(2);
    expect(b.failed).toBe(1);
    expect(b.opened).toBeGreaterThanOrEqual(10);

    const after = await ledger(bulk.db, ids);
    afterFirst = after;
    expect(after).toEqual(await ledger(oneByOne.db, ids));
    const byUser = (name: string) => after.trades.filter((t) => t.user === name);
    expect(
      byUser('rich')
        .filter((t) => t.status === 'open')
        .map((t) => t.symbol),
    ).toEqual(['ETH/USD', 'LTC/BTC', 'SOL/USD']);
    // The BTC-quoted position is booked in USD at the stated rate; its prices stay in BTC.
    const ltc = byUser('rich').find((t) => t.symbol === 'LTC/BTC')!;
    expect(ltc).toMatchObject({ currency: 'USD' });
    expect(ltc.amount).toBeGreaterThan(99_000);
    expect(Number(ltc.entryPrice)).toBeLessThan(0.0021);
    expect(byUser('euro-holder').map((t) => t.status)).toEqual(['open']);
    expect(byUser('thin').filter((t) => t.status === 'open')).toHaveLength(1);
    expect(byUser('poor')).toHaveLength(0);
    expect(byUser('full').filter((t) => t.status === 'open')).toHaveLength(1);
    expect(
      byUser('held-slot')
        .filter((t) => t.status === 'open')
        .map((t) => t.symbol)
        .sort(),
    ).toEqual(['DOGE/USD', 'SOL/USD']);
    expect(
      byUser('eth-only')
        .filter((t) => t.status === 'open')
        .map((t) => [t.symbol, t.amount]),
    ).toEqual([
      ['BTC/USD', 30_000],
      ['ETH/USD', expect.any(Number)],
      ['LTC/BTC', expect.any(Number)],
    ]);
    const [tp] = byUser('tp-and-reenter').filter((t) => t.status === 'closed');
    expect(tp).toMatchObject({ exitReason: 'take-profit', exitFee: expect.any(Number) });
    const [sl] = byUser('stopped').filter((t) => t.status === 'closed');
    expect(sl).toMatchObject({ exitReason: 'stop-loss' });
    // A stop slips by the bar's range (a tenth of 1,200 / 60,000 and more for its size), a take-profit not at all.
    expect(Number(sl!.exitPrice)).toBeLessThan(59_400 * (1 - 0.002));
    expect(Number(tp!.exitPrice)).toBe(2020);
    expect(
      byUser('live-held')
        .map((t) => t.status)
        .sort(),
    ).toEqual(['pending_approval', 'pending_approval', 'pending_approval']);
    expect(byUser('live-capped')).toHaveLength(0);
    expect(after.users.find((u) => u.user === 'live-loser')!.pausedUntil).not.toBeNull();

    // Every paper account reconciles: start + realised − fees − cost of open positions = balance,
    // counting the seeded positions as if they had been paid for (cost and a 2.60 fee each).
    const cents = (s: string) => parseCents(s);
    for (const a of after.accounts.filter((x) => x.mode === 'paper')) {
      const seeded = USERS.find((u) => u.name === a.user)!.positions ?? [];
      const seededFees = seeded.length * 260;
      const seededCost = seeded.reduce((n, p) => n + cents(p.amount), 0);
      const openCost = after.trades
        .filter((t) => t.user === a.user && ['open', 'held'].includes(t.status))
        .reduce((n, t) => n + t.amount, 0);
      const start = USERS.find((u) => u.name === a.user)!.balance;
      expect(
        ledgerReconciles({
          startCents: cents(start) + seededCost + seededFees,
          balanceCents: a.balance,
          realisedCents: a.realizedPnl,
          feesCents: a.fees + seededFees,
          openCostCents: openCost,
        }),
        a.user,
      ).toBe(true);
    }

    // The audit trail says the same in both, details included.
    const actions = async (db: DbHandle['db']) =>
      (await listAudit(db, 500)).map((a) => JSON.stringify([a.action, a.details])).sort();
    expect(await actions(bulk.db)).toEqual(await actions(oneByOne.db));

    // The same tick again: the slots the exits freed are taken now (the same way in both), and
    // every order already booked is a repeat.
    const [b2, o2] = await Promise.all([tick(bulk.db, 'bulk'), tick(oneByOne.db, 'one-by-one')]);
    expect(b2).toEqual(o2);
    expect(b2.opened).toBe(2);
    const again = await ledger(bulk.db, ids);
    expect(again).toEqual(await ledger(oneByOne.db, ids));
    expect(again.trades.filter((t) => t.status === 'open').length).toBe(
      after.trades.filter((t) => t.status === 'open').length + 2,
    );
    // A third time nothing moves.
    const [b3, o3] = await Promise.all([tick(bulk.db, 'bulk'), tick(oneByOne.db, 'one-by-one')]);
    expect(b3).toEqual(o3);
    expect(b3.opened).toBe(0);
    expect(await ledger(bulk.db, ids)).toEqual(again);
    expect(await ledger(oneByOne.db, ids)).toEqual(again);
  }, 60_000);

  it('books the same on PGlite (the embedded database) as on PostgreSQL', async () => {
    const embedded = await createPgliteTestDb();
    try {
      await seed(embedded.db, ids);
      const r = await tick(embedded.db, 'bulk');
      expect(r.failed).toBe(1); // the stop on DOT/EUR, which has no rate
      expect(await ledger(embedded.db, ids)).toEqual(afterFirst);
    } finally {
      await embedded.close();
    }
  }, 60_000);

  it('racing ticks for one bar, bulk and one by one at once, book each fill once', async () => {
    const raced = await createPostgresTestDb();
    try {
      await seed(raced.db, ids);
      const results = await Promise.all([
        tick(raced.db, 'bulk'),
        tick(raced.db, 'one-by-one'),
        tick(raced.db, 'bulk'),
      ]);
      // Only the stop on DOT/EUR fails, in each tick.
      expect(results.map((r) => r.failed)).toEqual([1, 1, 1]);
      // Whichever booked a fill, the ledger is the one a single tick leaves, minus the slots that
      // exits freed and a later racer may have taken: compare what only entries of this bar can change.
      const ledgerNow = await ledger(raced.db, ids);
      expect(ledgerNow.trades.filter((t) => t.status === 'closed')).toEqual(
        afterFirst.trades.filter((t) => t.status === 'closed'),
      );
      const keys = ledgerNow.trades.map((t) => t.clientOrderId);
      expect(new Set(keys).size).toBe(keys.length);
      const cents = (s: string) => parseCents(s);
      for (const a of ledgerNow.accounts.filter((x) => x.mode === 'paper')) {
        const seeded = USERS.find((u) => u.name === a.user)!;
        const positions = seeded.positions ?? [];
        const openCost = ledgerNow.trades
          .filter((t) => t.user === a.user && ['open', 'held'].includes(t.status))
          .reduce((n, t) => n + t.amount, 0);
        expect(
          ledgerReconciles({
            startCents: cents(seeded.balance) + positions.reduce((n, p) => n + cents(p.amount) + 260, 0),
            balanceCents: a.balance,
            realisedCents: a.realizedPnl,
            feesCents: a.fees + positions.length * 260,
            openCostCents: openCost,
          }),
          a.user,
        ).toBe(true);
        expect(a.balance).toBeGreaterThanOrEqual(0);
        const active = ledgerNow.trades.filter(
          (t) => t.user === a.user && ['open', 'held'].includes(t.status),
        );
        expect(active.length).toBeLessThanOrEqual(
          Math.max(...seeded.rules.map((r) => r.max), positions.length),
        );
      }
    } finally {
      await raced.close();
    }
  }, 60_000);
});
