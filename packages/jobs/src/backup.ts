import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createTextParquetWriter, readTextParquet, type TableCount } from '@tradehits/analytics';
import {
  insertTextRows,
  nonEmptyTables,
  readSnapshot,
  relationalTables,
  resetSequences,
  type TableShape,
} from '@tradehits/db';
import type { Services } from '@tradehits/trading';
import { z } from 'zod';

const MANIFEST = 'manifest.json';

const manifestSchema = z.object({
  format: z.literal('tradehits-backup/1'),
  createdAt: z.string(),
  relational: z.array(
    z.object({
      table: z.string(),
      rows: z.number().int(),
      columns: z.array(z.object({ name: z.string(), type: z.string() })),
    }),
  ),
  analytics: z.object({
    kind: z.enum(['duckdb', 'bigquery']),
    /** A folder beside the manifest (`analytics`) or a gs:// prefix. */
    location: z.string(),
    tables: z.array(z.object({ table: z.string(), rows: z.number().int() })),
  }),
});

export type BackupManifest = z.infer<typeof manifestSchema>;

/**
 * Writes a backup into `dir` (created; must be empty): every relational table to
 * `relational/<table>.parquet` from one repeatable-read snapshot, the analytics tables to
 * `analytics/<table>.parquet` (DuckDB) or under `analyticsUri` (BigQuery), and `manifest.json` last,
 * so a folder without a manifest is an unfinished backup.
 */
export async function backupTo(
  services: Pick<Services, 'db' | 'analytics' | 'now'>,
  dir: string,
  options: { analyticsUri?: string } = {},
): Promise<BackupManifest> {
  const out = path.resolve(dir);
  mkdirSync(out, { recursive: true });
  if (readdirSync(out).length > 0) throw new Error(`Backups go into an empty folder: ${out} is not empty.`);
  if (services.analytics.kind === 'bigquery' && !options.analyticsUri)
    throw new Error('BigQuery tables are backed up to Cloud Storage: give a gs:// prefix (BACKUP_GCS_URI).');
  const relDir = path.join(out, 'relational');
  mkdirSync(relDir);
  const shapes = new Map<string, TableShape>();
  const writers = new Map<string, Awaited<ReturnType<typeof createTextParquetWriter>>>();
  const writerFor = async (table: TableShape) => {
    let w = writers.get(table.name);
    if (!w) {
      w = await createTextParquetWriter(
        path.join(relDir, `${table.name}.parquet`),
        table.columns.map((c) => c.name),
      );
      writers.set(table.name, w);
    }
    return w;
  };
  // Tables are listed (and empty ones written) from the same catalogue the snapshot reads.
  for (const t of await relationalTables(services.db)) {
    shapes.set(t.name, t);
    await writerFor(t);
  }
  const counts = await readSnapshot(services.db, async (table, rows) =>
    (await writerFor(table)).append(rows),
  );
  for (const w of writers.values()) await w.finish();
  const analyticsLocation =
    services.analytics.kind === 'bigquery' ? options.analyticsUri! : path.join(out, 'analytics');
  const analyticsTables = await services.analytics.exportTables(analyticsLocation);
  const manifest: BackupManifest = {
    format: 'tradehits-backup/1',
    createdAt: services.now().toISOString(),
    relational: counts.map((c) => ({ ...c, columns: shapes.get(c.table)?.columns ?? [] })),
    analytics: {
      kind: services.analytics.kind,
      location: services.analytics.kind === 'bigquery' ? analyticsLocation : 'analytics',
      tables: analyticsTables,
    },
  };
  writeFileSync(path.join(out, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

/** Reads and checks a backup's manifest. */
export function readManifest(dir: string): BackupManifest {
  const file = path.join(path.resolve(dir), MANIFEST);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new Error(`${file} is missing: not a finished backup.`);
  }
  return manifestSchema.parse(JSON.parse(text));
}

/**
 * Restores a backup into empty stores: the relational tables in one transaction (parents first, then
 * the sequences moved past the restored ids), then the analytics tables. Refuses when any table
 * already holds rows, so nothing is mixed or half-written over live data.
 */
export async function restoreFrom(
  services: Pick<Services, 'db' | 'analytics'>,
  dir: string,
): Promise<{ relational: TableCount[]; analytics: TableCount[] }> {
  const src = path.resolve(dir);
  const manifest = readManifest(src);
  if (manifest.analytics.kind !== services.analytics.kind)
    throw new Error(
      `This backup's analytics are ${manifest.analytics.kind}; the configured store is ${services.analytics.kind}.`,
    );
  const current = await relationalTables(services.db);
  const busy = await nonEmptyTables(services.db, current);
  if (busy.length) throw new Error(`Restore needs an empty database: ${busy.join(', ')} hold rows.`);
  const byName = new Map(current.map((t) => [t.name, t]));
  for (const t of manifest.relational) {
    const now = byName.get(t.table);
    const same = now && now.columns.map((c) => c.name).join() === t.columns.map((c) => c.name).join();
    if (!same)
      throw new Error(`Table ${t.table} differs from the backup's: migrate to the backup's version first.`);
  }
  const backedUp = new Map(manifest.relational.map((t) => [t.table, t]));
  const relational: TableCount[] = [];
  await services.db.transaction(async (tx) => {
    for (const table of current) {
      if (!backedUp.has(table.name)) continue;
      const rows = await readTextParquet(
        path.join(src, 'relational', `${table.name}.parquet`),
        table.columns.map((c) => c.name),
        (page) => insertTextRows(tx, table, page),
      );
      relational.push({ table: table.name, rows });
    }
    await resetSequences(tx, current);
  });
  const location =
    manifest.analytics.kind === 'bigquery'
      ? manifest.analytics.location
      : path.join(src, manifest.analytics.location);
  const analytics = await services.analytics.importTables(location);
  return { relational, analytics };
}

/** Keeps the newest `keep` finished backups in `root` (folders named by time sort oldest first). */
export function pruneBackups(root: string, keep: number): string[] {
  let entries: string[];
  try {
    entries = readdirSync(root).filter((name) => statSync(path.join(root, name)).isDirectory());
  } catch {
    return [];
  }
  const removed = entries.sort().slice(0, Math.max(0, entries.length - keep));
  for (const name of removed) rmSync(path.join(root, name), { recursive: true, force: true });
  return removed;
}
