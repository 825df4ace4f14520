import type { TradeParameters } from './params';
import type { Bar } from './types';

/**
 * Exit rules, pure, the same code for live positions and backtests.
 *
 * At entry a user's rules become levels fixed on the position (`planExits`): a take-profit and a
 * stop-loss (fixed percentages, or multiples of the signal bar's ATR), an optional trailing stop, an
 * optional break-even trigger and an optional deadline. Each later bar is judged by `exitFor` against
 * the position's state *before* that bar, then `advanceExitState` raises the high-water price with the
 * bar's high. A bar's OHLC says nothing about the order of its high and low, so a level armed by a
 * bar's own high (a trailing stop or break-even) only counts from the next bar, and a bar that touches
 * both a stop and the take-profit is assumed to have hit the stop first.
 */

/** Why a position closed; the same names are stored on trades. */
export type ExitTrigger = 'take-profit' | 'stop-loss' | 'trailing-stop' | 'break-even' | 'max-holding';

/** The levels fixed on a position at entry (percentages of the fill price). */
export interface ExitPlan {
  takeProfitPct: number;
  stopLossPct: number;
  /** Stop this far below the highest high since entry; null = off. */
  trailingStopPct: number | null;
  /** Once the high-water price is this far above entry, the stop moves up to the entry price; null = off. */
  breakEvenAfterPct: number | null;
  /** Close at the first bar close at least this long after entry; null = off. */
  maxHoldingMs: number | null;
}

/** The exit state a position carries. Levels are prices; optional fields are off when absent or null. */
export interface ExitState {
  entryPrice: number;
  takeProfitPrice: number;
  stopLossPrice: number;
  trailingStopPct?: number | null;
  /** Price whose reach moves the stop to the entry price. */
  breakEvenPrice?: number | null;
  /** Instant from which a bar close ends the position. */
  exitDeadline?: number | null;
  /** Highest high seen since entry, through the last judged bar; the entry price before any bar. */
  highWaterPrice?: number | null;
}

/** An exit a bar triggered, and the price it fills at before costs. */
export interface ExitHit {
  reason: ExitTrigger;
  price: number;
}

const HOUR_MS = 3_600_000;

/** ATR period used by the ATR-multiple exits. */
export const ATR_PERIOD = 14;

/**
 * Turns a user's rules into an entry's plan. ATR multiples, when set, replace the fixed percentages,
 * measured against the decision price; with the ATR still unknown (too little history) the fixed
 * percentages apply.
 */
export function planExits(
  params: Pick<
    TradeParameters,
    | 'takeProfitPct'
    | 'stopLossPct'
    | 'takeProfitAtr'
    | 'stopLossAtr'
    | 'trailingStopPct'
    | 'breakEvenAfterPct'
    | 'maxHoldingHours'
  >,
  market: { price: number; atr: number | null },
): ExitPlan {
  const atrPct =
    market.atr !== null && market.atr > 0 && market.price > 0 ? (market.atr / market.price) * 100 : null;
  return {
    takeProfitPct:
      params.takeProfitAtr !== null && atrPct !== null ? params.takeProfitAtr * atrPct : params.takeProfitPct,
    stopLossPct:
      params.stopLossAtr !== null && atrPct !== null
        ? Math.min(params.stopLossAtr * atrPct, 99)
        : params.stopLossPct,
    trailingStopPct: params.trailingStopPct,
    breakEvenAfterPct: params.breakEvenAfterPct,
    maxHoldingMs: params.maxHoldingHours === null ? null : params.maxHoldingHours * HOUR_MS,
  };
}

/** The state a position starts with once filled at `entryPrice` at instant `openedAt`. */
export function exitStateAt(plan: ExitPlan, entryPrice: number, openedAt: number): Required<ExitState> {
  return {
    entryPrice,
    takeProfitPrice: entryPrice * (1 + plan.takeProfitPct / 100),
    stopLossPrice: entryPrice * (1 - plan.stopLossPct / 100),
    trailingStopPct: plan.trailingStopPct,
    breakEvenPrice: plan.breakEvenAfterPct === null ? null : entryPrice * (1 + plan.breakEvenAfterPct / 100),
    exitDeadline: plan.maxHoldingMs === null ? null : openedAt + plan.maxHoldingMs,
    highWaterPrice: entryPrice,
  };
}

/** The protective stop in force for the next bar, and which rule set it. */
export function activeStop(state: ExitState): { price: number; reason: ExitTrigger } {
  let price = state.stopLossPrice;
  let reason: ExitTrigger = 'stop-loss';
  const high = state.highWaterPrice ?? state.entryPrice;
  const breakEven = state.breakEvenPrice ?? null;
  if (breakEven !== null && high >= breakEven && state.entryPrice > price) {
    price = state.entryPrice;
    reason = 'break-even';
  }
  const trail = state.trailingStopPct ?? null;
  if (trail !== null) {
    const level = high * (1 - trail / 100);
    if (level > price) {
      price = level;
      reason = 'trailing-stop';
    }
  }
  return { price, reason };
}

/**
 * The exit a bar triggers, judged against the state before the bar: the stop first (at the bar's open
 * when it opened through it), then the take-profit, then the deadline at the bar's close. `closeTime`
 * is the instant the bar closes (needed only by the deadline).
 */
export function exitFor(
  state: ExitState,
  bar: Pick<Bar, 'open' | 'high' | 'low' | 'close'>,
  closeTime = Number.NEGATIVE_INFINITY,
): ExitHit | null {
  const stop = activeStop(state);
  if (bar.low <= stop.price) {
    return { reason: stop.reason, price: Math.min(bar.open, stop.price) };
  }
  if (bar.high >= state.takeProfitPrice) {
    return { reason: 'take-profit', price: Math.max(bar.open, state.takeProfitPrice) };
  }
  const deadline = state.exitDeadline ?? null;
  if (deadline !== null && closeTime >= deadline) {
    return { reason: 'max-holding', price: bar.close };
  }
  return null;
}

/** The high-water price after a bar the position survived; live ticks store it on the position. */
export function advanceExitState(state: ExitState, bar: Pick<Bar, 'high'>): number {
  const high = state.highWaterPrice ?? state.entryPrice;
  return Math.max(bar.high, high);
}

/**
 * Wilder's average true range fed one bar at a time, for a live tick that sees its bars one by one:
 * after each push, `value` equals `averageTrueRange` of the bars pushed so far at the last of them
 * (null until `period` bars have passed).
 */
export class AtrState {
  value: number | null = null;
  private count = 0;
  private sum = 0;
  private previousClose: number | null = null;

  constructor(private readonly period = ATR_PERIOD) {}

  push(bar: Pick<Bar, 'high' | 'low' | 'close'>): void {
    const previous = this.previousClose ?? bar.close;
    const tr = Math.max(bar.high - bar.low, Math.abs(bar.high - previous), Math.abs(bar.low - previous));
    this.previousClose = bar.close;
    if (this.count < this.period) {
      this.sum += tr;
      this.count++;
      if (this.count === this.period) this.value = this.sum / this.period;
    } else {
      this.value = (this.value! * (this.period - 1) + tr) / this.period;
    }
  }
}

/** Wilder's average true range per bar; NaN until `period` bars have passed. */
export function averageTrueRange(
  bars: readonly Pick<Bar, 'high' | 'low' | 'close'>[],
  period = ATR_PERIOD,
): Float64Array {
  const out = new Float64Array(bars.length).fill(Number.NaN);
  let atr = 0;
  let sum = 0;
  for (let i = 0; i < bars.length; i++) {
    const b = bars[i]!;
    const previous = i > 0 ? bars[i - 1]!.close : b.close;
    const tr = Math.max(b.high - b.low, Math.abs(b.high - previous), Math.abs(b.low - previous));
    if (i < period) {
      sum += tr;
      if (i === period - 1) {
        atr = sum / period;
        out[i] = atr;
      }
    } else {
      atr = (atr * (period - 1) + tr) / period;
      out[i] = atr;
    }
  }
  return out;
}
