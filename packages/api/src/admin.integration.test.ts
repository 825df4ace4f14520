import { type DbHandle, updateUser } from '@tradehits/db';
import { createPostgresTestDb } from '@tradehits/db/testing';
import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureAdmin } from './bootstrap';
import { appRouter } from './root';
import { createTestApi } from './testing';

const adminPaths = Object.keys(appRouter._def.procedures).filter((p) => p.startsWith('admin.'));

function call(caller: unknown, path: string, input: unknown): Promise<unknown> {
  const fn = path.split('.').reduce((node, key) => (node as Record<string, unknown>)[key], caller) as (
    i: unknown,
  ) => Promise<unknown>;
  return fn(input);
}

describe('role-gated admin procedures', () => {
  let db: DbHandle;
  let api: Awaited<ReturnType<typeof createTestApi>>;
  beforeAll(async () => {
    db = await createPostgresTestDb();
    api = await createTestApi(db, { ADMIN_USERNAME: 'root', ADMIN_PASSWORD: 'a long admin password' });
  });
  afterAll(async () => {
    await api.close();
    await db.close();
  });

  it('has admin procedures to check', () => {
    expect(adminPaths.length).toBeGreaterThanOrEqual(12);
  });

  it.each(['user', 'beta_user'] as const)('refuses every admin procedure to the %s role', async (role) => {
    const { user, token } = await api.signUp(`someone-${role}`);
    await updateUser(db.db, user.id, { role });
    const caller = await api.as(token);
    for (const path of adminPaths) {
      const err = await call(caller, path, {}).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err, path).toBeInstanceOf(TRPCError);
      expect((err as TRPCError).code, path).toBe('FORBIDDEN');
    }
  });

  it('refuses every admin procedure to an anonymous caller', async () => {
    const { caller } = api.anonymous();
    for (const path of adminPaths) {
      const err = (await call(caller, path, {}).catch((e: unknown) => e)) as TRPCError;
      expect(err.code, path).toBe('UNAUTHORIZED');
    }
  });

  it('creates the admin from the environment once, and lets the admin in', async () => {
    expect(await ensureAdmin(db.db, api.services.config)).toBe('created');
    expect(await ensureAdmin(db.db, api.services.config)).toBe('exists');
    const { caller, cookies } = api.anonymous('192.0.2.9');
    const admin = await caller.auth.login({ username: 'root', password: 'a long admin password' });
    expect(admin.role).toBe('admin');
    const token = cookies[0]!.split(';')[0]!.split('=')[1]!;
    const root = await api.as(token);
    const users = await root.admin.users.list();
    expect(users.map((u) => u.username)).toContain('root');
    // The last admin cannot demote themself.
    await expect(root.admin.users.update({ id: admin.id, role: 'user' })).rejects.toThrow(
      /last active admin/,
    );
    // Kill switch round-trip, audited.
    await root.admin.safety.setKillSwitch({ on: true });
    expect((await root.admin.safety.get()).killSwitch).toBe(true);
    await root.admin.safety.setKillSwitch({ on: false });
    const audit = await root.admin.audit.list({ limit: 10 });
    expect(audit.map((a) => a.action)).toEqual(
      expect.arrayContaining(['safety.kill-switch.on', 'safety.kill-switch.off']),
    );
    expect((await root.admin.jobs.queues()).map((q) => q.name)).toEqual(
      expect.arrayContaining(['market', 'engine']),
    );
  });

  it('never leaves zero admins, even when every admin demotes another at the same moment', async () => {
    const admins: { user: { id: string }; caller: Awaited<ReturnType<typeof api.as>> }[] = [];
    for (const name of ['ada', 'bo', 'cy']) {
      const signed = await api.signUp(`admin-${name}`);
      await updateUser(db.db, signed.user.id, { role: 'admin' });
      admins.push({ user: signed.user, caller: await api.as(signed.token) });
    }
    // root (created above) is an admin too: demote it first so three remain.
    const root = admins[0]!.caller;
    const rootUser = (await root.admin.users.list()).find((u) => u.username === 'root')!;
    await root.admin.users.update({ id: rootUser.id, role: 'user' });
    for (let round = 0; round < 3; round++) {
      // Each admin demotes the next one, all at once (and deactivates, the other way to lose an admin).
      const results = await Promise.allSettled(
        admins.map((a, i) =>
          a.caller.admin.users.update({
            id: admins[(i + 1) % admins.length]!.user.id,
            ...(round === 1 ? { active: false } : { role: 'user' as const }),
          }),
        ),
      );
      const active = await db.db.query.users.findMany();
      expect(active.filter((u) => u.role === 'admin' && u.active).length).toBeGreaterThanOrEqual(1);
      expect(results.some((r) => r.status === 'rejected')).toBe(true);
      // Restore three active admins for the next round.
      for (const a of admins) await updateUser(db.db, a.user.id, { role: 'admin', active: true });
    }
  });
});
