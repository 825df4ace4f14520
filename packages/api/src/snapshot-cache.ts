import { committedSnapshot, type Db } from '@tradehits/db';

/**
 * Wraps `load` so that its answer for a key is kept while the database's committed snapshot stays the
 * same: each call reads the snapshot (a tiny statement) and runs `load` only when something was
 * committed since the kept answer was read, so a hit is as fresh as running the query again. Callers
 * that find the same snapshot share one load; a failed load is not kept. At most `max` keys are kept,
 * the least recently loaded dropped first.
 */
export function snapshotCache<T>(db: Db, load: (key: string) => Promise<T>, max = 10_000) {
  const answers = new Map<string, { snapshot: string; value: Promise<T> }>();
  return async (key: string): Promise<T> => {
    // Read before the load starts, so a kept answer is never older than its snapshot.
    const snapshot = await committedSnapshot(db);
    const kept = answers.get(key);
    if (kept?.snapshot === snapshot) return kept.value;
    const value = load(key);
    answers.delete(key);
    if (answers.size >= max) answers.delete(answers.keys().next().value!);
    answers.set(key, { snapshot, value });
    value.catch(() => {
      if (answers.get(key)?.value === value) answers.delete(key);
    });
    return value;
  };
}
