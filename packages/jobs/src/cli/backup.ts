import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { loadConfig } from '@tradehits/config';
import { errorMessage } from '@tradehits/core/errors';
import { backupTo, readManifest, restoreFrom } from '../backup';
import { createLogger } from '../log';
import { createServices, sharedAnalyticsStore } from '../services';

const USAGE = {
  backup: `Usage: npm run backup -- --out <empty folder> [--analytics-uri gs://bucket/prefix] [--json]

Writes the relational core (PostgreSQL or PGlite, read in one consistent snapshot) and the analytics
tables to Parquet, with manifest.json written last. With DuckDB the analytics go beside them (through
the running server when it owns the file); with BigQuery they are exported under --analytics-uri
(default BACKUP_GCS_URI). With PGlite (no DATABASE_URL) stop the server first: PGlite is one process's.`,
  restore: `Usage: npm run restore -- --from <backup folder> [--json]

Loads a backup made by \`npm run backup\` into empty stores (migrated first). Refuses when any table
already holds rows; the relational tables go in one transaction.`,
};

type Command = keyof typeof USAGE;

async function main(command: Command, argv: string[]): Promise<number> {
  let values: { out?: string; from?: string; 'analytics-uri'?: string; json?: boolean; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        out: { type: 'string' },
        from: { type: 'string' },
        'analytics-uri': { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }));
  } catch (err) {
    process.stderr.write(`${errorMessage(err)}\n\n${USAGE[command]}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(`${USAGE[command]}\n`);
    return 0;
  }
  const dir = command === 'backup' ? values.out : values.from;
  if (!dir) {
    process.stderr.write(`--${command === 'backup' ? 'out' : 'from'} is required.\n\n${USAGE[command]}\n`);
    return 2;
  }
  if (command === 'restore') readManifest(dir);
  const config = loadConfig();
  const shared = await sharedAnalyticsStore(config, { required: false });
  // Logs go to stderr so that --json leaves stdout one document.
  const log = createLogger(values.json ? 'silent' : 'warn');
  const services = await createServices(config, { log, ...(shared ? { analytics: shared } : {}) });
  try {
    if (command === 'backup') {
      const uri = values['analytics-uri'] ?? config.BACKUP_GCS_URI;
      const manifest = await backupTo(services, dir, uri ? { analyticsUri: uri } : {});
      if (values.json) process.stdout.write(`${JSON.stringify({ out: dir, ...manifest })}\n`);
      else {
        for (const t of manifest.relational)
          process.stdout.write(`${t.table.padEnd(28)} ${String(t.rows).padStart(9)}\n`);
        for (const t of manifest.analytics.tables)
          process.stdout.write(`${`analytics.${t.table}`.padEnd(28)} ${String(t.rows).padStart(9)}\n`);
        process.stdout.write(`Backup written to ${dir}\n`);
      }
    } else {
      const result = await restoreFrom(services, dir);
      if (values.json) process.stdout.write(`${JSON.stringify({ from: dir, ...result })}\n`);
      else {
        for (const t of [...result.relational, ...result.analytics])
          process.stdout.write(`${t.table.padEnd(28)} ${String(t.rows).padStart(9)}\n`);
        process.stdout.write(`Restored from ${dir}\n`);
      }
    }
  } finally {
    await services.close();
  }
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const command = process.argv[2] as Command;
  if (!(command in USAGE)) {
    process.stderr.write('Usage: backup.ts backup|restore [options]\n');
    process.exitCode = 2;
  } else {
    main(command, process.argv.slice(3)).then(
      (code) => {
        process.exitCode = code;
      },
      (error) => {
        process.stderr.write(`${errorMessage(error)}\n`);
        process.exitCode = 1;
      },
    );
  }
}
