import { deleteJobRunsBefore, deleteReadNotificationsBefore } from '@tradehits/db';
import type { Processor } from '../runner';

const DAY_MS = 86_400_000;
/** Read notifications are history once seen; a quarter is enough to look back on an incident. */
const NOTIFICATIONS_KEPT_DAYS = 90;

/**
 * Daily: prunes the operational logs that grow with every tick. Job runs (a row per refusal per tick)
 * are kept JOB_RUNS_KEEP_DAYS; read notifications a quarter. The audit log is never pruned.
 */
export const retentionProcessor: Processor<'system.retention'> = async (_p, { services, now }) => {
  const t = now.getTime();
  return {
    jobRuns: await deleteJobRunsBefore(
      services.db,
      new Date(t - services.config.JOB_RUNS_KEEP_DAYS * DAY_MS),
    ),
    notifications: await deleteReadNotificationsBefore(
      services.db,
      new Date(t - NOTIFICATIONS_KEPT_DAYS * DAY_MS),
    ),
  };
};
