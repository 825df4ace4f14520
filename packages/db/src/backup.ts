import { type SQLChunk, sql } from 'drizzle-orm';
import { type Db, type DbOrTx, queryRows } from './client';

/** A table of the relational core as a backup sees it: columns in order, with their PostgreSQL types. */
export interface TableShape {
  name: string;
  columns: { name: string; type: string }[];
}

/** Every table of the public schema, parents before children (by foreign key), so a restore can insert in order. */
export async function relationalTables(db: DbOrTx): Promise<TableShape[]> {
  const cols = await queryRows<{ table_name: string; column_name: string; data_type: string }>(
    db,
    sql`select table_name, column_name, format_type(a.atttypid, a.atttypmod) as data_type
        from information_schema.columns c
        join pg_attribute a on a.attrelid = (quote_ident(c.table_schema) || '.' || quote_ident(c.table_name))::regclass
                           and a.attname = c.column_name
        where c.table_schema = 'public'
        order by table_name, ordinal_position`,
  );
  const fks = await queryRows<{ child: string; parent: string }>(
    db,
    sql`select conrelid::regclass::text as child, confrelid::regclass::text as parent
        from pg_constraint where contype = 'f' and connamespace = 'public'::regnamespace`,
  );
  const shapes = new Map<string, TableShape>();
  for (const c of cols) {
    const shape = shapes.get(c.table_name) ?? { name: c.table_name, columns: [] };
    shape.columns.push({ name: c.column_name, type: c.data_type });
    shapes.set(c.table_name, shape);
  }
  const unquote = (n: string) => n.replace(/^"|"$/g, '');
  const ordered: TableShape[] = [];
  const seen = new Set<string>();
  const visit = (name: string) => {
    if (seen.has(name) || !shapes.has(name)) return;
    seen.add(name);
    for (const fk of fks)
      if (unquote(fk.child) === name && unquote(fk.parent) !== name) visit(unquote(fk.parent));
    ordered.push(shapes.get(name)!);
  };
  for (const name of [...shapes.keys()].sort()) visit(name);
  return ordered;
}

const ident = (name: string) => sql.identifier(name);
const list = (parts: SQLChunk[]) => sql.join(parts, sql`, `);

/**
 * Reads every table inside one repeatable-read, read-only transaction, so the tables agree with each
 * other as of one instant while the app keeps writing. Each value arrives as its PostgreSQL text form
 * (exact for numeric, timestamps and json), `pageRows` at a time.
 */
export async function readSnapshot(
  db: Db,
  onPage: (table: TableShape, rows: (string | null)[][]) => Promise<void>,
  pageRows = 5_000,
): Promise<{ table: string; rows: number }[]> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`set transaction isolation level repeatable read, read only`);
    const counts: { table: string; rows: number }[] = [];
    for (const table of await relationalTables(tx)) {
      const select = list(table.columns.map((c, i) => sql`${ident(c.name)}::text as ${ident(`c${i}`)}`));
      let total = 0;
      for (let offset = 0; ; offset += pageRows) {
        // ctid orders a page stably within one snapshot; nothing else is shared by every table.
        const page = await queryRows<Record<string, string | null>>(
          tx,
          sql`select ${select} from ${ident(table.name)} order by ctid limit ${pageRows} offset ${offset}`,
        );
        if (page.length > 0)
          await onPage(
            table,
            page.map((r) => table.columns.map((_, i) => r[`c${i}`] ?? null)),
          );
        total += page.length;
        if (page.length < pageRows) break;
      }
      counts.push({ table: table.name, rows: total });
    }
    return counts;
  });
}

/** Tables of the list that hold rows: a restore goes only into an empty store. */
export async function nonEmptyTables(db: DbOrTx, tables: TableShape[]): Promise<string[]> {
  const found: string[] = [];
  for (const t of tables) {
    const [row] = await queryRows<{ any: boolean }>(
      db,
      sql`select exists (select 1 from ${ident(t.name)}) as any`,
    );
    if (row?.any) found.push(t.name);
  }
  return found;
}

/**
 * Inserts rows given in PostgreSQL text form. The rows travel as one JSON parameter that
 * `json_populate_recordset` casts with each column's own input function; json and jsonb columns carry
 * their text as JSON itself, so nothing passes through a JavaScript number.
 */
export async function insertTextRows(db: DbOrTx, table: TableShape, rows: (string | null)[][]) {
  if (rows.length === 0) return;
  const isJson = table.columns.map((c) => c.type === 'json' || c.type === 'jsonb');
  const keys = table.columns.map((c) => JSON.stringify(c.name));
  const json = `[${rows
    .map(
      (row) =>
        `{${row
          .map((v, i) => `${keys[i]}:${v === null ? 'null' : isJson[i] ? v : JSON.stringify(v)}`)
          .join(',')}}`,
    )
    .join(',')}]`;
  const columns = list(table.columns.map((c) => ident(c.name)));
  await db.execute(
    sql`insert into ${ident(table.name)} (${columns})
        select ${columns} from json_populate_recordset(null::${ident(table.name)}, ${json}::json)`,
  );
}

/** Moves every serial sequence past the restored ids, so the next insert does not collide. */
export async function resetSequences(db: DbOrTx, tables: TableShape[]) {
  for (const t of tables) {
    for (const c of t.columns) {
      const [seq] = await queryRows<{ name: string | null }>(
        db,
        sql`select pg_get_serial_sequence(${`public.${t.name}`}, ${c.name}) as name`,
      );
      if (!seq?.name) continue;
      await db.execute(
        sql`select setval(${seq.name}::regclass, coalesce((select max(${ident(c.name)}) from ${ident(t.name)}), 0) + 1, false)`,
      );
    }
  }
}
