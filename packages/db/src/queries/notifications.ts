import { and, count, desc, inArray, isNull, lt, sql } from 'drizzle-orm';
import { type DbOrTx, queryRows } from '../client';
import { auditLog, jobRuns, notifications } from '../schema';

export type NotificationSeverity = 'info' | 'warning' | 'critical';

export interface NewNotification {
  kind: string;
  severity: NotificationSeverity;
  title: string;
  body: string;
  dedupeKey: string;
  detail?: unknown;
}

export type Notification = typeof notifications.$inferSelect;

/** Inserts the notification unless one with the same dedupe key exists; returns it only when new. */
export async function insertNotification(db: DbOrTx, n: NewNotification): Promise<Notification | null> {
  const [row] = await db
    .insert(notifications)
    .values({ ...n, detail: n.detail ?? null })
    .onConflictDoNothing({ target: notifications.dedupeKey })
    .returning();
  return row ?? null;
}

/** The newest notifications first. */
export async function listNotifications(db: DbOrTx, limit: number) {
  return db.select().from(notifications).orderBy(desc(notifications.createdAt)).limit(limit);
}

export async function countUnreadNotifications(db: DbOrTx): Promise<number> {
  const [row] = await db.select({ n: count() }).from(notifications).where(isNull(notifications.readAt));
  return Number(row?.n ?? 0);
}

/** Marks the given notifications (or all when `ids` is omitted) read; returns how many changed. */
export async function markNotificationsRead(db: DbOrTx, at: Date, ids?: string[]): Promise<number> {
  const unread = isNull(notifications.readAt);
  const rows = await db
    .update(notifications)
    .set({ readAt: at })
    .where(ids ? and(unread, inArray(notifications.id, ids)) : unread)
    .returning({ id: notifications.id });
  return rows.length;
}

/** Notifications not yet mailed, oldest first. */
export async function unmailedNotifications(db: DbOrTx, limit = 100) {
  return db
    .select()
    .from(notifications)
    .where(isNull(notifications.emailedAt))
    .orderBy(notifications.createdAt)
    .limit(limit);
}

export async function markNotificationsEmailed(db: DbOrTx, ids: string[], at: Date) {
  if (ids.length === 0) return;
  await db.update(notifications).set({ emailedAt: at }).where(inArray(notifications.id, ids));
}

/** Retention: drops job runs started before `before`; returns how many went. */
export async function deleteJobRunsBefore(db: DbOrTx, before: Date): Promise<number> {
  const rows = await db.delete(jobRuns).where(lt(jobRuns.startedAt, before)).returning({ id: jobRuns.id });
  return rows.length;
}

/** Retention: drops read notifications created before `before`; unread ones stay until seen. */
export async function deleteReadNotificationsBefore(db: DbOrTx, before: Date): Promise<number> {
  const rows = await db
    .delete(notifications)
    .where(and(lt(notifications.createdAt, before), sql`${notifications.readAt} is not null`))
    .returning({ id: notifications.id });
  return rows.length;
}

/**
 * Jobs whose runs since their last success are `streak` or more failures in a row, with when the
 * streak began (the dedupe key of its alert). Per-symbol refusal rows (`skipped`, with a symbol) are
 * not runs of the job and neither break nor extend a streak.
 */
export async function failingJobStreaks(db: DbOrTx, streak: number, since: Date) {
  const result = await queryRows<{
    job: string;
    failures: unknown;
    started: string | Date;
    last_error: string | null;
  }>(
    db,
    sql`
    with runs as (
      select job, status, error, started_at from ${jobRuns}
      where started_at >= ${since} and symbol is null and status in ('ok', 'failed')
    ), last_ok as (
      select job, max(started_at) as at from runs where status = 'ok' group by job
    )
    select r.job, count(*) as failures, min(r.started_at) as started,
           (array_agg(r.error order by r.started_at desc))[1] as last_error
    from runs r left join last_ok o on o.job = r.job
    where r.status = 'failed' and (o.at is null or r.started_at > o.at)
    group by r.job
    having count(*) >= ${streak}
  `,
  );
  return result.map((r) => ({
    job: r.job,
    failures: Number(r.failures),
    startedAt: new Date(r.started),
    lastError: r.last_error,
  }));
}

/** Audit entries since an instant whose action matches a LIKE pattern, oldest first. */
export async function auditEntriesLike(db: DbOrTx, pattern: string, since: Date) {
  return db
    .select()
    .from(auditLog)
    .where(and(sql`${auditLog.action} like ${pattern}`, sql`${auditLog.createdAt} >= ${since}`))
    .orderBy(auditLog.id)
    .limit(500);
}
