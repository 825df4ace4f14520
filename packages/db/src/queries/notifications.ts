import { and, count, desc, inArray, isNull, lt, sql } from 'drizzle-orm';
import { type DbOrTx, queryRows } from '../client';
import { accounts, auditLog, jobRuns, notifications, users } from '../schema';

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

/** A live or paper account an admin must look at: quarantined by the venue's refusals, or flagged. */
export interface AccountAttention {
  accountId: string;
  userId: string;
  username: string;
  assetType: string;
  mode: string;
  venue: string;
  status: string;
  statusReason: string | null;
  flaggedReason: string | null;
  /** The newest audit row that recorded the quarantine / the flag (null when none was written). */
  quarantineAuditId: number | null;
  flagAuditId: number | null;
}

/**
 * Accounts whose current state needs an admin: `status = 'quarantined'` or a flag set by a fill that
 * cost more than was held. Read from the accounts themselves, so an alert follows what trading
 * recorded, with the audit row that told of it (a new quarantine after a relink is a new alert).
 */
export async function accountsNeedingAttention(db: DbOrTx): Promise<AccountAttention[]> {
  const latestAudit = (action: string) =>
    sql`(select max(l.id) from ${auditLog} l
         where l.target_type = 'account' and l.target_id = a.id::text and l.action = ${action})`;
  const rows = await queryRows<{
    id: string;
    user_id: string;
    username: string;
    asset_type: string;
    mode: string;
    venue: string;
    status: string;
    status_reason: string | null;
    flagged_reason: string | null;
    quarantine_audit: unknown;
    flag_audit: unknown;
  }>(
    db,
    sql`
    select a.id, a.user_id, u.username, a.asset_type, a.mode, a.venue, a.status, a.status_reason,
           a.flagged_reason,
           ${latestAudit('account.quarantined')} as quarantine_audit,
           ${latestAudit('account.flagged')} as flag_audit
    from ${accounts} a join ${users} u on u.id = a.user_id
    where a.status = 'quarantined' or a.flagged_reason is not null
    order by a.created_at
    limit 500`,
  );
  const id = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  return rows.map((r) => ({
    accountId: r.id,
    userId: r.user_id,
    username: r.username,
    assetType: r.asset_type,
    mode: r.mode,
    venue: r.venue,
    status: r.status,
    statusReason: r.status_reason,
    flaggedReason: r.flagged_reason,
    quarantineAuditId: id(r.quarantine_audit),
    flagAuditId: id(r.flag_audit),
  }));
}
