import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../client';
import { trades } from '../schema';
import { ACTIVE_STATUSES } from './trades';

function prepareActiveTrades(db: Db) {
  return db
    .select()
    .from(trades)
    .where(and(eq(trades.userId, sql.placeholder('userId')), inArray(trades.status, [...ACTIVE_STATUSES])))
    .orderBy(desc(trades.createdAt))
    .prepare('active_trades');
}

/**
 * Built once per database (a named statement on PostgreSQL, planned once per connection), since the
 * dashboard asks for it on every refresh: building the SQL cost more than PGlite running it.
 */
const prepared = new WeakMap<Db, ReturnType<typeof prepareActiveTrades>>();

/** One user's trades not yet ended (held, opening, open, closing, awaiting approval), newest first. */
export function activeTrades(db: Db, userId: string) {
  let query = prepared.get(db);
  if (!query) {
    query = prepareActiveTrades(db);
    prepared.set(db, query);
  }
  return query.execute({ userId });
}
