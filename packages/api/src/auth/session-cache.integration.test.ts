import { type DbHandle, schema } from '@tradehits/db';
import { createPostgresTestDb } from '@tradehits/db/testing';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApi } from '../testing';
import {
  forgetUserSessions,
  invalidateSession,
  sessionIdFromToken,
  validateSessionTokenCached,
} from './session';

const DAYS = 30;
const DAY = 86_400_000;

describe('session validation cache', () => {
  let db: DbHandle;
  let api: Awaited<ReturnType<typeof createTestApi>>;
  beforeAll(async () => {
    db = await createPostgresTestDb();
    api = await createTestApi(db);
  });
  afterAll(async () => {
    await api.close();
    await db.close();
  });

  /** Deletes a session row behind the cache's back, as another server instance would. */
  const deleteRow = (token: string) =>
    db.db.delete(schema.sessions).where(eq(schema.sessions.id, sessionIdFromToken(token)));

  it('answers a confirmed session from memory for a few seconds, then asks the database again', async () => {
    const { token, user } = await api.signUp('cached');
    const t0 = new Date();
    expect((await validateSessionTokenCached(db.db, token, t0, DAYS))?.user.id).toBe(user.id);
    await deleteRow(token);
    // Within the cache time the row's absence is not seen.
    expect(
      (await validateSessionTokenCached(db.db, token, new Date(t0.getTime() + 4_000), DAYS))?.user.id,
    ).toBe(user.id);
    expect(await validateSessionTokenCached(db.db, token, new Date(t0.getTime() + 5_000), DAYS)).toBeNull();
    // And a refused token is not remembered as valid.
    expect(await validateSessionTokenCached(db.db, token, new Date(t0.getTime() + 5_001), DAYS)).toBeNull();
  });

  it('forgets a session at logout and a user at once when told', async () => {
    const a = await api.signUp('leaver');
    const now = new Date();
    expect(await validateSessionTokenCached(db.db, a.token, now, DAYS)).not.toBeNull();
    await invalidateSession(db.db, sessionIdFromToken(a.token));
    expect(await validateSessionTokenCached(db.db, a.token, now, DAYS)).toBeNull();

    const b = await api.signUp('demoted');
    expect(await validateSessionTokenCached(db.db, b.token, now, DAYS)).not.toBeNull();
    await deleteRow(b.token);
    forgetUserSessions(db.db, b.user.id);
    expect(await validateSessionTokenCached(db.db, b.token, now, DAYS)).toBeNull();
  });

  it('still slides a session forward in the second half of its life, and refuses it once expired', async () => {
    const { token } = await api.signUp('slider');
    const start = new Date();
    expect((await validateSessionTokenCached(db.db, token, start, DAYS))?.refreshed).toBe(false);
    const later = new Date(start.getTime() + 20 * DAY);
    const slid = await validateSessionTokenCached(db.db, token, later, DAYS);
    expect(slid?.refreshed).toBe(true);
    expect(slid!.expiresAt.getTime()).toBe(later.getTime() + DAYS * DAY);
    const [row] = await db.db
      .select()
      .from(schema.sessions)
      .where(eq(schema.sessions.id, sessionIdFromToken(token)));
    expect(row!.expiresAt.getTime()).toBe(later.getTime() + DAYS * DAY);
    // Fresh again: answered from memory, nothing to re-send.
    expect(
      (await validateSessionTokenCached(db.db, token, new Date(later.getTime() + 1_000), DAYS))?.refreshed,
    ).toBe(false);
    expect(
      await validateSessionTokenCached(db.db, token, new Date(later.getTime() + 31 * DAY), DAYS),
    ).toBeNull();
  });
});
