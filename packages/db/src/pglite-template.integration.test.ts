import { readdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, MIGRATIONS_FOLDER, queryRows, writePgliteTemplate } from './client';

describe('a new PGlite data folder from the bundled template', () => {
  let dir: string;
  const template = () => path.join(dir, 'template.tar.gz');
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'tradehits-pglite-template-'));
    await writePgliteTemplate(template());
  }, 60_000);
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('starts migrated and writable, and reopens from its own files', async () => {
    const database = { kind: 'pglite' as const, dir: path.join(dir, 'data') };
    const first = createDb(database, { pgliteTemplate: template() });
    await first.migrate();
    const applied = await queryRows<{ n: number | string }>(
      first.db,
      sql`select count(*) as n from drizzle.__drizzle_migrations`,
    );
    const migrations = readdirSync(MIGRATIONS_FOLDER).filter((f) => f.endsWith('.sql'));
    expect(Number(applied[0]!.n)).toBe(migrations.length);
    await first.db.execute(sql`insert into audit_log (action) values ('template.test')`);
    await first.close();

    // The folder now holds a database: it is opened as it is, never overwritten by the template.
    const again = createDb(database, { pgliteTemplate: template() });
    const rows = await queryRows<{ action: string }>(again.db, sql`select action from audit_log`);
    expect(rows.map((r) => r.action)).toEqual(['template.test']);
    await again.close();
  }, 60_000);

  it('is what a new folder holds (a marked template shows through)', async () => {
    const marked = new PGlite('memory://');
    await marked.exec(
      "create table template_marker (note text); insert into template_marker values ('from the template')",
    );
    const file = path.join(dir, 'marked.tar.gz');
    writeFileSync(file, Buffer.from(await (await marked.dumpDataDir('gzip')).arrayBuffer()));
    await marked.close();
    const db = createDb({ kind: 'pglite', dir: path.join(dir, 'marked-data') }, { pgliteTemplate: file });
    const rows = await queryRows<{ note: string }>(db.db, sql`select note from template_marker`);
    expect(rows).toEqual([{ note: 'from the template' }]);
    await db.close();
  }, 60_000);
});
