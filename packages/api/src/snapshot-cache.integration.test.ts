import { type DbHandle, schema } from '@tradehits/db';
import { createPgliteTestDb } from '@tradehits/db/testing';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { snapshotCache } from './snapshot-cache';

// PGlite: on a shared PostgreSQL server every other database's commits move the snapshot too (ids are
// server-wide), which only costs extra loads but would make the load counts below vary.
describe('snapshotCache', () => {
  let db: DbHandle;
  beforeAll(async () => {
    db = await createPgliteTestDb();
  }, 30_000);
  afterAll(() => db?.close());

  it('loads again only after a commit, shares a load, and forgets a failure', async () => {
    let loads = 0;
    let failing = false;
    const count = snapshotCache(db.db, async (username) => {
      loads++;
      if (failing) throw new Error('load failed');
      const [row] = await db.db
        .select({ n: sql<number>`count(*)::int` })
        .from(schema.users)
        .where(eq(schema.users.username, username));
      return row!.n;
    });
    expect(await Promise.all([count('ann'), count('ann')])).toEqual([0, 0]);
    expect(await count('ann')).toBe(0);
    expect(loads).toBe(1);

    await db.db.insert(schema.users).values({
      username: 'ann',
      email: 'ann@example.test',
      passwordHash: 'x',
      fullName: 'Ann',
    });
    expect(await count('ann')).toBe(1);
    expect(loads).toBe(2);

    // A commit to any table moves the snapshot; a failed load is not kept.
    await db.db.execute(sql`create temporary table scratch (x int)`);
    failing = true;
    await expect(count('ann')).rejects.toThrow('load failed');
    failing = false;
    expect(await count('ann')).toBe(1);
    expect(loads).toBe(4);
  });
});
