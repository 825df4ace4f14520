import type { Db } from '../client';

/** The one call both drivers' clients (a node-postgres pool, PGlite) share, with the same answer shape. */
interface RawClient {
  query(text: string): Promise<{ rows: { snapshot: string }[] }>;
}

/**
 * The database's current snapshot as text (`xmin:xmax:in-progress ids`). Every commit changes it
 * (the committed id leaves the in-progress list or moves xmax), so two equal snapshots see the same
 * committed data: an answer read after one snapshot is still exact while the snapshot is unchanged,
 * whichever process wrote. Asked on the driver's client directly: through drizzle, building and
 * mapping the statement costs more than PGlite running it.
 */
export async function committedSnapshot(db: Db): Promise<string> {
  const client = (db as unknown as { $client: RawClient }).$client;
  const { rows } = await client.query('select pg_current_snapshot()::text as snapshot');
  return rows[0]!.snapshot;
}
