import type { DbHandle } from '@tradehits/db';
import { createPostgresTestDb } from '@tradehits/db/testing';
import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApi } from './testing';

describe('trade parameters', () => {
  let db: DbHandle;
  let api: Awaited<ReturnType<typeof createTestApi>>;
  let caller: Awaited<ReturnType<typeof api.signUp>>['caller'];
  beforeAll(async () => {
    db = await createPostgresTestDb();
    api = await createTestApi(db);
    ({ caller } = await api.signUp('paula'));
  });
  afterAll(async () => {
    await api.close();
    await db.close();
  });

  const valid = {
    assetType: 'crypto' as const,
    symbol: 'btc/usd',
    tradeAmount: 250.5,
    takeProfitPct: 4,
    stopLossPct: 2,
    maxConcurrentTrades: 3,
    buyAtLowestOnly: true,
    minSentimentScore: 10,
    requirePoliticalPositive: true,
    autoTradingEnabled: true,
    tradingHoursStart: '08:00',
    tradingHoursEnd: '20:00',
    // Off, unlike the shipped defaults: the row starts with no exit rules beyond TP/SL.
    trailingStopPct: null,
    breakEvenAfterPct: null,
  };

  it('creates, lists, updates and deletes', async () => {
    const created = await caller.me.parameters.create(valid);
    expect(created).toMatchObject({
      symbol: 'BTC/USD',
      tradeAmount: '250.50',
      takeProfitPct: 4,
      requirePoliticalPositive: true,
    });
    const updated = await caller.me.parameters.update({
      id: created.id,
      takeProfitPct: 6.5,
      autoTradingEnabled: false,
    });
    expect(updated).toMatchObject({ takeProfitPct: 6.5, autoTradingEnabled: false, stopLossPct: 2 });
    expect(await caller.me.parameters.list()).toHaveLength(1);
    expect(created).toMatchObject({ trailingStopPct: null, maxHoldingHours: null });
    const exits = await caller.me.parameters.update({
      id: created.id,
      trailingStopPct: 1.25,
      stopLossAtr: 2.5,
      maxHoldingHours: 6,
    });
    expect(exits).toMatchObject({
      trailingStopPct: 1.25,
      stopLossAtr: 2.5,
      maxHoldingHours: 6,
      takeProfitAtr: null,
    });
    await caller.me.parameters.delete({ id: created.id });
    expect(await caller.me.parameters.list()).toHaveLength(0);
  });

  it.each([
    [{ takeProfitPct: 0 }, /take-profit must be between 0.1 % and 100 %/],
    [{ stopLossPct: 75 }, /stop-loss must be between 0.1 % and 50 %/],
    [{ trailingStopPct: 60 }, /trailing stop must be between 0.1 % and 50 %/],
    [{ maxHoldingHours: 0 }, /maximum holding time must be between 0.25 and 720 hours/],
    [{ maxConcurrentTrades: 0 }, /max concurrent trades must be between 1 and 50/],
    [{ tradeAmount: -5 }, /trade amount must be greater than 0/],
    [{ tradingHoursStart: '25:00' }, /HH:MM/],
    [{ minSentimentScore: 101 }, /min sentiment must be between -100 and 100/],
    [{ symbol: 'not a symbol!' }, /must be ALL or a symbol/],
    [{ assetType: 'bonds' }, /must be crypto or stock/],
    [{ takeProfitPct: 2.555 }, /take-profit has at most 2 decimals/],
    [{ minSentimentScore: 10.5 }, /min sentiment must be a whole number/],
  ])('refuses %o with a clear message and writes nothing', async (bad, message) => {
    const err = (await caller.me.parameters
      .create({ ...valid, ...bad } as typeof valid)
      .catch((e: unknown) => e)) as TRPCError;
    expect(err).toBeInstanceOf(TRPCError);
    expect(err.code).toBe('BAD_REQUEST');
    expect(err.message).toMatch(message);
    expect(await caller.me.parameters.list()).toHaveLength(0);
  });

  it('changes only the fields an update names', async () => {
    const rule = await caller.me.parameters.create({
      ...valid,
      assetType: 'stock',
      symbol: 'AAPL',
      tradeAmount: 12.5,
      autoTradingEnabled: true,
    });
    const updated = await caller.me.parameters.update({ id: rule.id, takeProfitPct: 4.25 });
    expect(updated).toEqual({ ...rule, takeProfitPct: 4.25, updatedAt: updated.updatedAt });
    await expect(caller.me.parameters.update({ id: rule.id, takeProfitPct: 2.555 })).rejects.toThrow(
      /take-profit has at most 2 decimals/,
    );
    expect((await caller.me.parameters.list()).find((r) => r.id === rule.id)?.takeProfitPct).toBe(4.25);
    await caller.me.parameters.delete({ id: rule.id });
  });

  it('refuses an empty profile update as a client error', async () => {
    const err = (await caller.me.updateProfile({}).catch((e: unknown) => e)) as TRPCError;
    expect(err.code).toBe('BAD_REQUEST');
    expect(err.message).toMatch(/at least one field/);
  });

  it('refuses a duplicate asset type and symbol', async () => {
    await caller.me.parameters.create(valid);
    await expect(caller.me.parameters.create(valid)).rejects.toThrow(/already have parameters/);
    expect(await caller.me.parameters.list()).toHaveLength(1);
  });

  it("cannot touch another user's parameters", async () => {
    const [mine] = await caller.me.parameters.list();
    const { caller: other } = await api.signUp('mallory');
    await expect(other.me.parameters.update({ id: mine!.id, takeProfitPct: 50 })).rejects.toThrow(
      'No such parameters.',
    );
    await expect(other.me.parameters.delete({ id: mine!.id })).rejects.toThrow('No such parameters.');
    expect((await caller.me.parameters.list())[0]!.takeProfitPct).toBe(4);
  });
});
