import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createDuckDbStore } from '@tradehits/analytics/duckdb-store';
import type { AnalyticsStore } from '@tradehits/analytics/store';
import { withIndicators } from '@tradehits/core/indicators';
import { binance2018As } from '@tradehits/core/testing/binance-2018';
import { type DbHandle, listOpenTrades, listOrders, updateUser } from '@tradehits/db';
import { createPostgresTestDb } from '@tradehits/db/testing';
import {
  FAKE_KRAKEN_CREDENTIALS,
  type FakeKraken,
  startFakeKraken,
} from '@tradehits/exchange/testing/fake-kraken';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureAdmin } from './bootstrap';
import { createTestApi } from './testing';

/**
 * Manual trades and approvals through the procedures: the same safety gate as the engine, refusals
 * with a sentence for the user, and an approved order sent to a local Kraken once.
 */
describe('trades and approvals through the API', () => {
  let db: DbHandle;
  let dir: string;
  let analytics: AnalyticsStore;
  let kraken: FakeKraken;
  let api: Awaited<ReturnType<typeof createTestApi>>;

  beforeAll(async () => {
    db = await createPostgresTestDb();
    kraken = await startFakeKraken();
    dir = await mkdtemp(path.join(tmpdir(), 'tradehits-trades-'));
    analytics = await createDuckDbStore(path.join(dir, 'a.duckdb'));
    await analytics.migrate();
    // Recorded ETH/BTC candles relabelled ETH/USD, scaled to about 3,000 and ending five minutes ago.
    const recorded = binance2018As('ETH/USD').slice(-300);
    const shift = Date.now() - 300_000 - recorded.at(-1)!.openTime;
    const k = 3000 / recorded.at(-1)!.close;
    const bars = recorded.map((b) => ({
      ...b,
      openTime: b.openTime + shift,
      open: b.open * k,
      high: b.high * k,
      low: b.low * k,
      close: b.close * k,
    }));
    await analytics.upsertBars('crypto', withIndicators(bars));
    api = await createTestApi(
      db,
      {
        SECRETS_KEY: Buffer.alloc(32, 5).toString('base64'),
        KRAKEN_PUBLIC_URL: kraken.url,
        KRAKEN_PRIVATE_URL: kraken.url,
        LIVE_REQUIRES_APPROVAL: 'true',
        ADMIN_USERNAME: 'root',
        ADMIN_PASSWORD: 'a long admin password',
      },
      { analytics },
    );
    await ensureAdmin(db.db, api.services.config);
  });
  afterAll(async () => {
    await api.close();
    await analytics.close();
    await kraken.close();
    await db.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function rootCaller() {
    const { caller, cookies } = api.anonymous('192.0.2.10');
    await caller.auth.login({ username: 'root', password: 'a long admin password' });
    return api.as(cookies[0]!.split(';')[0]!.split('=')[1]!);
  }

  it('refuses a manual buy under the kill switch and while paused, and stores nothing', async () => {
    const root = await rootCaller();
    const { user, caller } = await api.signUp('manual-trader');
    const buy = () =>
      caller.trades.execute({
        side: 'buy',
        assetType: 'crypto',
        symbol: 'ETH/USD',
        amount: '100',
        mode: 'paper',
      });
    await root.admin.safety.setKillSwitch({ on: true });
    await expect(buy()).rejects.toMatchObject({
      code: 'FORBIDDEN',
      message: 'Trading is halted by the kill switch.',
    });
    await root.admin.safety.setKillSwitch({ on: false });
    await updateUser(db.db, user.id, { tradingPaused: true });
    await expect(buy()).rejects.toMatchObject({ code: 'FORBIDDEN', message: 'Your trading is paused.' });
    expect(await listOpenTrades(db.db, { userId: user.id })).toEqual([]);
    await updateUser(db.db, user.id, { tradingPaused: false });
    expect(await buy()).toMatchObject({ status: 'open', isPaper: true, currency: 'USD' });
  });

  it('refuses an approval under the kill switch, then sends the order once when it is off', async () => {
    const root = await rootCaller();
    const { user, token } = await api.signUp('live-trader');
    await updateUser(db.db, user.id, { role: 'beta_user' });
    const caller = await api.as(token);
    await caller.me.linkVenue({ assetType: 'crypto', venue: 'kraken', ...FAKE_KRAKEN_CREDENTIALS });
    // The user's own exits (not the shipped defaults), to see them fixed on the position.
    await caller.me.parameters.create({
      assetType: 'crypto',
      symbol: 'ALL',
      takeProfitPct: 3,
      stopLossPct: 2,
    });
    const pending = await caller.trades.execute({
      side: 'buy',
      assetType: 'crypto',
      symbol: 'ETH/USD',
      // Just under the 50 USD cap: the slippage buffer held beside it must not count against the cap.
      amount: '49.50',
      mode: 'live',
    });
    expect(pending).toMatchObject({
      status: 'pending_approval',
      takeProfitPct: 3,
      stopLossPct: 2,
    });
    const [approval] = (await root.admin.approvals.list({ status: 'pending' })).filter(
      (a) => a.tradeId === pending.id,
    );

    await root.admin.safety.setKillSwitch({ on: true });
    await expect(
      root.admin.approvals.decide({ id: approval!.id, decision: 'approve' }),
    ).rejects.toMatchObject({
      code: 'CONFLICT',
      message: 'Trading is halted by the kill switch.',
    });
    expect(kraken.orderCount()).toBe(0);
    await root.admin.safety.setKillSwitch({ on: false });

    // Three approvals racing (two admins, a double click): one executes, the others are refused, and
    // the venue sees one order.
    const decisions = await Promise.allSettled(
      [1, 2, 3].map(() => root.admin.approvals.decide({ id: approval!.id, decision: 'approve' })),
    );
    const executed = decisions.filter((d) => d.status === 'fulfilled');
    expect(executed).toEqual([{ status: 'fulfilled', value: { ok: true, status: 'executed' } }]);
    for (const d of decisions.filter((d) => d.status === 'rejected'))
      expect(d.reason).toMatchObject({ code: 'CONFLICT' });
    expect(kraken.orderCount()).toBe(1);
    const [open] = await listOpenTrades(db.db, { userId: user.id });
    expect(open).toMatchObject({
      id: pending.id,
      status: 'open',
      takeProfitPct: 3,
    });
    expect(await listOrders(db.db, pending.id)).toEqual([
      expect.objectContaining({ side: 'buy', status: 'filled' }),
    ]);
  });

  it('gives a manual buy the exit rules of the trader’s rule for the symbol, each one overridable', async () => {
    const { caller } = await api.signUp('exit-rules-trader');
    const buy = (exits: Record<string, number | null> = {}) =>
      caller.trades.execute({
        side: 'buy',
        assetType: 'crypto',
        symbol: 'ETH/USD',
        amount: '100',
        mode: 'paper',
        ...exits,
      });
    await caller.me.parameters.create({
      assetType: 'crypto',
      symbol: 'ALL',
      takeProfitPct: 4,
      stopLossPct: 2,
      trailingStopPct: 1.5,
      breakEvenAfterPct: null,
      maxHoldingHours: 6,
      maxConcurrentTrades: 5,
    });
    // The symbol's own row governs it over ALL, for manual buys as for the engine.
    await caller.me.parameters.create({
      assetType: 'crypto',
      symbol: 'ETH/USD',
      takeProfitPct: 5,
      stopLossPct: 2.5,
      trailingStopPct: 2,
      breakEvenAfterPct: 1,
      maxHoldingHours: 12,
      maxConcurrentTrades: 5,
    });
    const byRule = await buy();
    expect(byRule).toMatchObject({
      takeProfitPct: 5,
      stopLossPct: 2.5,
      trailingStopPct: 2,
      breakEvenAfterPct: 1,
      maxHoldingHours: 12,
    });
    expect(byRule.exitDeadline!.getTime() - byRule.entryTime!.getTime()).toBe(12 * 3_600_000);
    expect(Number(byRule.breakEvenPrice)).toBeCloseTo(Number(byRule.entryPrice) * 1.01, 8);

    // The order's own rules replace the rule's, one by one; null turns a rule off.
    const chosen = await buy({ takeProfitPct: 1.25, trailingStopPct: null, maxHoldingHours: 0.5 });
    expect(chosen).toMatchObject({
      takeProfitPct: 1.25,
      stopLossPct: 2.5,
      trailingStopPct: null,
      breakEvenAfterPct: 1,
      maxHoldingHours: 0.5,
    });
    expect(Number(chosen.takeProfitPrice)).toBeCloseTo(Number(chosen.entryPrice) * 1.0125, 8);

    // ATR multiples are measured on the recent bars and replace the percentages.
    const atr = await buy({ takeProfitAtr: 3, stopLossAtr: 2 });
    const tp = Number(atr.takeProfitPct);
    const sl = Number(atr.stopLossPct);
    expect(tp).toBeGreaterThan(0);
    expect(tp / sl).toBeCloseTo(1.5, 1);
    expect(tp).not.toBe(5);

    // Validated as the parameters are: a clear message per field, and nothing bought.
    const before = (await caller.trades.active()).length;
    await expect(buy({ trailingStopPct: 0.05 })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringContaining('trailing stop must be between 0.1 % and 50 %'),
    });
    await expect(buy({ maxHoldingHours: 1000 })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(buy({ takeProfitPct: 1.234 })).rejects.toMatchObject({
      message: expect.stringContaining('take-profit has at most 2 decimals'),
    });
    expect(await caller.trades.active()).toHaveLength(before);
  });
});
