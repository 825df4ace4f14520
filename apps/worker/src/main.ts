import { loadConfigOrExit } from '@tradehits/config';
import { createRunner, createServices, sharedAnalyticsStore } from '@tradehits/jobs';

// The BullMQ worker: registers the job schedulers (idempotent by id) and consumes every queue.
const config = loadConfigOrExit();
if (config.jobs.kind !== 'bullmq') {
  console.error(
    'REDIS_URL: the worker consumes BullMQ queues; set it (without it, `npm start` runs the jobs in process).',
  );
  process.exit(1);
}

if (config.database.kind === 'pglite') {
  console.error(
    'DATABASE_URL: the worker and the server share one database; PGlite belongs to one process, so set a PostgreSQL URL for both.',
  );
  process.exit(1);
}

// Without BigQuery the server owns the DuckDB file (one writer per file): reach it through its socket,
// in the same DATA_DIR. Waits for the server to be up.
const analytics = await sharedAnalyticsStore(config, { required: true, waitMs: 120_000 });
const services = await createServices(config, analytics ? { analytics } : {});
const runner = createRunner(services, { consume: true });
await runner.start();
// Fill the market calendar (and cross-check it) now rather than at the first 05:30 run.
await runner.enqueue(
  'calendar.crosscheck',
  {},
  `calendar.crosscheck:start:${new Date().toISOString().slice(0, 10)}`,
);
services.log.info(
  {
    redis: new URL(config.jobs.redisUrl).host,
    analytics: analytics ? 'via the server' : config.analytics.kind,
  },
  'worker consuming',
);

async function shutdown(signal: string) {
  services.log.info({ signal }, 'worker stopping');
  await runner.close();
  await services.close();
  process.exit(0);
}
process.once('SIGINT', () => void shutdown('SIGINT'));
process.once('SIGTERM', () => void shutdown('SIGTERM'));
