import {
  EXIT_RULE_FIELDS,
  type ExitRuleField,
  effectiveRule,
  type ManualExits,
  manualExitsSchema,
  tradeParametersSchema,
} from '@tradehits/core/params';
import type { AssetType } from '@tradehits/core/types';
import { type FieldErrors, issuesToFieldErrors } from './errors';

/** The exit rules of a manual buy, as the parameters name them (the trades router takes the same). */
export const MANUAL_EXIT_KEYS = EXIT_RULE_FIELDS;
export type ManualExitKey = ExitRuleField;

/** The exit boxes as typed text; a blank optional rule is off. */
export type ManualExitValues = Record<ManualExitKey, string>;

/** A parameter set as the exit boxes need it. */
export interface ExitRuleLike {
  assetType: string;
  symbol: string;
  takeProfitPct: number;
  stopLossPct: number;
  takeProfitAtr?: number | null;
  stopLossAtr?: number | null;
  trailingStopPct?: number | null;
  breakEvenAfterPct?: number | null;
  maxHoldingHours?: number | null;
}

/**
 * The boxes filled with the rule that governs `symbol` (its own set, else ALL, else the shipped
 * defaults), and which set that is, so the form can say where the values come from.
 */
export function manualExitsFromRules(
  rules: readonly ExitRuleLike[],
  assetType: AssetType,
  symbol: string,
): { values: ManualExitValues; source: string } {
  const rule = effectiveRule(rules, assetType, symbol);
  const p: ExitRuleLike = rule ?? tradeParametersSchema.parse({ assetType });
  const text = (n: number | null | undefined) => (n === null || n === undefined ? '' : String(n));
  return {
    values: {
      takeProfitPct: text(p.takeProfitPct),
      stopLossPct: text(p.stopLossPct),
      takeProfitAtr: text(p.takeProfitAtr),
      stopLossAtr: text(p.stopLossAtr),
      trailingStopPct: text(p.trailingStopPct),
      breakEvenAfterPct: text(p.breakEvenAfterPct),
      maxHoldingHours: text(p.maxHoldingHours),
    },
    source: rule
      ? `your ${rule.symbol === 'ALL' ? 'ALL' : rule.symbol} parameters`
      : 'the default parameters',
  };
}

/** TP and SL are required; the other rules are off when blank. */
const REQUIRED: ReadonlySet<ManualExitKey> = new Set(['takeProfitPct', 'stopLossPct']);

/** Checks the boxes with the parameters' schema; on success, the exits to send with the order. */
export function validateManualExits(
  values: ManualExitValues,
): { ok: true; exits: ManualExits } | { ok: false; errors: FieldErrors } {
  const candidate: Record<string, number | null> = {};
  for (const key of MANUAL_EXIT_KEYS) {
    const t = values[key].trim();
    // A blank required box is NaN, which the schema rejects as "must be a number", not 0.
    candidate[key] = t === '' ? (REQUIRED.has(key) ? Number.NaN : null) : Number(t);
  }
  const parsed = manualExitsSchema.safeParse(candidate);
  if (!parsed.success) return { ok: false, errors: issuesToFieldErrors(parsed.error.issues) };
  return { ok: true, exits: parsed.data };
}
