import { and, asc, eq } from 'drizzle-orm';
import type { DbOrTx } from '../client';
import { tradeParameters } from '../schema';

/** Parameter values as the API and the database exchange them (decimals as strings). */
export interface TradeParametersValues {
  assetType: 'crypto' | 'stock';
  symbol: string;
  tradeAmount: string;
  takeProfitPct: string;
  stopLossPct: string;
  maxConcurrentTrades: number;
  buyAtLowestOnly: boolean;
  minSentimentScore: number;
  requirePoliticalPositive: boolean;
  autoTradingEnabled: boolean;
  tradingHoursStart: string;
  tradingHoursEnd: string;
  takeProfitAtr?: string | null;
  stopLossAtr?: string | null;
  trailingStopPct?: string | null;
  breakEvenAfterPct?: string | null;
  maxHoldingHours?: string | null;
}

/** The optional exit rules: numbers (null = off) to the engine and clients, decimal strings in the database. */
export const EXIT_RULE_FIELDS = [
  'takeProfitAtr',
  'stopLossAtr',
  'trailingStopPct',
  'breakEvenAfterPct',
  'maxHoldingHours',
] as const;
export type ExitRuleField = (typeof EXIT_RULE_FIELDS)[number];

/** A row's exit rules as numbers. */
export function exitRulesFromRow(
  row: { [K in ExitRuleField]: string | null },
): Record<ExitRuleField, number | null> {
  const out = {} as Record<ExitRuleField, number | null>;
  for (const f of EXIT_RULE_FIELDS) out[f] = row[f] === null ? null : Number(row[f]);
  return out;
}

/** Parsed exit rules as column values; fields left undefined stay out (a partial update keeps them). */
export function exitRulesToValues(
  p: Partial<Record<ExitRuleField, number | null>>,
): Partial<Record<ExitRuleField, string | null>> {
  const out: Partial<Record<ExitRuleField, string | null>> = {};
  for (const f of EXIT_RULE_FIELDS) {
    const v = p[f];
    if (v !== undefined) out[f] = v === null ? null : v.toFixed(2);
  }
  return out;
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
