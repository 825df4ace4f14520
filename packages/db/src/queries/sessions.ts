import { and, eq, gt, lt, sql } from 'drizzle-orm';
import type { DbOrTx } from '../client';
import { loginAttempts, sessions, users } from '../schema';
import { publicUserColumns } from './users';

export async function insertSession(
  db: DbOrTx,
  s: { id: string; userId: string; expiresAt: Date; userAgent?: string | null },
) {
  await db.insert(sessions).values({ ...s, userAgent: s.userAgent ?? null });
}

/** The session and its user, if the session exists, has not expired and the user is active. */
export async function getSessionWithUser(db: DbOrTx, sessionId: string, now: Date) {
  const [row] = await db
    .select({ session: { id: sessions.id, expiresAt: sessions.expiresAt }, user: publicUserColumns })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(eq(sessions.id, sessionId), gt(sessions.expiresAt, now), eq(users.active, true)));
  return row ?? null;
}

export async function extendSession(db: DbOrTx, sessionId: string, expiresAt: Date) {
  await db.update(sessions).set({ expiresAt }).where(eq(sessions.id, sessionId));
}

export async function deleteSession(db: DbOrTx, sessionId: string) {
  await db.delete(sessions).where(eq(sessions.id, sessionId));
}

/** Signs a user out everywhere (deactivation, password change). */
export async function deleteUserSessions(db: DbOrTx, userId: string) {
  await db.delete(sessions).where(eq(sessions.userId, userId));
}

/** Removes sessions past their expiry; returns how many. */
export async function deleteExpiredSessions(db: DbOrTx, now: Date) {
  const rows = await db.delete(sessions).where(lt(sessions.expiresAt, now)).returning({ id: sessions.id });
  return rows.length;
}

/** Removes login attempts older than `before` (the rate limit only looks back 15 minutes). */
export async function deleteLoginAttemptsBefore(db: DbOrTx, before: Date) {
  const rows = await db
    .delete(loginAttempts)
    .where(lt(loginAttempts.attemptedAt, before))
    .returning({ id: loginAttempts.id });
  return rows.length;
}

export async function recordLoginAttempt(
  db: DbOrTx,
  a: { username: string; address: string | null; success: boolean; at: Date },
) {
  await db.insert(loginAttempts).values({
    username: a.username.toLowerCase(),
    address: a.address,
    success: a.success,
    attemptedAt: a.at,
  });
}

/** Failed logins since `since`, for one account and for one address. */
export async function countRecentFailures(
  db: DbOrTx,
  q: { username: string; address: string | null; since: Date },
) {
  const [row] = await db
    .select({
      byAccount: sql<number>`count(*) filter (where ${loginAttempts.username} = ${q.username.toLowerCase()})::int`,
      byAddress: q.address
        ? sql<number>`count(*) filter (where ${loginAttempts.address} = ${q.address}::inet)::int`
        : sql<number>`0`,
    })
    .from(loginAttempts)
    .where(and(eq(loginAttempts.success, false), gt(loginAttempts.attemptedAt, q.since)));
  return { byAccount: Number(row?.byAccount ?? 0), byAddress: Number(row?.byAddress ?? 0) };
}
