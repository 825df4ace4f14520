import { and, eq, gt, lt, sql } from 'drizzle-orm';
import type { Db, DbOrTx } from '../client';
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

/** How login failures slow the next attempt; see `claimLoginAttempt`. */
export interface LoginPolicy {
  /** How far back failures count. */
  windowMs: number;
  /** Failures from one address on one account before each next try waits, doubling from 1 s. */
  freePerAccountAddress: number;
  /** The longest that wait gets. */
  maxAccountAddressDelayMs: number;
  /** Failures on one account from anywhere before each next try waits, doubling from 1 s... */
  freePerAccount: number;
  /** ...up to this, kept short: an attacker elsewhere can slow the owner a little, never lock them out. */
  maxAccountDelayMs: number;
  /** Failures from one address (across accounts) before it is refused for the rest of the window. */
  perAddress: number;
}

export type LoginClaim = { ok: true; attemptId: string } | { ok: false; retryAfterMs: number };

const backoff = (failures: number, free: number, maxMs: number) =>
  failures < free ? 0 : Math.min(maxMs, 1000 * 2 ** Math.min(30, failures - free));

/**
 * Decides whether a login may be tried now and, if so, records it as a failure before the password
 * is checked (`loginSucceeded` flips it). Claims on one account and one address are serialised by
 * advisory locks, so a batch or a burst of concurrent guesses is counted guess by guess: each one
 * sees every claim before it, and none can slip in between a check and its record.
 */
export async function claimLoginAttempt(
  db: Db,
  a: { username: string; address: string | null; now: Date; policy: LoginPolicy },
): Promise<LoginClaim> {
  const username = a.username.toLowerCase();
  const since = new Date(a.now.getTime() - a.policy.windowMs);
  const sinceParam = sql`${since.toISOString()}::timestamptz`;
  return db.transaction(async (tx) => {
    // Always account then address, so two claims never wait on each other in opposite orders.
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`login-account:${username}`}))`);
    if (a.address)
      await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`login-address:${a.address}`}))`);
    const la = loginAttempts;
    const sinceSuccess = sql`${la.attemptedAt} > coalesce((select max(s.attempted_at) from login_attempts s
      where s.username = ${username} and s.success and s.attempted_at > ${sinceParam}), ${sinceParam})`;
    const [row] = await tx
      .select({
        account: sql<number>`count(*) filter (where ${la.username} = ${username} and ${sinceSuccess})::int`,
        accountLast: sql<string | null>`max(${la.attemptedAt}) filter (where ${la.username} = ${username})`,
        pair: a.address
          ? sql<number>`count(*) filter (where ${la.username} = ${username} and ${la.address} = ${a.address}::inet and ${sinceSuccess})::int`
          : sql<number>`0`,
        addressCount: a.address
          ? sql<number>`count(*) filter (where ${la.address} = ${a.address}::inet)::int`
          : sql<number>`0`,
        addressFirst: a.address
          ? sql<string | null>`min(${la.attemptedAt}) filter (where ${la.address} = ${a.address}::inet)`
          : sql<string | null>`null`,
      })
      .from(la)
      .where(and(eq(la.success, false), gt(la.attemptedAt, since)));
    const now = a.now.getTime();
    const last = row?.accountLast ? new Date(row.accountLast).getTime() : now;
    const { policy } = a;
    const delay = Math.max(
      backoff(Number(row?.pair ?? 0), policy.freePerAccountAddress, policy.maxAccountAddressDelayMs),
      backoff(Number(row?.account ?? 0), policy.freePerAccount, policy.maxAccountDelayMs),
    );
    let retryAfterMs = last + delay - now;
    if (Number(row?.addressCount ?? 0) >= policy.perAddress && row?.addressFirst) {
      retryAfterMs = Math.max(retryAfterMs, new Date(row.addressFirst).getTime() + policy.windowMs - now);
    }
    if (retryAfterMs > 0) return { ok: false as const, retryAfterMs };
    const [attempt] = await tx
      .insert(la)
      .values({ username, address: a.address, success: false, attemptedAt: a.now })
      .returning({ id: la.id });
    return { ok: true as const, attemptId: attempt!.id };
  });
}

/** Marks a claimed attempt as the right password: the account's failures stop counting from here. */
export async function loginSucceeded(db: DbOrTx, attemptId: string) {
  await db.update(loginAttempts).set({ success: true }).where(eq(loginAttempts.id, attemptId));
}
