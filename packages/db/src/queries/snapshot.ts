import type { Db } from '../client';

type SnapshotRows = { rows: { snapshot: string }[] };

/** What each driver's client offers for a statement without parameters. */
type RawClient =
  /** PGlite: `exec` is its simple-query path, half the cost of `query`'s extended protocol. */
  | { exec(text: string): Promise<SnapshotRows[]> }
  /** A node-postgres pool: a `query` without parameters is a simple query already. */
  | { query(text: string): Promise<SnapshotRows> };

const SNAPSHOT = 'select pg_current_snapshot()::text as snapshot';

/**
 * The database's current snapshot as text (`xmin:xmax:in-progress ids`). Every commit changes it
 * (the committed id leaves the in-progress list or moves xmax), so two equal snapshots see the same
 * committed data: an answer read after one snapshot is still exact while the snapshot is unchanged,
 * whichever process wrote. Asked on the driver's client directly: through drizzle, building and
 * mapping the statement costs more than PGlite running it.
 */
export async function committedSnapshot(db: Db): Promise<string> {
  const client = (db as unknown as { $client: RawClient }).$client;
  const { rows } = 'exec' in client ? (await client.exec(SNAPSHOT))[0]! : await client.query(SNAPSHOT);
  return rows[0]!.snapshot;
}
