/**
 * Safety rails, pure: each check returns a decision with a reason that is stored and shown, never an
 * exception. The caller passes what happened (today's loss, the recent price range) and the settings.
 */

import { roundCents } from './money';

const DAY_MS = 86_400_000;

/** A risk decision: allowed, or refused with a reason (and, for a pause, when it lifts). */
export type Check = { ok: true } | { ok: false; reason: SafetyReason; until?: number };

/** Why a safety rail refused. */
export type SafetyReason =
  | 'kill-switch'
  | 'circuit-breaker'
  | 'daily-loss-limit'
  | 'over-small-money-cap'
  | 'insufficient-balance'
  | 'user-paused'
  | 'non-usd-quote'
  | 'approval-expired';

/** Platform-wide safety settings (from `Config`, amounts in cents). */
export interface SafetySettings {
  /** Stops every new entry for every user. */
  killSwitch: boolean;
  /** A symbol whose high–low range over the recent window exceeds this percentage is blocked. */
  circuitBreakerPct: number;
  /** Largest live order, in cents. */
  smallMoneyTradeCapCents: number;
  /** Live trading pauses for the rest of the UTC day once the day's loss reaches this, in cents. */
  smallMoneyDailyLossCents: number;
  /** Paper trading's daily loss limit in cents; null for none. */
  paperDailyLossCents: number | null;
  /** Live orders wait for an admin's approval. */
  liveRequiresApproval: boolean;
}

/** Settings from the config's safety variables (amounts given in currency units). */
export function safetySettingsFrom(config: {
  SMALL_MONEY_TRADE_CAP: number;
  SMALL_MONEY_DAILY_LOSS: number;
  CIRCUIT_BREAKER_PCT: number;
  LIVE_REQUIRES_APPROVAL: boolean;
}): SafetySettings {
  return {
    killSwitch: false,
    circuitBreakerPct: config.CIRCUIT_BREAKER_PCT,
    smallMoneyTradeCapCents: roundCents(config.SMALL_MONEY_TRADE_CAP),
    smallMoneyDailyLossCents: roundCents(config.SMALL_MONEY_DAILY_LOSS),
    paperDailyLossCents: null,
    liveRequiresApproval: config.LIVE_REQUIRES_APPROVAL,
  };
}

const OK: Check = { ok: true };

/** Refuses every entry while the global kill switch is on. */
export function checkKillSwitch(settings: SafetySettings): Check {
  return settings.killSwitch ? { ok: false, reason: 'kill-switch' } : OK;
}

/** Percentage range of a window: (highest high − lowest low) / lowest low × 100; NaN without prices. */
export function rangePct(high: number, low: number): number {
  return low > 0 ? ((high - low) / low) * 100 : Number.NaN;
}

/** Blocks a symbol whose recent range exceeds the breaker's percentage; an unknown range passes. */
export function checkCircuitBreaker(recentRangePct: number | null, settings: SafetySettings): Check {
  return recentRangePct !== null && recentRangePct > settings.circuitBreakerPct
    ? { ok: false, reason: 'circuit-breaker' }
    : OK;
}

/** Start of the UTC day that contains `t`. */
export function utcDayStart(t: number): number {
  return Math.floor(t / DAY_MS) * DAY_MS;
}

/**
 * Pauses a user for the rest of the UTC day once today's realised loss (positive cents, fees
 * included) reaches the limit for their mode. The pause lifts at the next 00:00 UTC.
 */
export function checkDailyLoss(
  lossTodayCents: number,
  mode: 'paper' | 'live',
  settings: SafetySettings,
  now: number,
): Check {
  const limit = mode === 'live' ? settings.smallMoneyDailyLossCents : settings.paperDailyLossCents;
  if (limit === null || lossTodayCents < limit) return OK;
  return { ok: false, reason: 'daily-loss-limit', until: utcDayStart(now) + DAY_MS };
}

/** Live orders may not exceed the small-money cap; paper orders are not capped. */
export function checkSmallMoneyCap(
  amountCents: number,
  mode: 'paper' | 'live',
  settings: SafetySettings,
): Check {
  return mode === 'live' && amountCents > settings.smallMoneyTradeCapCents
    ? { ok: false, reason: 'over-small-money-cap' }
    : OK;
}

/** Refuses an order larger than the free balance. */
export function checkBalance(amountCents: number, balanceCents: number): Check {
  return amountCents > balanceCents ? { ok: false, reason: 'insufficient-balance' } : OK;
}

/** Whether an order in this mode waits for an admin's approval. */
export function requiresApproval(mode: 'paper' | 'live', settings: SafetySettings): boolean {
  return mode === 'live' && settings.liveRequiresApproval;
}

/** Everything the one order gate judges, as the caller found it at order time. */
export interface OrderGateInput {
  mode: 'paper' | 'live';
  /** The order's amount in minor units of `currency`. */
  amountCents: number;
  /** The currency the amount is in (the symbol's quote currency). */
  currency: string;
  /** The user paused themselves, or the daily loss limit paused them until `pausedUntil`. */
  userPaused: boolean;
  pausedUntil: number | null;
  /** Today's realised loss in positive USD cents across all the user's accounts in this mode. */
  lossTodayCents: number;
  /** Range of the symbol over the breaker's window in percent; null when unknown. */
  recentRangePct: number | null;
  /** For an approval: when it expires. */
  approvalExpiresAt?: number | null;
  now: number;
}

/**
 * The one gate every order passes at order time (engine entries, manual buys, approvals): kill switch,
 * user pause, live orders only in USD, the per-trade cap and daily loss limit (USD, per user across
 * their accounts), the circuit breaker and approval expiry. The first refusal wins.
 */
export function gateOrder(o: OrderGateInput, settings: SafetySettings): Check {
  const kill = checkKillSwitch(settings);
  if (!kill.ok) return kill;
  if (o.userPaused) return { ok: false, reason: 'user-paused' };
  if (o.pausedUntil !== null && o.pausedUntil > o.now)
    return { ok: false, reason: 'user-paused', until: o.pausedUntil };
  if (o.approvalExpiresAt != null && o.approvalExpiresAt <= o.now)
    return { ok: false, reason: 'approval-expired' };
  // Caps and limits are in USD; converting another currency would need a rate we do not record.
  if (o.mode === 'live' && o.currency !== 'USD') return { ok: false, reason: 'non-usd-quote' };
  const cap = checkSmallMoneyCap(o.amountCents, o.mode, settings);
  if (!cap.ok) return cap;
  const loss = checkDailyLoss(o.lossTodayCents, o.mode, settings, o.now);
  if (!loss.ok) return loss;
  return checkCircuitBreaker(o.recentRangePct, settings);
}
