import { type DbHandle, schema, updateUser } from '@tradehits/db';
import { createPgliteTestDb, createPostgresTestDb } from '@tradehits/db/testing';
import { processors } from '@tradehits/jobs';
import { TRPCError } from '@trpc/server';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessionIdFromToken } from './auth/session';
import { createTestApi, tokenFrom } from './testing';

const DAY = 86_400_000;

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'OK';
  } catch (err) {
    if (err instanceof TRPCError) return err.code;
    throw err;
  }
}

describe.each([
  ['postgres', createPostgresTestDb],
  ['pglite', createPgliteTestDb],
] as const)('auth on %s', (_kind, createDb) => {
  let db: DbHandle;
  let api: Awaited<ReturnType<typeof createTestApi>>;
  beforeAll(async () => {
    db = await createDb();
    api = await createTestApi(db, { ADMIN_USERNAME: 'root', ADMIN_PASSWORD: 'a long admin password' });
  });
  afterAll(async () => {
    await api.close();
    await db.close();
  });

  it('registers, signs in with an httpOnly SameSite cookie, and answers me', async () => {
    const { caller, cookies } = api.anonymous();
    const user = await caller.auth.register({
      username: 'alice',
      email: 'alice@example.test',
      password: 'correct horse battery',
      fullName: 'Alice',
    });
    expect(user).toMatchObject({ username: 'alice', role: 'user', cryptoBalance: '100000.00' });
    expect(user).not.toHaveProperty('passwordHash');
    expect(cookies[0]).toMatch(/HttpOnly/);
    expect(cookies[0]).toMatch(/SameSite=Lax/);
    const me = await (await api.as(tokenFrom(cookies))).auth.me();
    expect(me?.username).toBe('alice');
  });

  it('stores only the SHA-256 of the token', async () => {
    const { token } = await api.signUp('hashcheck');
    const rows = await db.db.query.sessions.findMany();
    expect(rows.some((r) => r.id === token)).toBe(false);
    expect(rows.some((r) => r.id === sessionIdFromToken(token))).toBe(true);
  });

  it('refuses a taken username or email with one answer for both, and writes nothing', async () => {
    const { caller } = api.anonymous();
    const before = (await db.db.query.users.findMany()).length;
    await expect(
      caller.auth.register({
        username: 'ALICE',
        email: 'new@example.test',
        password: 'correct horse battery',
        fullName: 'A',
      }),
    ).rejects.toThrow('That username is taken, or that email already has an account.');
    await expect(
      caller.auth.register({
        username: 'alice2',
        email: 'Alice@example.test',
        password: 'correct horse battery',
        fullName: 'A',
      }),
    ).rejects.toThrow('That username is taken, or that email already has an account.');
    expect((await db.db.query.users.findMany()).length).toBe(before);
  });

  it('rejects bad registration input with field messages', async () => {
    const { caller } = api.anonymous();
    const err = await caller.auth
      .register({ username: 'x', email: 'nope', password: 'short', fullName: '' })
      .catch((e: TRPCError) => e);
    expect(err).toBeInstanceOf(TRPCError);
    expect((err as TRPCError).code).toBe('BAD_REQUEST');
    expect((err as TRPCError).message).toMatch(/Username needs at least 3 characters/);
  });

  it('logs in, logs out, and the old token is dead', async () => {
    await api.signUp('bob');
    const { caller, cookies } = api.anonymous();
    await caller.auth.login({ username: 'bob', password: 'correct horse battery' });
    const token = tokenFrom(cookies);
    const bob = await api.as(token);
    expect((await bob.me.profile()).username).toBe('bob');
    await bob.auth.logout();
    expect(await code((await api.as(token)).me.profile())).toBe('UNAUTHORIZED');
  });

  it('expires idle sessions and slides active ones forward', async () => {
    const { token } = await api.signUp('carol');
    const start = new Date();
    // Past half its 30-day life the session is extended to a full term again.
    api.setNow(new Date(start.getTime() + 20 * DAY));
    expect((await (await api.as(token)).me.profile()).username).toBe('carol');
    const [row] = (await db.db.query.sessions.findMany()).filter((s) => s.id === sessionIdFromToken(token));
    expect(row!.expiresAt.getTime()).toBeGreaterThan(start.getTime() + 45 * DAY);
    // Idle past expiry: refused.
    api.setNow(new Date(start.getTime() + 90 * DAY));
    expect(await code((await api.as(token)).me.profile())).toBe('UNAUTHORIZED');
    api.setNow(new Date());
  });

  it('slows guesses at an account without locking its owner out', async () => {
    await api.signUp('dave');
    const attacker = api.anonymous('198.51.100.1').caller;
    for (let i = 0; i < 3; i++) {
      expect(await code(attacker.auth.login({ username: 'dave', password: 'wrong password!' }))).toBe(
        'UNAUTHORIZED',
      );
    }
    // From the guessing address the next try must wait, the right password included...
    expect(await code(attacker.auth.login({ username: 'dave', password: 'correct horse battery' }))).toBe(
      'TOO_MANY_REQUESTS',
    );
    // ...while the owner, elsewhere, signs in at once.
    const owner = api.anonymous('192.0.2.77').caller;
    expect(await code(owner.auth.login({ username: 'dave', password: 'correct horse battery' }))).toBe('OK');
    await api.signUp('dave2');
    for (let i = 0; i < 3; i++)
      await code(attacker.auth.login({ username: 'dave2', password: 'wrong one!!' }));
    // The wait doubles with each failure: 1 s after the 3rd, 2 s after the 4th.
    const t0 = Date.now();
    api.setNow(new Date(t0 + 1100));
    expect(await code(attacker.auth.login({ username: 'dave2', password: 'wrong again!!' }))).toBe(
      'UNAUTHORIZED',
    );
    api.setNow(new Date(t0 + 2200));
    expect(await code(attacker.auth.login({ username: 'dave2', password: 'wrong again!!' }))).toBe(
      'TOO_MANY_REQUESTS',
    );
    api.setNow(new Date(t0 + 3300));
    expect(await code(attacker.auth.login({ username: 'dave2', password: 'correct horse battery' }))).toBe(
      'OK',
    );
    api.setNow(new Date());
  });

  it('counts concurrent guesses one by one: a burst gets no more checks than the limits allow', async () => {
    await api.signUp('dora');
    const { caller } = api.anonymous('198.51.100.9');
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        code(
          caller.auth.login({
            username: 'dora',
            password: i === 29 ? 'correct horse battery' : `guess number ${i}`,
          }),
        ),
      ),
    );
    expect(results.filter((r) => r !== 'TOO_MANY_REQUESTS').length).toBeLessThanOrEqual(3);
    const recorded = await db.db.query.loginAttempts.findMany({
      where: (a, { eq }) => eq(a.username, 'dora'),
    });
    expect(recorded.length).toBeLessThanOrEqual(3);
  });

  it('refuses common and repetitive passwords', async () => {
    const { caller } = api.anonymous();
    for (const password of ['aaaaaaaaaa', '1234567890', 'qwertyuiop', 'Password123']) {
      const err = await caller.auth
        .register({ username: 'weak', email: 'weak@example.test', password, fullName: 'Weak' })
        .catch((e: unknown) => e);
      expect((err as TRPCError).code).toBe('BAD_REQUEST');
    }
    expect(
      await db.db.query.users.findFirst({ where: (u, { eq }) => eq(u.username, 'weak') }),
    ).toBeUndefined();
  });

  it('rate-limits failed logins per address across accounts', async () => {
    const { caller } = api.anonymous('198.51.100.2');
    for (let i = 0; i < 20; i++)
      await code(caller.auth.login({ username: `ghost${i}`, password: 'whatever it is' }));
    await api.signUp('erin');
    expect(await code(caller.auth.login({ username: 'erin', password: 'correct horse battery' }))).toBe(
      'TOO_MANY_REQUESTS',
    );
  });

  it('refuses a deactivated user', async () => {
    const { user, token } = await api.signUp('frank');
    await updateUser(db.db, user.id, { active: false });
    expect(await code((await api.as(token)).me.profile())).toBe('UNAUTHORIZED');
    const { caller } = api.anonymous('192.0.2.50');
    expect(await code(caller.auth.login({ username: 'frank', password: 'correct horse battery' }))).toBe(
      'FORBIDDEN',
    );
  });

  it('housekeeping drops expired sessions and week-old login attempts, and nothing live', async () => {
    const { token: live } = await api.signUp('gina');
    const { token: stale } = await api.signUp('hank');
    await db.db
      .update(schema.sessions)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(schema.sessions.id, sessionIdFromToken(stale)));
    await db.db.insert(schema.loginAttempts).values({
      username: 'old',
      address: null,
      success: false,
      attemptedAt: new Date(Date.now() - 8 * DAY),
    });
    const result = await processors['system.housekeeping'](
      {},
      { services: api.services, now: new Date(), attempt: 1, enqueue: async () => undefined },
    );
    expect(result).toMatchObject({ expiredSessions: 1, loginAttempts: 1 });
    const ids = (await db.db.query.sessions.findMany()).map((s) => s.id);
    expect(ids).toContain(sessionIdFromToken(live));
    expect(ids).not.toContain(sessionIdFromToken(stale));
  });
});
