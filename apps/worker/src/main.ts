import { loadConfigOrExit } from '@tradehits/config';
import { createRunner, createServices } from '@tradehits/jobs';

// The BullMQ worker: registers the job schedulers (idempotent by id) and consumes every queue.
const config = loadConfigOrExit();
if (config.jobs.kind !== 'bullmq') {
  console.error(
    'REDIS_URL: the worker consumes BullMQ queues; set it (without it, `npm start` runs the jobs in process).',
  );
  process.exit(1);
}

const services = await createServices(config);
const runner = createRunner(services, { consume: true });
await runner.start();
// Fill the market calendar (and cross-check it) now rather than at the first 05:30 run.
await runner.enqueue(
  'calendar.crosscheck',
  {},
  `calendar.crosscheck:start:${new Date().toISOString().slice(0, 10)}`,
);
services.log.info({ redis: new URL(config.jobs.redisUrl).host }, 'worker consuming');

async function shutdown(signal: string) {
  services.log.info({ signal }, 'worker stopping');
  await runner.close();
  await services.close();
  process.exit(0);
}
process.once('SIGINT', () => void shutdown('SIGINT'));
process.once('SIGTERM', () => void shutdown('SIGTERM'));
