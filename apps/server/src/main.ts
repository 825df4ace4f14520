import { fileURLToPath } from 'node:url';
import { serveAnalyticsStore } from '@tradehits/analytics';
import { ensureAdmin } from '@tradehits/api';
import { loadConfigOrExit } from '@tradehits/config';
import { createRunner, createServices, watchApprovals } from '@tradehits/jobs';
import { createHttpServer } from './http';
import { createMetrics } from './metrics';

// The HTTP process. Embedded mode (no REDIS_URL) also runs every scheduled job in this process.
const config = loadConfigOrExit();

const services = await createServices(config);
const runner = createRunner(services, { consume: config.jobs.kind === 'in-process' && config.JOBS_ENABLED });
const admin = await ensureAdmin(services.db, config);
if (admin === 'created') services.log.info({ username: config.ADMIN_USERNAME }, 'admin account created');
await runner.start();
// With DuckDB this process owns the file; a BullMQ worker and the CLIs reach it through this socket.
const analyticsSocket =
  config.analytics.kind === 'duckdb'
    ? await serveAnalyticsStore(services.analytics, config.analytics.socket)
    : null;
// A pending approval reaches the admins' live feed the moment it is published.
const stopWatchingApprovals = watchApprovals(services);
// Fill the market calendar (and cross-check it) now rather than at the first 05:30 run.
if (runner.kind === 'in-process' && config.JOBS_ENABLED)
  await runner.enqueue(
    'calendar.crosscheck',
    {},
    `calendar.crosscheck:start:${new Date().toISOString().slice(0, 10)}`,
  );

const webDist = fileURLToPath(new URL('../../web/dist', import.meta.url));
const server = createHttpServer(services, runner, webDist, { metrics: createMetrics(services, runner) });
server.listen(config.PORT, config.HOST, () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  services.log.info(
    {
      url: `http://${config.HOST}:${port}`,
      db: config.database.kind,
      analytics: config.analytics.kind,
      jobs: runner.kind,
    },
    'TradeHits is listening',
  );
});

async function shutdown(signal: string) {
  services.log.info({ signal }, 'shutting down');
  server.closeAllConnections();
  server.close();
  stopWatchingApprovals();
  await analyticsSocket?.close();
  await runner.close();
  await services.close();
  process.exit(0);
}
process.once('SIGINT', () => void shutdown('SIGINT'));
process.once('SIGTERM', () => void shutdown('SIGTERM'));
