import { type TradeParametersInput, tradeParametersSchema } from '@tradehits/core/params';
import type { AssetType } from '@tradehits/core/types';
import { type FieldErrors, issuesToFieldErrors } from './errors';

/** The settings form's state: numbers as typed text, so a half-typed "2." is not lost. */
export interface ParamsFormValues {
  assetType: AssetType;
  symbol: string;
  tradeAmount: string;
  takeProfitPct: string;
  stopLossPct: string;
  maxConcurrentTrades: string;
  buyAtLowestOnly: boolean;
  minSentimentScore: string;
  requirePoliticalPositive: boolean;
  autoTradingEnabled: boolean;
  tradingHoursStart: string;
  tradingHoursEnd: string;
  /** Optional exit rules: blank turns a rule off. */
  takeProfitAtr: string;
  stopLossAtr: string;
  trailingStopPct: string;
  breakEvenAfterPct: string;
  maxHoldingHours: string;
}

/** Stored parameters as the form shows them (numbers and decimal strings alike become text). */
export interface ParamsLike {
  assetType: AssetType;
  symbol: string;
  tradeAmount: string | number;
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

/** Form values for a stored parameter set, or the schema's defaults for a new one. */
export function paramsToForm(params?: ParamsLike): ParamsFormValues {
  const p: ParamsLike = params ?? tradeParametersSchema.parse({});
  return {
    assetType: p.assetType,
    symbol: p.symbol,
    tradeAmount: String(p.tradeAmount),
    takeProfitPct: String(p.takeProfitPct),
    stopLossPct: String(p.stopLossPct),
    maxConcurrentTrades: String(p.maxConcurrentTrades),
    buyAtLowestOnly: p.buyAtLowestOnly,
    minSentimentScore: String(p.minSentimentScore),
    requirePoliticalPositive: p.requirePoliticalPositive,
    autoTradingEnabled: p.autoTradingEnabled,
    tradingHoursStart: p.tradingHoursStart,
    tradingHoursEnd: p.tradingHoursEnd,
    takeProfitAtr: optionalText(p.takeProfitAtr),
    stopLossAtr: optionalText(p.stopLossAtr),
    trailingStopPct: optionalText(p.trailingStopPct),
    breakEvenAfterPct: optionalText(p.breakEvenAfterPct),
    maxHoldingHours: optionalText(p.maxHoldingHours),
  };
}

const optionalText = (n: number | null | undefined): string =>
  n === null || n === undefined ? '' : String(n);

// An empty or non-numeric box becomes NaN, which the schema rejects as "must be a number",
// rather than 0 (what Number('') gives) or the default (what undefined would give).
const num = (text: string): number => (text.trim() === '' ? Number.NaN : Number(text.trim()));
// An optional rule's blank box means the rule is off.
const optionalNum = (text: string): number | null => (text.trim() === '' ? null : num(text));

/**
 * Checks form values with the same schema the server uses. On success, the input to send; on
 * failure, one message per field.
 */
export function validateParamsForm(
  values: ParamsFormValues,
): { ok: true; input: TradeParametersInput } | { ok: false; errors: FieldErrors } {
  const candidate = {
    assetType: values.assetType,
    symbol: values.symbol,
    tradeAmount: num(values.tradeAmount),
    takeProfitPct: num(values.takeProfitPct),
    stopLossPct: num(values.stopLossPct),
    maxConcurrentTrades: num(values.maxConcurrentTrades),
    buyAtLowestOnly: values.buyAtLowestOnly,
    minSentimentScore: num(values.minSentimentScore),
    requirePoliticalPositive: values.requirePoliticalPositive,
    autoTradingEnabled: values.autoTradingEnabled,
    tradingHoursStart: values.tradingHoursStart,
    tradingHoursEnd: values.tradingHoursEnd,
    takeProfitAtr: optionalNum(values.takeProfitAtr),
    stopLossAtr: optionalNum(values.stopLossAtr),
    trailingStopPct: optionalNum(values.trailingStopPct),
    breakEvenAfterPct: optionalNum(values.breakEvenAfterPct),
    maxHoldingHours: optionalNum(values.maxHoldingHours),
  };
  const parsed = tradeParametersSchema.safeParse(candidate);
  if (!parsed.success) return { ok: false, errors: issuesToFieldErrors(parsed.error.issues) };
  return { ok: true, input: parsed.data };
}
