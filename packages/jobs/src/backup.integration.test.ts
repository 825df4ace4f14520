import { readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createBigQueryStore } from '@tradehits/analytics/bigquery-store';
import { createDuckDbStore } from '@tradehits/analytics/duckdb-store';
import { TABLES } from '@tradehits/analytics/schema';
import type { AnalyticsStore } from '@tradehits/analytics/store';
import { type FakeBigQuery, startFakeBigQuery } from '@tradehits/analytics/testing/fake-bigquery';
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

/** Bars, a sentiment series and one scored item: the analytics rows both backup paths must bring back. */
async function seedAnalytics(a: AnalyticsStore, bars: ReturnType<typeof sharedBars>) {
  const from = bars[0]!.openTime;
  const to = bars.at(-1)!.openTime;
  await a.upsertBars('crypto', bars);
  await a.upsertSentimentAggregates(bullishAggregates('ETH/BTC', 'crypto', from, to));
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
  await a.upsertSentimentItems('crypto', items);
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

    await seedAnalytics(sourceAnalytics, bars);
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

describe('backup → wipe → restore through BigQuery extract and load jobs', () => {
  const PROJECT = 'tradehits-backup';
  const DATASET = 'analytics';
  const URI = 'gs://tradehits-backups/nightly/2026-12-02';
  let fake: FakeBigQuery;
  let source: DbHandle;
  let target: DbHandle;
  let dir: string;
  let client: ReturnType<FakeBigQuery['client']>;
  let analytics: AnalyticsStore;
  const bars = sharedBars('ETH', 300);
  const from = bars[0]!.openTime;
  const to = bars.at(-1)!.openTime;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'tradehits-bq-backup-'));
    [fake, source, target] = await Promise.all([
      startFakeBigQuery(PROJECT, { storageDir: path.join(dir, 'gcs') }),
      createPostgresTestDb(),
      createPostgresTestDb(),
    ]);
    // The real client on the fake, Google auth skipped: nothing leaves 127.0.0.1.
    client = fake.client();
    analytics = createBigQueryStore({ project: PROJECT, dataset: DATASET, client });
    await analytics.migrate();
    await createPaperTrader(source.db, 'bob', 'crypto');
    await seedAnalytics(analytics, bars);
  }, 120_000);

  afterAll(async () => {
    await analytics?.close();
    await Promise.all([source?.close(), target?.close(), fake?.close()]);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('gives identical bars and sentiment rows', async () => {
    const before = await analyticsDump(analytics, from, to);
    expect(before.bars).toHaveLength(bars.length);
    const out = path.join(dir, 'backup');
    const sent = fake.requests.length;
    const manifest = await backupTo({ db: source.db, analytics, now: () => new Date() }, out, {
      analyticsUri: URI,
    });
    expect(manifest.analytics).toMatchObject({ kind: 'bigquery', location: URI });
    expect(manifest.analytics.tables.find((t) => t.table === 'crypto_bars_5m')?.rows).toBe(bars.length);

    // One extract job per table, Parquet under the prefix, each table in its own folder.
    const extracts = fake.requests
      .slice(sent)
      .filter((r) => r.path === `/bigquery/v2/projects/${PROJECT}/jobs` && r.method === 'POST')
      .map((r) => (r.body.configuration as { extract: Record<string, unknown> }).extract);
    expect(extracts).toHaveLength(TABLES.length);
    expect(extracts[0]).toEqual({
      sourceTable: { projectId: PROJECT, datasetId: DATASET, tableId: TABLES[0]!.name },
      destinationUris: [`${URI}/${TABLES[0]!.name}/*.parquet`],
      destinationFormat: 'PARQUET',
    });
    const bucket = path.join(dir, 'gcs', 'tradehits-backups', 'nightly', '2026-12-02');
    expect(readdirSync(bucket).sort()).toEqual(TABLES.map((t) => t.name).sort());

    // Wipe every analytics table, then restore into the now empty dataset.
    for (const def of TABLES)
      await client.query({
        query: `TRUNCATE TABLE \`${PROJECT}.${DATASET}.${def.name}\``,
        useLegacySql: false,
      });
    expect((await analyticsDump(analytics, from, to)).bars).toEqual([]);

    const restored = await restoreFrom({ db: target.db, analytics }, out);
    expect(restored.analytics).toEqual(manifest.analytics.tables);
    const loads = fake.requests
      .filter((r) => r.method === 'POST' && r.path.endsWith('/jobs'))
      .map((r) => (r.body.configuration as { load?: Record<string, unknown> }).load)
      .filter(Boolean);
    expect(loads).toHaveLength(TABLES.length);
    expect(loads[0]).toMatchObject({ sourceFormat: 'PARQUET', writeDisposition: 'WRITE_EMPTY' });

    expect(await analyticsDump(analytics, from, to)).toEqual(before);
    expect(await dump(target)).toEqual(await dump(source));
  }, 120_000);

  it('refuses a dataset that holds rows, and a load job refuses a non-empty table', async () => {
    const empty = await createPostgresTestDb();
    try {
      await expect(restoreFrom({ db: empty.db, analytics }, path.join(dir, 'backup'))).rejects.toThrow(
        /empty dataset: .* has rows/,
      );
    } finally {
      await empty.close();
    }
    // The job's own guard, for a row that lands between the check and the load.
    const [job] = await client
      .createJob({
        configuration: {
          load: {
            destinationTable: { projectId: PROJECT, datasetId: DATASET, tableId: 'crypto_bars_5m' },
            sourceUris: [`${URI}/crypto_bars_5m/*.parquet`],
            sourceFormat: 'PARQUET',
            writeDisposition: 'WRITE_EMPTY',
          },
        },
      })
      .catch((error: unknown) => [error]);
    expect(String(job)).toMatch(/not empty/);
  });

  it('refuses a backup target outside Cloud Storage before any job runs', async () => {
    await expect(analytics.exportTables('/tmp/not-a-bucket')).rejects.toThrow(/gs:\/\/bucket\/prefix/);
  });
});
