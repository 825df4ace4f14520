import { fileURLToPath } from 'node:url';
import { ensureAdmin } from '@tradehits/api';
import { loadConfigOrExit } from '@tradehits/config';
import { createRunner, createServices } from '@tradehits/jobs';
import { createHttpServer } from './http';

// The HTTP process. Embedded mode (no REDIS_URL) also runs every scheduled job in this process.
const config = loadConfigOrExit();

const services = await createServices(config);
const runner = createRunner(services, { consume: config.jobs.kind === 'in-process' && config.JOBS_ENABLED });
const admin = await ensureAdmin(services.db, config);
if (admin === 'created') services.log.info({ username: config.ADMIN_USERNAME }, 'admin account created');
await runner.start();
// Fill the market calendar (and cross-check it) now rather than at the first 05:30 run.
if (runner.kind === 'in-process' && config.JOBS_ENABLED)
  await runner.enqueue(
    'calendar.crosscheck',
    {},
    `calendar.crosscheck:start:${new Date().toISOString().slice(0, 10)}`,
  );

const webDist = fileURLToPath(new URL('../../web/dist', import.meta.url));
const server = createHttpServer(services, runner, webDist);
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
  await runner.close();
  await services.close();
  process.exit(0);
}
process.once('SIGINT', () => void shutdown('SIGINT'));
process.once('SIGTERM', () => void shutdown('SIGTERM'));
