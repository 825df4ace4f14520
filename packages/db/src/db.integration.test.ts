import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from './client';
import { userPnlToday } from './queries/engine';
import { createParameters } from './queries/parameters';
import {
  closePosition,
  ensurePaperAccounts,
  getAccount,
  listOpenTrades,
  type OpenPositionInput,
  openPosition,
} from './queries/trades';
import { createUser, getUser } from './queries/users';
import { createPgliteTestDb, createPostgresTestDb } from './testing';

// The same schema, migrations and queries on both engines: the embedded default and production.
describe.each([
  ['postgres', createPostgresTestDb],
  ['pglite', createPgliteTestDb],
] as const)('relational core on %s', (_kind, create) => {
  let h: DbHandle;
  beforeAll(async () => {
    h = await create();
  });
  afterAll(() => h.close());

  async function newUser(name: string) {
    const u = await createUser(h.db, {
      username: name,
      email: `${name}@x.test`,
      passwordHash: 'h',
      fullName: name,
      balance: 100_000,
    });
    await ensurePaperAccounts(h.db, u!.id, 100_000);
    return u!;
  }

  const position = (userId: string, key: string, amount = 10_000): OpenPositionInput => ({
    userId,
    assetType: 'crypto',
    mode: 'paper',
    symbol: 'BTC/USD',
    clientOrderId: key,
    status: 'open',
    maxConcurrentTrades: 3,
    amount,
    entryFee: 26,
    quantity: '0.001',
    entryPrice: '100000',
    entryTime: new Date(),
    takeProfitPrice: '103000',
    stopLossPrice: '98000',
    currency: 'USD',
    // Manual: these tests race many positions of one user on one symbol.
    executionReason: 'manual',
  });

  it('applies the migrations idempotently', async () => {
    await h.migrate();
    const r = await h.db.execute(sql`select count(*) as n from users`);
    expect(Number((r as unknown as { rows: { n: unknown }[] }).rows[0]!.n)).toBeGreaterThanOrEqual(0);
  });

  it('refuses a second user with the same username in any case', async () => {
    await newUser('alice');
    const again = await createUser(h.db, {
      username: 'ALICE',
      email: 'other@x.test',
      passwordHash: 'h',
      fullName: 'A',
      balance: 0,
    });
    expect(again).toBeNull();
  });

  it('never opens more than max concurrent, nor spends a balance twice, under parallel ticks', async () => {
    const u = await newUser('bob');
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        openPosition(h.db, { ...position(u.id, `bob-${i}`, 30_000), maxConcurrentTrades: 5 }),
      ),
    );
    const opened = results.filter((r) => r.ok);
    // 1000 buys three 300.26 positions; the fourth would overdraw the account.
    expect(opened).toHaveLength(3);
    expect(results.filter((r) => !r.ok).map((r) => !r.ok && r.reason)).toContain('insufficient-balance');
    const account = await getAccount(h.db, u.id, 'crypto', 'paper');
    expect(account!.balance).toBe(9922);
    expect((await getUser(h.db, u.id))!.cryptoBalance).toBe(9922);
  });

  it('treats a retried open with the same client order id as a duplicate', async () => {
    const u = await newUser('carol');
    const first = await openPosition(h.db, position(u.id, 'carol-1'));
    const second = await openPosition(h.db, position(u.id, 'carol-1'));
    expect(first.ok).toBe(true);
    expect(second).toEqual({ ok: false, reason: 'duplicate' });
    expect(await listOpenTrades(h.db, { userId: u.id })).toHaveLength(1);
  });

  it('closes a position once and reconciles the ledger', async () => {
    const u = await newUser('dave');
    const opened = await openPosition(h.db, position(u.id, 'dave-1'));
    if (!opened.ok) throw new Error(opened.reason);
    const close = {
      tradeId: opened.trade.id,
      exitPrice: '103000',
      exitTime: new Date(),
      exitFee: 27,
      proceeds: 10_300,
      exitReason: 'take-profit',
    };
    const [a, b] = await Promise.all([closePosition(h.db, close), closePosition(h.db, close)]);
    expect([a, b].filter(Boolean)).toHaveLength(1);
    const closed = (a ?? b)!;
    expect(closed.pnl).toBe(247); // 103.00 − 0.27 − 100.00 − 0.26
    const acct = (await getAccount(h.db, u.id, 'crypto', 'paper'))!;
    // start + realised P&L − fees = balance
    expect(acct.startBalance + acct.realizedPnl - acct.fees).toBe(acct.balance);
    expect(acct.balance).toBe(100_247);
  });

  it('converts money and percentages once, at the driver, with the column text unchanged', async () => {
    const u = await newUser('fay');
    const row = await createParameters(h.db, u.id, {
      assetType: 'crypto',
      symbol: 'ALL',
      tradeAmount: 25_050,
      takeProfitPct: 0.29,
      stopLossPct: 2.5,
      maxConcurrentTrades: 1,
      buyAtLowestOnly: true,
      minSentimentScore: 0,
      requirePoliticalPositive: false,
      autoTradingEnabled: false,
      tradingHoursStart: '00:00',
      tradingHoursEnd: '23:59',
      maxHoldingHours: 1.15,
    });
    expect(row).toMatchObject({
      tradeAmount: 25_050,
      takeProfitPct: 0.29,
      stopLossPct: 2.5,
      maxHoldingHours: 1.15,
    });
    const raw = await h.db.execute(
      sql`select trade_amount::text as a, take_profit_pct::text as tp, stop_loss_pct::text as sl from trade_parameters where id = ${row!.id}`,
    );
    expect((raw as unknown as { rows: unknown[] }).rows[0]).toEqual({ a: '250.50', tp: '0.29', sl: '2.50' });

    // Sums in SQL come back as minor units too: two losses of 0.10 and 0.20 are −0.30, not −0.30000000000000004.
    for (const [i, exitFee] of [10, 20].entries()) {
      const opened = await openPosition(h.db, { ...position(u.id, `fay-${i}`), entryFee: 0 });
      if (!opened.ok) throw new Error(opened.reason);
      await closePosition(h.db, {
        tradeId: opened.trade.id,
        exitPrice: '100000',
        exitTime: new Date(),
        exitFee,
        proceeds: 10_000,
        exitReason: 'manual',
      });
    }
    expect(await userPnlToday(h.db, u.id, 'paper', new Date(Date.now() - 60_000))).toBe(-30);
  });

  it('rejects a non-positive quantity at the database and writes nothing', async () => {
    const u = await newUser('erin');
    await expect(openPosition(h.db, { ...position(u.id, 'erin-1'), quantity: '0' })).rejects.toThrow();
    expect(await listOpenTrades(h.db, { userId: u.id })).toHaveLength(0);
    expect((await getAccount(h.db, u.id, 'crypto', 'paper'))!.balance).toBe(100_000);
  });
});
