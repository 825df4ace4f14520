import { desc, eq } from 'drizzle-orm';
import type { DbOrTx } from '../client';
import { optimizerRuns } from '../schema';

export type OptimizerRunValues = typeof optimizerRuns.$inferInsert;

/** Stores one optimiser run; returns its id. */
export async function insertOptimizerRun(db: DbOrTx, run: OptimizerRunValues): Promise<string> {
  const [row] = await db.insert(optimizerRuns).values(run).returning({ id: optimizerRuns.id });
  return row!.id;
}

/** The latest runs, newest first, without their folds. */
export async function listOptimizerRuns(db: DbOrTx, limit: number) {
  return db
    .select({
      id: optimizerRuns.id,
      dataset: optimizerRuns.dataset,
      symbols: optimizerRuns.symbols,
      timeframe: optimizerRuns.timeframe,
      dataFrom: optimizerRuns.dataFrom,
      dataTo: optimizerRuns.dataTo,
      config: optimizerRuns.config,
      costModel: optimizerRuns.costModel,
      inSample: optimizerRuns.inSample,
      outOfSample: optimizerRuns.outOfSample,
      recommended: optimizerRuns.recommended,
      recommendedOutOfSample: optimizerRuns.recommendedOutOfSample,
      seconds: optimizerRuns.seconds,
      createdAt: optimizerRuns.createdAt,
    })
    .from(optimizerRuns)
    .orderBy(desc(optimizerRuns.createdAt))
    .limit(limit);
}

/** One run with everything stored; null when there is none with that id. */
export async function getOptimizerRun(db: DbOrTx, id: string) {
  const [row] = await db.select().from(optimizerRuns).where(eq(optimizerRuns.id, id));
  return row ?? null;
}
