import type { Services } from '@tradehits/trading';
import { createBullmqRunner } from './bullmq-runner';
import { createInProcessRunner } from './in-process-runner';
import { processors } from './processors';
import type { JobRunner } from './runner';

/**
 * The runner the configuration calls for. `consume: false` gives a runner that only enqueues and
 * reports health (the API server beside a worker app, or with JOBS_ENABLED=false).
 */
export function createRunner(services: Services, options: { consume: boolean }): JobRunner {
  const { jobs } = services.config;
  if (jobs.kind === 'bullmq') {
    return createBullmqRunner(services, processors, {
      redisUrl: jobs.redisUrl,
      consume: options.consume,
      prefix: services.config.QUEUE_PREFIX,
    });
  }
  return createInProcessRunner(services, processors, options.consume ? {} : { schedules: [] });
}
