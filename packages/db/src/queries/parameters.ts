import { and, asc, eq } from 'drizzle-orm';
import type { DbOrTx } from '../client';
import { tradeParameters } from '../schema';

/** Parameter values as the database takes them: the amount in minor units, percentages as numbers. */
export interface TradeParametersValues {
  assetType: 'crypto' | 'stock';
  symbol: string;
  tradeAmount: number;
  takeProfitPct: number;
  stopLossPct: number;
  maxConcurrentTrades: number;
  buyAtLowestOnly: boolean;
  minSentimentScore: number;
  requirePoliticalPositive: boolean;
  autoTradingEnabled: boolean;
  tradingHoursStart: string;
  tradingHoursEnd: string;
  takeProfitAtr?: number | null;
  stopLossAtr?: number | null;
  trailingStopPct?: number | null;
  breakEvenAfterPct?: number | null;
  maxHoldingHours?: number | null;
}

export async function listParameters(db: DbOrTx, userId: string) {
  return db
    .select()
    .from(tradeParameters)
    .where(eq(tradeParameters.userId, userId))
    .orderBy(asc(tradeParameters.assetType), asc(tradeParameters.symbol));
}

export type TradeParametersRow = Awaited<ReturnType<typeof listParameters>>[number];

/** Inserts; returns null when the user already has parameters for that asset type and symbol. */
export async function createParameters(db: DbOrTx, userId: string, v: TradeParametersValues) {
  const [row] = await db
    .insert(tradeParameters)
    .values({ ...v, userId })
    .onConflictDoNothing()
    .returning();
  return row ?? null;
}

/** Updates the user's own row only; null when it is not theirs or does not exist. */
export async function updateParameters(
  db: DbOrTx,
  userId: string,
  id: string,
  v: Partial<TradeParametersValues>,
) {
  const [row] = await db
    .update(tradeParameters)
    .set({ ...v, updatedAt: new Date() })
    .where(and(eq(tradeParameters.id, id), eq(tradeParameters.userId, userId)))
    .returning();
  return row ?? null;
}

export async function deleteParameters(db: DbOrTx, userId: string, id: string) {
  const rows = await db
    .delete(tradeParameters)
    .where(and(eq(tradeParameters.id, id), eq(tradeParameters.userId, userId)))
    .returning({ id: tradeParameters.id });
  return rows.length > 0;
}

/** Every enabled rule of every active user, for one engine tick. */
export async function listAutoTradingParameters(db: DbOrTx, assetType: 'crypto' | 'stock') {
  return db
    .select()
    .from(tradeParameters)
    .where(and(eq(tradeParameters.assetType, assetType), eq(tradeParameters.autoTradingEnabled, true)));
}
