import { z } from 'zod';
import { SLIPPAGE_MODELS } from './costs';
import { ASSET_TYPES } from './types';

/**
 * Input schemas for a user's trade parameters, the detector's thresholds and a backtest. The API,
 * the settings form and the backtest CLI all parse with these, so a bad value reads the same everywhere.
 */

const HH_MM = /^([01]\d|2[0-3]):[0-5]\d$/;
/** `BTC/USD`, `ETH/BTC`, `AAPL`, `BRK.B`, `AAPLX/USD`. */
const SYMBOL = /^[A-Z0-9][A-Z0-9.]{0,14}(\/[A-Z0-9]{2,10})?$/;

const hhmm = z.string().regex(HH_MM, 'must be a UTC time as HH:MM (00:00 to 23:59)');

/**
 * True when `n` has at most two decimals. The numeric columns keep two decimals, so a third would be
 * rounded silently by the database; the tolerance absorbs binary noise (0.29 * 100 = 28.999999999999996).
 */
function hasTwoDecimals(n: number): boolean {
  return Math.abs(Math.round(n * 100) - n * 100) < 1e-6;
}

/**
 * The shipped entry and exit defaults, chosen by `npm run optimize` (walk-forward, seed 1) on the
 * recorded Binance January 2018 5m candles; the README states how they did out of sample.
 */
export const SHIPPED_EXITS = {
  takeProfitPct: 3.99,
  stopLossPct: 3.09,
  trailingStopPct: 3.38,
  breakEvenAfterPct: 1.73,
  buyAtLowestOnly: false,
} as const;

/** An optional percentage with two decimals at most; null turns the rule off. */
function optionalPct(label: string, min: number, max: number, fallback: number | null = null) {
  const range = `${label} must be between ${min} % and ${max} %`;
  return z
    .number({ error: `${label} must be a number` })
    .min(min, range)
    .max(max, range)
    .refine(hasTwoDecimals, `${label} has at most 2 decimals`)
    .nullable()
    .default(fallback);
}

/** An optional ATR multiple; null turns the rule off. */
function atrMultiple(label: string) {
  const range = `${label} must be between 0.25 and 20`;
  return z
    .number({ error: `${label} must be a number` })
    .min(0.25, range)
    .max(20, range)
    .refine(hasTwoDecimals, `${label} has at most 2 decimals`)
    .nullable()
    .default(null);
}

/** A user's trading rules; the engine reads exactly these fields. */
export const tradeParametersSchema = z.object({
  assetType: z.enum(ASSET_TYPES, { error: 'must be crypto or stock' }).default('crypto'),
  symbol: z
    .string()
    .trim()
    .toUpperCase()
    .refine((s) => s === 'ALL' || SYMBOL.test(s), 'must be ALL or a symbol such as BTC/USD or AAPL')
    .default('ALL'),
  /** Quote-currency amount spent per trade (e.g. dollars); at most 2 decimals. */
  tradeAmount: z
    .number({ error: 'trade amount must be a number' })
    .positive('trade amount must be greater than 0')
    .max(10_000_000, 'trade amount must be at most 10,000,000')
    .refine(hasTwoDecimals, 'trade amount has at most 2 decimals')
    .default(100),
  takeProfitPct: z
    .number({ error: 'take-profit must be a number' })
    .min(0.1, 'take-profit must be between 0.1 % and 100 %')
    .max(100, 'take-profit must be between 0.1 % and 100 %')
    .refine(hasTwoDecimals, 'take-profit has at most 2 decimals')
    .default(SHIPPED_EXITS.takeProfitPct),
  stopLossPct: z
    .number({ error: 'stop-loss must be a number' })
    .min(0.1, 'stop-loss must be between 0.1 % and 50 %')
    .max(50, 'stop-loss must be between 0.1 % and 50 %')
    .refine(hasTwoDecimals, 'stop-loss has at most 2 decimals')
    .default(SHIPPED_EXITS.stopLossPct),
  maxConcurrentTrades: z
    .number({ error: 'max concurrent trades must be a number' })
    .int('max concurrent trades must be a whole number')
    .min(1, 'max concurrent trades must be between 1 and 50')
    .max(50, 'max concurrent trades must be between 1 and 50')
    .default(3),
  /** True: only a detector lowest point opens a trade; false: any bar whose confidence reaches the threshold. */
  buyAtLowestOnly: z.boolean().default(SHIPPED_EXITS.buyAtLowestOnly),
  minSentimentScore: z
    .number({ error: 'min sentiment must be a number' })
    .int('min sentiment must be a whole number')
    .min(-100, 'min sentiment must be between -100 and 100')
    .max(100, 'min sentiment must be between -100 and 100')
    .default(0),
  requirePoliticalPositive: z.boolean().default(false),
  autoTradingEnabled: z.boolean().default(false),
  /** Inclusive UTC minutes; a start later than the end wraps past midnight. */
  tradingHoursStart: hhmm.default('00:00'),
  tradingHoursEnd: hhmm.default('23:59'),
  /** Take-profit as a multiple of the signal bar's ATR(14), replacing the fixed percentage; null = off. */
  takeProfitAtr: atrMultiple('take-profit ATR multiple'),
  /** Stop-loss as a multiple of the signal bar's ATR(14), replacing the fixed percentage; null = off. */
  stopLossAtr: atrMultiple('stop-loss ATR multiple'),
  /** Stop that follows the highest high since entry at this distance in percent; null = off. */
  trailingStopPct: optionalPct('trailing stop', 0.1, 50, SHIPPED_EXITS.trailingStopPct),
  /** After a gain of this many percent the stop moves up to the entry price; null = off. */
  breakEvenAfterPct: optionalPct('break-even trigger', 0.1, 50, SHIPPED_EXITS.breakEvenAfterPct),
  /** Close a position at the first bar close this many hours after entry; null = off. */
  maxHoldingHours: z
    .number({ error: 'maximum holding time must be a number of hours' })
    .min(0.25, 'maximum holding time must be between 0.25 and 720 hours')
    .max(720, 'maximum holding time must be between 0.25 and 720 hours')
    .nullable()
    .default(null),
});

/**
 * The same fields, each optional and without its default, for partial updates: a field the caller
 * leaves out stays as stored. (`tradeParametersSchema.partial()` would not do: zod fills an omitted
 * field that has a default with that default.) Built from the shape, so new fields join by themselves.
 */
export const tradeParametersUpdateSchema = z.object(withoutDefaults(tradeParametersSchema.shape));

/** Every exit rule a parameter set carries: the fixed take-profit and stop-loss, then the rules null turns off. */
export const EXIT_RULE_FIELDS = [
  'takeProfitPct',
  'stopLossPct',
  'takeProfitAtr',
  'stopLossAtr',
  'trailingStopPct',
  'breakEvenAfterPct',
  'maxHoldingHours',
] as const;
export type ExitRuleField = (typeof EXIT_RULE_FIELDS)[number];

/** The exit rules as a zod `pick` mask. */
export const EXIT_RULE_MASK = Object.fromEntries(EXIT_RULE_FIELDS.map((f) => [f, true])) as {
  [K in ExitRuleField]: true;
};

/** A manual buy's own exit rules, validated as a parameter set's; each one left out is the trader's rule. */
export const manualExitsSchema = tradeParametersUpdateSchema.pick(EXIT_RULE_MASK);
export type ManualExits = z.output<typeof manualExitsSchema>;

type WithoutDefaults<S extends z.ZodRawShape> = {
  [K in keyof S]: z.ZodOptional<S[K] extends z.ZodDefault<infer Inner> ? Inner : S[K]>;
};

function withoutDefaults<S extends z.ZodRawShape>(shape: S): WithoutDefaults<S> {
  // Object.fromEntries loses the keys' types; the mapped type restores what the map does per key.
  return Object.fromEntries(
    Object.entries(shape).map(([key, field]) => [
      key,
      ((field instanceof z.ZodDefault ? field.unwrap() : field) as z.ZodType).optional(),
    ]),
  ) as unknown as WithoutDefaults<S>;
}

/** Parsed trade parameters (defaults applied). */
export type TradeParameters = z.output<typeof tradeParametersSchema>;
/** Trade parameters as a form or a client sends them. */
export type TradeParametersInput = z.input<typeof tradeParametersSchema>;

/** The detector's thresholds (its weights are fixed in code). Percentages are in percent. */
export const detectorSettingsSchema = z.object({
  evidenceWindow: z.number().int().min(1, 'evidence window must be 1 to 288 bars').max(288).default(12),
  near24hPct: z.number().min(0).max(50).default(1),
  near7dPct: z.number().min(0).max(50).default(2),
  supportPct: z.number().min(0).max(50).default(1.5),
  rsiOversold: z.number().min(0).max(100).default(30),
  volumeSpikeMultiple: z.number().positive().default(2),
  volumeAverageBars: z.number().int().min(2).max(500).default(20),
  maGapPct: z.number().positive().max(50).default(0.5),
  narrowingBars: z.number().int().min(1).max(20).default(3),
  minConfidence: z.number().min(0).max(1).default(0.7),
  bullishSentiment: z.number().min(-100).max(100).default(20),
});

/** Parsed detector thresholds. */
export type DetectorSettings = z.output<typeof detectorSettingsSchema>;

/** Default detector thresholds, as the design defines them. */
export const DEFAULT_DETECTOR_SETTINGS: DetectorSettings = detectorSettingsSchema.parse({});

/**
 * What a backtest runs with: the trade parameters (auto-trading on by default here), the detector
 * thresholds, how unknown sentiment is treated, costs and the start balance.
 */
export const backtestParamsSchema = z.object({
  params: tradeParametersSchema.extend({ autoTradingEnabled: z.boolean().default(true) }).prefault({}),
  detector: detectorSettingsSchema.prefault({}),
  /** 'ignore' drops the sentiment terms; a number is a constant score on −100…100. */
  sentiment: z.union([z.literal('ignore'), z.number().min(-100).max(100)]).default('ignore'),
  /** Taker fee: entries, stops and other market fills. */
  feeRate: z
    .number()
    .min(0, 'fee rate must be 0 to 0.05')
    .max(0.05, 'fee rate must be 0 to 0.05')
    .default(0.0026),
  /** Maker fee: take-profits resting as limit orders (Kraken's lowest tier). */
  makerFeeRate: z
    .number()
    .min(0, 'maker fee rate must be 0 to 0.05')
    .max(0.05, 'maker fee rate must be 0 to 0.05')
    .default(0.0016),
  /** 'range-volume' slips by the bar's range and the order's share of its volume; 'fixed' by slippageRate. */
  slippageModel: z
    .enum(SLIPPAGE_MODELS, { error: 'slippage model must be fixed or range-volume' })
    .default('range-volume'),
  /** Fixed slippage, or the floor of the range-volume model. */
  slippageRate: z
    .number()
    .min(0, 'slippage rate must be 0 to 0.05')
    .max(0.05, 'slippage rate must be 0 to 0.05')
    .default(0.0005),
  startBalance: z.number().positive('start balance must be greater than 0').max(1e12).default(10_000),
  timeframe: z.enum(['5m', '1h']).default('5m'),
});

/** Parsed backtest parameters. */
export type BacktestParams = z.output<typeof backtestParamsSchema>;
/** Backtest parameters as the CLI or a client sends them. */
export type BacktestParamsInput = z.input<typeof backtestParamsSchema>;

/** Parses 'HH:MM' into minutes after midnight. */
export function minutesOfDay(hhmmText: string): number {
  if (!HH_MM.test(hhmmText)) throw new Error(`not an HH:MM time: ${hhmmText}`);
  return Number(hhmmText.slice(0, 2)) * 60 + Number(hhmmText.slice(3, 5));
}

/**
 * The one rule that applies to a symbol among a user's rows: the symbol's own row of that asset type,
 * else the ALL row, else none. Entries, exits and manual trades all resolve rules through this.
 */
export function effectiveRule<R extends { assetType: string; symbol: string }>(
  rules: readonly R[],
  assetType: string,
  symbol: string,
): R | null {
  let all: R | null = null;
  for (const r of rules) {
    if (r.assetType !== assetType) continue;
    if (r.symbol === symbol) return r;
    if (r.symbol === 'ALL') all = r;
  }
  return all;
}
