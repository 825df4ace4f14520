import type { Services } from '@tradehits/trading';
import { createBullmqRunner } from './bullmq-runner';
import { replaySchedules, SCHEDULES } from './contracts';
import { createInProcessRunner } from './in-process-runner';
import { processors } from './processors';
import type { JobRunner } from './runner';

/**
 * The runner the configuration calls for. `consume: false` gives a runner that only enqueues and
 * reports health (the API server beside a worker app, or with JOBS_ENABLED=false).
 */
export function createRunner(services: Services, options: { consume: boolean }): JobRunner {
  const { jobs, MARKET_SOURCE, REPLAY_SPEED } = services.config;
  // A replay faster than real time runs the market jobs at its pace, so new bars arrive as they play.
  const schedules = MARKET_SOURCE === 'replay' ? replaySchedules(SCHEDULES, REPLAY_SPEED) : SCHEDULES;
  if (jobs.kind === 'bullmq') {
    return createBullmqRunner(services, processors, {
      redisUrl: jobs.redisUrl,
      consume: options.consume,
      prefix: services.config.QUEUE_PREFIX,
      schedules,
    });
  }
  return createInProcessRunner(services, processors, { schedules: options.consume ? schedules : [] });
}
