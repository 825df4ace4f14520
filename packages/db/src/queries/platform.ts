import { desc, eq, sql } from 'drizzle-orm';
import type { DbOrTx } from '../client';
import { auditLog, calendarDisagreements, feedback, jobRuns, reports, settings, users } from '../schema';

/** Appends to the audit log. */
export async function audit(
  db: DbOrTx,
  e: { actorId: string | null; action: string; targetType?: string; targetId?: string; details?: unknown },
) {
  await db.insert(auditLog).values({
    actorId: e.actorId,
    action: e.action,
    targetType: e.targetType ?? null,
    targetId: e.targetId ?? null,
    details: e.details ?? null,
  });
}

export async function listAudit(db: DbOrTx, limit: number) {
  return db
    .select({
      id: auditLog.id,
      action: auditLog.action,
      targetType: auditLog.targetType,
      targetId: auditLog.targetId,
      details: auditLog.details,
      createdAt: auditLog.createdAt,
      actor: users.username,
    })
    .from(auditLog)
    .leftJoin(users, eq(users.id, auditLog.actorId))
    .orderBy(desc(auditLog.id))
    .limit(limit);
}

export async function insertFeedback(db: DbOrTx, f: { userId: string; rating: number; text: string }) {
  const [row] = await db.insert(feedback).values(f).returning();
  return row!;
}

export async function listFeedback(db: DbOrTx, limit = 200) {
  return db
    .select({
      id: feedback.id,
      rating: feedback.rating,
      text: feedback.text,
      createdAt: feedback.createdAt,
      username: users.username,
    })
    .from(feedback)
    .innerJoin(users, eq(users.id, feedback.userId))
    .orderBy(desc(feedback.createdAt))
    .limit(limit);
}

export interface JobRunRecord {
  job: string;
  symbol?: string | null;
  timeframe?: string | null;
  status: 'ok' | 'skipped' | 'failed';
  rows?: number;
  durationMs?: number;
  error?: string | null;
  detail?: unknown;
  startedAt?: Date;
}

export async function recordJobRuns(db: DbOrTx, runs: JobRunRecord[]) {
  if (runs.length === 0) return;
  await db.insert(jobRuns).values(
    runs.map((r) => ({
      job: r.job,
      symbol: r.symbol ?? null,
      timeframe: r.timeframe ?? null,
      status: r.status,
      rows: r.rows ?? 0,
      durationMs: Math.round(r.durationMs ?? 0),
      error: r.error ?? null,
      detail: r.detail ?? null,
      ...(r.startedAt ? { startedAt: r.startedAt } : {}),
    })),
  );
}

export async function listJobRuns(db: DbOrTx, limit: number, job?: string) {
  const q = db.select().from(jobRuns);
  return (job ? q.where(eq(jobRuns.job, job)) : q).orderBy(desc(jobRuns.startedAt)).limit(limit);
}

/** Upserts one report per kind and day; a re-run replaces the body. */
export async function upsertReport(db: DbOrTx, r: { kind: string; day: string; body: unknown }) {
  const [row] = await db
    .insert(reports)
    .values(r)
    .onConflictDoUpdate({ target: [reports.kind, reports.day], set: { body: r.body, createdAt: sql`now()` } })
    .returning();
  return row!;
}

export async function markReportEmailed(db: DbOrTx, id: string, at: Date) {
  await db.update(reports).set({ emailedAt: at }).where(eq(reports.id, id));
}

export async function listReports(db: DbOrTx, limit = 60) {
  return db.select().from(reports).orderBy(desc(reports.day), reports.kind).limit(limit);
}

export async function getSetting<T>(db: DbOrTx, key: string): Promise<T | null> {
  const [row] = await db.select({ value: settings.value }).from(settings).where(eq(settings.key, key));
  return (row?.value as T | undefined) ?? null;
}

export async function putSetting(db: DbOrTx, key: string, value: unknown, updatedBy: string | null) {
  await db
    .insert(settings)
    .values({ key, value, updatedBy })
    .onConflictDoUpdate({ target: settings.key, set: { value, updatedBy, updatedAt: sql`now()` } });
}

export async function upsertCalendarDisagreements(
  db: DbOrTx,
  rows: { venue: string; day: string; field: string; ours: string | null; theirs: string | null }[],
) {
  if (rows.length === 0) return;
  await db
    .insert(calendarDisagreements)
    .values(rows)
    .onConflictDoUpdate({
      target: [calendarDisagreements.venue, calendarDisagreements.day, calendarDisagreements.field],
      set: { ours: sql`excluded.ours`, theirs: sql`excluded.theirs`, detectedAt: sql`now()` },
    });
}

export async function listCalendarDisagreements(db: DbOrTx) {
  return db.select().from(calendarDisagreements).orderBy(desc(calendarDisagreements.day)).limit(200);
}
