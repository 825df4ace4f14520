import type { Processor } from '../runner';

/** Proves the scheduler and the database are alive: the run itself is the record. */
export const heartbeat: Processor<'system.heartbeat'> = async (_payload, { now }) => ({
  at: now.toISOString(),
});
