import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createDuckDbStore } from '@tradehits/analytics/duckdb-store';
import type { AnalyticsStore } from '@tradehits/analytics/store';
import { withIndicators } from '@tradehits/core/indicators';
import { binance2018As } from '@tradehits/core/testing/binance-2018';
import { createDb, type DbHandle, schema } from '@tradehits/db';
import { createPgliteTestDb, createPostgresTestDb } from '@tradehits/db/testing';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApi } from './testing';

/**
 * trades.active is built once per database and asked on every dashboard refresh: whatever makes it
 * cheap, a trade opened or closed is in the very next answer, on both drivers.
 */
describe.each([
  ['PostgreSQL', createPostgresTestDb],
  ['PGlite', createPgliteTestDb],
])('trades.active on %s', (driver, createTestDb) => {
  let db: DbHandle;
  /** Writes as another process would: a second pool on PostgreSQL (PGlite has one writer: itself). */
  let other: DbHandle | null = null;
  let dir: string;
  let analytics: AnalyticsStore;
  let api: Awaited<ReturnType<typeof createTestApi>>;

  beforeAll(async () => {
    db = await createTestDb();
    if ('url' in db) other = createDb({ kind: 'postgres', url: String(db.url) });
    dir = await mkdtemp(path.join(tmpdir(), 'tradehits-active-'));
    analytics = await createDuckDbStore(path.join(dir, 'a.duckdb'));
    await analytics.migrate();
    // Recorded candles relabelled ETH/USD, ending five minutes ago, so a paper buy has a price.
    const recorded = binance2018As('ETH/USD').slice(-50);
    const shift = Date.now() - 300_000 - recorded.at(-1)!.openTime;
    await analytics.upsertBars(
      'crypto',
      withIndicators(recorded.map((b) => ({ ...b, openTime: b.openTime + shift }))),
    );
    api = await createTestApi(db, {}, { analytics });
  }, 60_000);
  afterAll(async () => {
    await api?.close();
    await analytics?.close();
    await other?.close();
    await db?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('shows a trade opened or closed in the very next answer, and only the caller’s own', async () => {
    const alice = await api.signUp(`active-alice-${driver}`.toLowerCase());
    const bob = await api.signUp(`active-bob-${driver}`.toLowerCase());
    await alice.caller.me.parameters.create({
      assetType: 'crypto',
      symbol: 'ALL',
      takeProfitPct: 4,
      stopLossPct: 2,
      maxConcurrentTrades: 5,
    });
    expect(await alice.caller.trades.active()).toEqual([]);

    const buy = () =>
      alice.caller.trades.execute({
        side: 'buy',
        assetType: 'crypto',
        symbol: 'ETH/USD',
        amount: '100',
        mode: 'paper',
      });
    const first = await buy();
    expect((await alice.caller.trades.active()).map((t) => [t.id, t.status])).toEqual([[first.id, 'open']]);
    const second = await buy();
    expect((await alice.caller.trades.active()).map((t) => t.id)).toEqual([second.id, first.id]);
    expect(await bob.caller.trades.active()).toEqual([]);

    await alice.caller.trades.close({ tradeId: first.id });
    const after = await alice.caller.trades.active();
    expect(after.map((t) => t.id)).toEqual([second.id]);
    expect(after[0]).toMatchObject({ amount: second.amount, symbol: 'ETH/USD', isPaper: true });

    // A change the router never saw (the worker's reconciliation, say) is in the next answer too.
    const writer = (other ?? db).db;
    await writer.update(schema.trades).set({ status: 'closing' }).where(eq(schema.trades.id, second.id));
    expect((await alice.caller.trades.active()).map((t) => t.status)).toEqual(['closing']);
    await writer.update(schema.trades).set({ status: 'failed' }).where(eq(schema.trades.id, second.id));
    expect(await alice.caller.trades.active()).toEqual([]);
  });
});
