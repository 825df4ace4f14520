import { type DbHandle, insertOptimizerRun } from '@tradehits/db';
import { createPostgresTestDb } from '@tradehits/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApi } from './testing';

describe('research: applying an optimiser result', () => {
  let db: DbHandle;
  let api: Awaited<ReturnType<typeof createTestApi>>;
  const recommended = {
    takeProfitPct: 3.99,
    stopLossPct: 3.09,
    takeProfitAtr: null,
    stopLossAtr: null,
    trailingStopPct: 3.38,
    breakEvenAfterPct: 1.73,
    maxHoldingHours: null,
    buyAtLowestOnly: false,
    maxConcurrentTrades: 2,
  };
  const summary = {
    trades: 10,
    wins: 7,
    winRate: 0.7,
    pnlCents: 225,
    feesCents: 457,
    profitFactor: 1.4,
    meanReturn: 0.002,
  };
  let runId: string;
  beforeAll(async () => {
    db = await createPostgresTestDb();
    api = await createTestApi(db);
    runId = await insertOptimizerRun(db.db, {
      dataset: 'binance-2018-01',
      symbols: ['ETH/BTC'],
      timeframe: '5m',
      dataFrom: new Date('2018-01-10T00:00:00Z'),
      dataTo: new Date('2018-01-30T00:00:00Z'),
      config: { trainDays: 6, testDays: 2 },
      costModel: 'range-volume costs',
      folds: [],
      inSample: summary,
      outOfSample: summary,
      recommended,
      recommendedOutOfSample: summary,
      notes: [],
      seconds: '72.3',
    });
  });
  afterAll(async () => {
    await api.close();
    await db.close();
  });

  it('lists runs and writes the recommended parameters into the trader’s own row only', async () => {
    const { caller } = await api.signUp('olga');
    const { caller: other } = await api.signUp('otto');
    const runs = await caller.research.optimizerRuns();
    expect(runs.map((r) => r.id)).toContain(runId);
    const row = await caller.me.parameters.create({ symbol: 'ALL', tradeAmount: 100 });
    await expect(other.research.applyOptimizerRun({ runId, parametersId: row.id })).rejects.toThrow(
      'No such parameters.',
    );
    const applied = await caller.research.applyOptimizerRun({ runId, parametersId: row.id });
    expect(applied.applied).toEqual(recommended);
    const [after] = await caller.me.parameters.list();
    expect(after).toMatchObject({ ...recommended, tradeAmount: '100.00' });
    await expect(
      caller.research.applyOptimizerRun({
        runId: '00000000-0000-4000-8000-000000000000',
        parametersId: row.id,
      }),
    ).rejects.toThrow('No such optimiser run.');
  });
});
