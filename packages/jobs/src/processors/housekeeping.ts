import { deleteExpiredSessions, deleteLoginAttemptsBefore } from '@tradehits/db';
import type { Processor } from '../runner';

/** Login attempts are kept a week for the audit of abuse; the rate limit itself reads 15 minutes. */
const LOGIN_ATTEMPTS_KEPT_MS = 7 * 86_400_000;

/** Daily: drops expired sessions and old login attempts, so neither table grows without bound. */
export const housekeeping: Processor<'system.housekeeping'> = async (_p, { services, now }) => ({
  expiredSessions: await deleteExpiredSessions(services.db, now),
  loginAttempts: await deleteLoginAttemptsBefore(
    services.db,
    new Date(now.getTime() - LOGIN_ATTEMPTS_KEPT_MS),
  ),
});
