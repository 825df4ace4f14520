import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIGRATIONS_FOLDER } from './client';
import { createPostgresTestDb } from './testing';

/**
 * Upgrading a database written before the trading state machine: the first migration alone builds
 * the old schema, the rest are applied over the rows a user of that version could have.
 */
describe('migrating a database from before the trading state machine', () => {
  let h: Awaited<ReturnType<typeof createPostgresTestDb>>;
  let firstOnly: string;
  let old: ReturnType<typeof drizzle>;

  beforeAll(async () => {
    // A fresh database, emptied back to nothing, then built with 0000 only.
    h = await createPostgresTestDb();
    await h.db.execute(sql`drop schema public cascade`);
    await h.db.execute(sql`drop schema drizzle cascade`);
    await h.db.execute(sql`create schema public`);
    firstOnly = await mkdtemp(path.join(tmpdir(), 'tradehits-migrations-'));
    const journal = JSON.parse(await readFile(path.join(MIGRATIONS_FOLDER, 'meta/_journal.json'), 'utf8'));
    const first = journal.entries[0];
    await mkdir(path.join(firstOnly, 'meta'));
    await writeFile(
      path.join(firstOnly, 'meta/_journal.json'),
      JSON.stringify({ ...journal, entries: [first] }),
    );
    await copyFile(
      path.join(MIGRATIONS_FOLDER, `${first.tag}.sql`),
      path.join(firstOnly, `${first.tag}.sql`),
    );
    old = drizzle(h.url);
    await migrate(old, { migrationsFolder: firstOnly });
  });

  afterAll(async () => {
    await old?.$client.end();
    await h?.close();
    if (firstOnly) await rm(firstOnly, { recursive: true, force: true });
  });

  it('stops with a message naming duplicate automatic positions, and migrates once they are closed', async () => {
    const [user] = (
      await old.execute<{ id: string }>(sql`
        insert into users (username, email, password_hash, full_name)
        values ('olga', 'olga@x.test', 'h', 'Olga') returning id`)
    ).rows;
    const [account] = (
      await old.execute<{ id: string }>(sql`
        insert into accounts (user_id, asset_type, mode, venue, start_balance, balance)
        values (${user!.id}, 'crypto', 'paper', 'paper', 1000, 800) returning id`)
    ).rows;
    // The old bug: an ALL row and an ETH/BTC row both opened ETH/BTC in one tick.
    for (const key of ['all-row', 'symbol-row']) {
      await old.execute(sql`
        insert into trades (user_id, account_id, symbol, asset_type, is_paper, status, client_order_id,
                            quantity, amount, execution_reason)
        values (${user!.id}, ${account!.id}, 'ETH/BTC', 'crypto', true, 'open', ${key}, 1, 100, 'lowest-point')`);
    }

    // drizzle wraps the server's error in its own, with the statement; the reason is the cause.
    const refused = await h.migrate().then(
      () => null,
      (err: Error) => err.cause as Error,
    );
    expect(refused?.message).toMatch(
      new RegExp(`More than one automatic position is open for: user ${user!.id} ETH/BTC \\(paper\\)`),
    );
    // Nothing of the refused migration stayed: the old schema is as it was.
    const orders = await old.execute(sql`select to_regclass('public.orders') as t`);
    expect(orders.rows[0]).toEqual({ t: null });

    await old.execute(sql`update trades set status = 'closed' where client_order_id = 'symbol-row'`);
    await h.migrate();
    const open = await old.execute(sql`select client_order_id from trades where status = 'open'`);
    expect(open.rows).toEqual([{ client_order_id: 'all-row' }]);
  });
});
