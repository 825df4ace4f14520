import { averageTrueRange, type ExitPlan, planExits } from '@tradehits/core/exits';
import { centsToNumber } from '@tradehits/core/money';
import { effectiveRule, type ManualExits, tradeParametersSchema } from '@tradehits/core/params';
import type { AssetType, Bar } from '@tradehits/core/types';
import { listParameters } from '@tradehits/db';
import type { Services } from './services';

/**
 * The exits of a manual buy: the trader's effective rule for the symbol (its row, else the ALL row,
 * else the shipped defaults), with each rule the order sets in its place, planned as the engine plans
 * an entry. The fields arrive validated by the parameters' own schema.
 */
export async function manualExitPlan(
  services: Services,
  q: {
    userId: string;
    assetType: AssetType;
    symbol: string;
    /** The newest 5-minute bars, oldest first: the last close prices the order, they give the ATR. */
    recent: readonly Pick<Bar, 'high' | 'low' | 'close'>[];
    exits: ManualExits;
  },
): Promise<{ plan: ExitPlan; maxConcurrentTrades: number }> {
  const row = effectiveRule(await listParameters(services.db, q.userId), q.assetType, q.symbol);
  const parsed = row
    ? // The rule schema takes the amount as a decimal, as a user enters it.
      tradeParametersSchema.safeParse({ ...row, tradeAmount: centsToNumber(row.tradeAmount) })
    : null;
  // A row that fails validation (written around the API) gives no rules: the shipped defaults apply.
  const rule = parsed?.success ? parsed.data : tradeParametersSchema.parse({});
  const chosen = Object.fromEntries(Object.entries(q.exits).filter(([, v]) => v !== undefined));
  const price = q.recent.at(-1)?.close ?? Number.NaN;
  const atr = averageTrueRange(q.recent).at(-1);
  // Too few bars for an ATR: the fixed percentages apply, as for an engine entry.
  const plan = planExits({ ...rule, ...chosen }, { price, atr: atr !== undefined && atr > 0 ? atr : null });
  return { plan, maxConcurrentTrades: rule.maxConcurrentTrades };
}
