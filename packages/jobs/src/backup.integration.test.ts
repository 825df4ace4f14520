import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createDuckDbStore } from '@tradehits/analytics/duckdb-store';
import type { AnalyticsStore } from '@tradehits/analytics/store';
import { sharedBars } from '@tradehits/analytics/testing/store-contract';
import type { SentimentItem } from '@tradehits/core';
import { audit, type DbHandle, getAccount, readSnapshot, schema } from '@tradehits/db';
import { createPostgresTestDb } from '@tradehits/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backupTo, readManifest, restoreFrom } from './backup';
import { bullishAggregates, createPaperTrader } from './testing';

/** Every row of every table, as text, in a stable order: what "identical" means for the relational core. */
async function dump(db: DbHandle) {
  const tables: Record<string, string[]> = {};
  await readSnapshot(db.db, async (t, rows) => {
    tables[t.name] = [...(tables[t.name] ?? []), ...rows.map((r) => JSON.stringify(r))].sort();
  });
  return tables;
}

async function analyticsDump(a: AnalyticsStore, from: number, to: number) {
  return {
    bars: await a.bars({ symbol: 'ETH/BTC', timeframe: '5m' }),
    aggregates: await a.sentimentTimeline({ symbol: 'ETH/BTC', window: '24h', from, to }),
    items: await a.sentimentItems({ from, to }),
  };
}

describe('backup → wipe → restore', () => {
  let source: DbHandle;
  let target: DbHandle;
  let dir: string;
  let sourceAnalytics: AnalyticsStore;
  let targetAnalytics: AnalyticsStore;
  const bars = sharedBars('ETH', 300);
  const from = bars[0]!.openTime;
  const to = bars.at(-1)!.openTime;

  beforeAll(async () => {
    [source, target] = await Promise.all([createPostgresTestDb(), createPostgresTestDb()]);
    dir = await mkdtemp(path.join(tmpdir(), 'tradehits-backup-'));
    sourceAnalytics = await createDuckDbStore(path.join(dir, 'source.duckdb'));
    targetAnalytics = await createDuckDbStore(path.join(dir, 'target.duckdb'));
    await sourceAnalytics.migrate();
    await targetAnalytics.migrate();

    const user = await createPaperTrader(source.db, 'alice', 'crypto');
    const account = (await getAccount(source.db, user.id, 'crypto', 'paper'))!;
    await source.db.insert(schema.trades).values({
      userId: user.id,
      accountId: account.id,
      symbol: 'BTC/USD',
      assetType: 'crypto',
      isPaper: true,
      status: 'closed',
      clientOrderId: 'th-backup-1',
      // Digits a float would lose: the restore must bring back these exact strings.
      entryPrice: '43123.1234567891',
      exitPrice: '43999.0000000001',
      quantity: '0.0231891234',
      amount: 100_001,
      pnl: 2033,
      entryTime: new Date('2026-11-30T10:00:00.123Z'),
      exitTime: new Date('2026-11-30T12:00:00Z'),
      executionReason: 'lowest point',
      indicatorSnapshot: {
        rsi: 28.125,
        note: 'quote " and \\ backslash',
        scale: 0.1,
      },
    });
    await audit(source.db, { actorId: user.id, action: 'test.backup', details: { n: 1 } });

    await sourceAnalytics.upsertBars('crypto', bars);
    await sourceAnalytics.upsertSentimentAggregates(bullishAggregates('ETH/BTC', 'crypto', from, to));
    const items: SentimentItem[] = [
      {
        source: 'news',
        itemId: 'n-1',
        kind: 'news',
        author: null,
        text: 'Bitcoin rallies after the dip',
        url: 'https://example.test/1',
        postedAt: from + 60_000,
        symbols: ['BTC/USD'],
        score: 42.5,
        category: 'bullish',
      },
    ];
    await sourceAnalytics.upsertSentimentItems('crypto', items);
  }, 120_000);

  afterAll(async () => {
    await Promise.all([sourceAnalytics?.close(), targetAnalytics?.close()]);
    await Promise.all([source?.close(), target?.close()]);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('gives identical users, trades, bars and sentiment', async () => {
    const out = path.join(dir, 'backup');
    const manifest = await backupTo(
      { db: source.db, analytics: sourceAnalytics, now: () => new Date() },
      out,
    );
    expect(manifest.relational.find((t) => t.table === 'users')?.rows).toBe(1);
    expect(manifest.relational.find((t) => t.table === 'trades')?.rows).toBe(1);
    expect(manifest.analytics.tables.find((t) => t.table === 'crypto_bars_5m')?.rows).toBe(bars.length);
    expect(readManifest(out).format).toBe('tradehits-backup/1');

    const restored = await restoreFrom({ db: target.db, analytics: targetAnalytics }, out);
    expect(restored.relational.find((t) => t.table === 'trades')?.rows).toBe(1);

    expect(await dump(target)).toEqual(await dump(source));
    const after = await analyticsDump(targetAnalytics, from, to);
    expect(after).toEqual(await analyticsDump(sourceAnalytics, from, to));
    expect(after.bars).toHaveLength(bars.length);
    expect(after.items).toHaveLength(1);

    // Sequences moved past the restored ids: the next audit row does not collide.
    await audit(target.db, { actorId: null, action: 'after.restore' });
  }, 120_000);

  it('refuses a store that holds rows and writes nothing', async () => {
    const before = await dump(target);
    await expect(
      restoreFrom({ db: target.db, analytics: targetAnalytics }, path.join(dir, 'backup')),
    ).rejects.toThrow(/empty database/);
    expect(await dump(target)).toEqual(before);
  });

  it('refuses a folder without a manifest', async () => {
    await expect(restoreFrom({ db: target.db, analytics: targetAnalytics }, dir)).rejects.toThrow(
      /not a finished backup/,
    );
  });
});
