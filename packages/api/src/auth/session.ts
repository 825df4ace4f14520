import { createHash } from 'node:crypto';
import { encodeBase32LowerCaseNoPadding } from '@oslojs/encoding';
import {
  type Db,
  deleteSession,
  extendSession,
  getSessionWithUser,
  insertSession,
  type PublicUser,
} from '@tradehits/db';

/** Name of the httpOnly cookie that carries the session token. */
export const SESSION_COOKIE = 'th_session';
const DAY = 24 * 60 * 60 * 1000;

/** A random 160-bit token, base32: what the browser holds. */
export function generateSessionToken(): string {
  const bytes = new Uint8Array(20);
  crypto.getRandomValues(bytes);
  return encodeBase32LowerCaseNoPadding(bytes);
}

/** The session id stored in the database: SHA-256 of the token, so a leaked table opens no session. */
export function sessionIdFromToken(token: string): string {
  // Node's native hash: every request with a cookie computes it, and the JavaScript one is 4× slower.
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Starts a session for a user; returns the token for the cookie and its expiry. */
export async function createSession(
  db: Db,
  userId: string,
  now: Date,
  days: number,
  userAgent?: string | null,
) {
  const token = generateSessionToken();
  const expiresAt = new Date(now.getTime() + days * DAY);
  await insertSession(db, { id: sessionIdFromToken(token), userId, expiresAt, userAgent: userAgent ?? null });
  return { token, expiresAt };
}

export interface ValidatedSession {
  sessionId: string;
  expiresAt: Date;
  user: PublicUser;
  /** True when the expiry slid forward and the cookie must be re-sent. */
  refreshed: boolean;
}

/**
 * Validates a token with sliding expiry: a session used in the second half of its life is extended to
 * a full term again (Lucia's rule), so active users stay signed in and idle ones expire.
 */
export async function validateSessionToken(
  db: Db,
  token: string,
  now: Date,
  days: number,
): Promise<ValidatedSession | null> {
  const sessionId = sessionIdFromToken(token);
  const row = await getSessionWithUser(db, sessionId, now);
  if (!row) return null;
  let expiresAt = row.session.expiresAt;
  let refreshed = false;
  if (expiresAt.getTime() - now.getTime() < (days * DAY) / 2) {
    expiresAt = new Date(now.getTime() + days * DAY);
    await extendSession(db, sessionId, expiresAt);
    refreshed = true;
  }
  return { sessionId, expiresAt, user: row.user, refreshed };
}

/**
 * How long a validated session is trusted without asking the database again. Every signed-in request
 * validates its cookie, and that lookup was most of a small request's cost. Short, because a session
 * ended elsewhere (another server instance, a row changed by hand) keeps working for up to this long;
 * logout, deactivation and role changes through this process forget it at once.
 */
const SESSION_CACHE_MS = 5_000;
/** Sessions remembered per database; the oldest entry goes first. */
const SESSION_CACHE_MAX = 10_000;

interface CachedSession {
  expiresAt: Date;
  user: PublicUser;
  /** `now` when the database last confirmed the session. */
  checkedAt: number;
}

const sessionCaches = new WeakMap<Db, Map<string, CachedSession>>();

function sessionCache(db: Db): Map<string, CachedSession> {
  let cache = sessionCaches.get(db);
  if (!cache) {
    cache = new Map();
    sessionCaches.set(db, cache);
  }
  return cache;
}

/**
 * `validateSessionToken` for the HTTP edge: a session the database confirmed less than
 * `SESSION_CACHE_MS` ago, still in the first half of its life, is answered from memory; anything else
 * (unknown, stale, due to slide forward) goes to `validateSessionToken`.
 */
export async function validateSessionTokenCached(
  db: Db,
  token: string,
  now: Date,
  days: number,
): Promise<ValidatedSession | null> {
  const sessionId = sessionIdFromToken(token);
  const cache = sessionCache(db);
  const at = now.getTime();
  const hit = cache.get(sessionId);
  if (
    hit &&
    at >= hit.checkedAt &&
    at - hit.checkedAt < SESSION_CACHE_MS &&
    hit.expiresAt.getTime() - at >= (days * DAY) / 2
  ) {
    return { sessionId, expiresAt: hit.expiresAt, user: hit.user, refreshed: false };
  }
  cache.delete(sessionId);
  const session = await validateSessionToken(db, token, now, days);
  if (session) {
    if (cache.size >= SESSION_CACHE_MAX) cache.delete(cache.keys().next().value!);
    cache.set(sessionId, { expiresAt: session.expiresAt, user: session.user, checkedAt: at });
  }
  return session;
}

/** Ends a session: deleted, and forgotten by this process at once. */
export async function invalidateSession(db: Db, sessionId: string) {
  sessionCache(db).delete(sessionId);
  await deleteSession(db, sessionId);
}

/** Forgets a user's cached sessions (deactivated, or a role changed), so their next request asks the database. */
export function forgetUserSessions(db: Db, userId: string) {
  const cache = sessionCache(db);
  for (const [id, entry] of cache) if (entry.user.id === userId) cache.delete(id);
}

/** Serialises the session cookie: httpOnly, SameSite=Lax, Secure in production. */
export function sessionCookie(token: string, expiresAt: Date, secure: boolean): string {
  return [
    `${SESSION_COOKIE}=${token}`,
    'Path=/',
    'HttpOnly',
    'SameSite=Lax',
    `Expires=${expiresAt.toUTCString()}`,
    ...(secure ? ['Secure'] : []),
  ].join('; ');
}

export function clearedSessionCookie(secure: boolean): string {
  return [
    `${SESSION_COOKIE}=`,
    'Path=/',
    'HttpOnly',
    'SameSite=Lax',
    'Max-Age=0',
    ...(secure ? ['Secure'] : []),
  ].join('; ');
}

/** Reads one cookie from a Cookie header; a value that is not valid percent-encoding counts as absent. */
export function readCookie(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return null;
      }
    }
  }
  return null;
}
