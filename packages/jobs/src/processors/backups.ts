import path from 'node:path';
import { backupTo, pruneBackups } from '../backup';
import type { Processor } from '../runner';

/**
 * Daily: a full backup into `<BACKUP_DIR>/<UTC time>` (BigQuery tables under BACKUP_GCS_URI with the
 * same name), then only the newest BACKUP_KEEP folders are kept.
 */
export const backupProcessor: Processor<'system.backup'> = async (_p, { services, now }) => {
  const { config } = services;
  const name = now.toISOString().replace(/[:.]/g, '-');
  const analyticsUri = config.BACKUP_GCS_URI
    ? `${config.BACKUP_GCS_URI.replace(/\/$/, '')}/${name}`
    : undefined;
  const manifest = await backupTo(
    services,
    path.join(config.backupDir, name),
    analyticsUri ? { analyticsUri } : {},
  );
  const pruned = pruneBackups(config.backupDir, config.BACKUP_KEEP);
  return {
    backup: name,
    relationalRows: manifest.relational.reduce((n, t) => n + t.rows, 0),
    analyticsRows: manifest.analytics.tables.reduce((n, t) => n + t.rows, 0),
    pruned,
  };
};
