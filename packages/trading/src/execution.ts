import type { AssetType, Broker, Detection, ExitReason, OrderState } from '@tradehits/core';
import { exitOrderType } from '@tradehits/core/costs';
import { errorMessage } from '@tradehits/core/errors';
import { type ExitPlan, exitStateAt } from '@tradehits/core/exits';
import {
  centsToNumber,
  feeCents,
  floorQuantity,
  formatCents,
  valueCentsDown,
  valueCentsUp,
} from '@tradehits/core/money';
import { openLedger, paperBuy, paperSell } from '@tradehits/core/paper';
import { tradeParametersSchema } from '@tradehits/core/params';
import { quoteCurrency } from '@tradehits/core/symbols';
import {
  type AccountRow,
  audit,
  claimOrder,
  clearForVenue,
  closePosition,
  createApproval,
  decideApproval,
  FINAL_ORDER_STATUSES,
  getAccount,
  getAccountById,
  getApproval,
  getTrade,
  getTradeByClientOrderId,
  listInterruptedOrders,
  listOrders,
  type OrderRow,
  openPosition,
  quarantineAccount,
  recordOrderState,
  releasePosition,
  reopenPosition,
  settleLiveEntry,
  settleLiveExit,
  type TradeRow,
} from '@tradehits/db';
import { brokerForAccount } from './brokers';
import { type CostBar, paperFillCosts } from './costs';
import { classify, type Failure } from './failures';
import { checkOrder, refusalMessage } from './gate';
import { ENTRY_RATE_MAX_AGE_MS, paperUsdRate } from './rates';
import type { Services } from './services';

/** How long a live order waits for an admin before it expires. */
export const APPROVAL_TTL_MS = 30 * 60_000;

/**
 * Cash held for a live buy beyond its estimated cost, for the price to move between the decision and
 * the fill (an approval can take minutes). A fill beyond even this is booked and the account flagged.
 */
export const HOLD_SLIPPAGE_BUFFER = 0.02;

/** The currency paper accounts hold and book in. */
export const PAPER_CURRENCY = 'USD';

export interface OpenRequest {
  userId: string;
  assetType: AssetType;
  mode: 'paper' | 'live';
  symbol: string;
  /**
   * The amount to spend, in minor units of the account's currency (USD). A paper order on a pair quoted
   * in another currency is converted at the recorded rate; a live one is refused by the gate.
   */
  amountCents: number;
  /** Last price; a paper fill applies slippage to it, a live hold is estimated from it. */
  price: number;
  /** The tick's bar, whose range and volume set a paper fill's slippage; none for a manual order. */
  bar?: CostBar | null;
  /** The rule's exits, fixed on the position now. */
  takeProfitPct: number;
  stopLossPct: number;
  /** The engine's whole exit plan (trailing stop, break-even, holding time); TP/SL as above. */
  exits?: ExitPlan;
  maxConcurrentTrades: number;
  clientOrderId: string;
  executionReason: string;
  parametersId?: string | null;
  detection?: Detection | null;
  requiresApproval: boolean;
  at: Date;
}

export type OpenResult = { ok: true; trade: TradeRow } | { ok: false; reason: string; message?: string };

const HOUR_MS = 3_600_000;

/** A request's exit plan: the rules beyond TP/SL are off unless the engine planned them. */
export function planOf(r: OpenRequest): ExitPlan {
  return {
    trailingStopPct: null,
    breakEvenAfterPct: null,
    maxHoldingMs: null,
    ...r.exits,
    takeProfitPct: r.takeProfitPct,
    stopLossPct: r.stopLossPct,
  };
}

/** The plan as the columns that fix it on the position when the order is decided. */
function planColumns(plan: ExitPlan) {
  return {
    takeProfitPct: plan.takeProfitPct,
    stopLossPct: plan.stopLossPct,
    trailingStopPct: plan.trailingStopPct,
    breakEvenAfterPct: plan.breakEvenAfterPct,
    maxHoldingHours: plan.maxHoldingMs === null ? null : plan.maxHoldingMs / HOUR_MS,
  };
}

/** Every exit column of a position filled at `entry` at `at`, from the same plan a backtest uses. */
export function levels(entry: number, plan: ExitPlan, at: Date) {
  const state = exitStateAt(plan, entry, at.getTime());
  return {
    ...planColumns(plan),
    takeProfitPrice: String(state.takeProfitPrice),
    stopLossPrice: String(state.stopLossPrice),
    breakEvenPrice: state.breakEvenPrice === null ? null : String(state.breakEvenPrice),
    exitDeadline: state.exitDeadline === null ? null : new Date(state.exitDeadline),
    highWaterPrice: String(entry),
  };
}

/** The exits fixed on a position (null on positions from before they were stored: the defaults). */
function fixedExits(trade: TradeRow): ExitPlan {
  const defaults = tradeParametersSchema.parse({});
  return {
    takeProfitPct: trade.takeProfitPct ?? defaults.takeProfitPct,
    stopLossPct: trade.stopLossPct ?? defaults.stopLossPct,
    trailingStopPct: trade.trailingStopPct,
    breakEvenAfterPct: trade.breakEvenAfterPct,
    maxHoldingMs: trade.maxHoldingHours === null ? null : trade.maxHoldingHours * HOUR_MS,
  };
}

export function detectionFields(d: Detection | null | undefined) {
  if (!d) return {};
  return {
    timeframeDetected: d.timeframe,
    sentimentAtBuy: d.sentiment,
    politicalSentimentAtBuy: d.politicalSentiment,
    wasLowestPoint: d.isLowestPoint,
    indicatorSnapshot: {
      price: d.price,
      low24h: d.low24h,
      low7d: d.low7d,
      support: d.support,
      rsi: d.rsi,
      macdHist: d.macdHist,
      bbPosition: d.bbPosition,
      confidence: d.confidence,
      reasons: d.reasons,
    },
  };
}

/**
 * Opens a position. Paper: fills now at the price with slippage and fees. Live: passes the safety gate
 * at order time, holds the cash (estimated cost + fee + a slippage buffer), then either waits for an
 * admin or claims the position and sends the order. The database guards the concurrency rules, so
 * this is safe to call from parallel ticks.
 */
export async function openTrade(services: Services, r: OpenRequest): Promise<OpenResult> {
  const { db } = services;
  const account = await getAccount(db, r.userId, r.assetType, r.mode);
  if (!account) return { ok: false, reason: r.mode === 'live' ? 'no-live-account' : 'no-account' };
  const currency = quoteCurrency(r.symbol);
  if (r.mode === 'live' || r.executionReason === 'manual') {
    const gate = await checkOrder(services, { ...r });
    if (!gate.ok)
      return {
        ok: false,
        reason: gate.reason,
        message: refusalMessage(gate.reason, { symbol: r.symbol, config: services.config }),
      };
  }
  const base = {
    userId: r.userId,
    assetType: r.assetType,
    mode: r.mode,
    symbol: r.symbol,
    clientOrderId: r.clientOrderId,
    maxConcurrentTrades: r.maxConcurrentTrades,
    executionReason: r.executionReason,
    parametersId: r.parametersId ?? null,
    ...planColumns(planOf(r)),
    currency,
    ...detectionFields(r.detection),
  };

  if (r.mode === 'paper') {
    // A paper account holds USD: a pair quoted in another currency (ETH/BTC) is bought at the recorded
    // rate of that currency, and the position's money is booked in USD; its prices stay the pair's.
    const rate = await paperUsdRate(services, currency, r.at, ENTRY_RATE_MAX_AGE_MS);
    if (rate === null)
      return {
        ok: false,
        reason: 'no-usd-rate',
        message: `${r.symbol} is priced in ${currency} and your paper account holds ${PAPER_CURRENCY}: there is no recorded ${currency}/${PAPER_CURRENCY} price from the last day (nor a PAPER_USD_RATES rate) to convert the order at.`,
      };
    // The cost model reads the order's size in the pair's own currency, as the bar's volume is.
    const costs = paperFillCosts(
      services.config,
      'market',
      r.bar,
      r.price,
      centsToNumber(r.amountCents) / rate,
    );
    const fill = paperBuy(openLedger(account.balance), r.amountCents, r.price, costs, rate);
    if (!fill.ok) return fill;
    const { lot } = fill;
    const result = await openPosition(db, {
      ...base,
      currency: PAPER_CURRENCY,
      status: 'open',
      amount: lot.costCents,
      entryFee: lot.entryFeeCents,
      quantity: lot.quantity.toFixed(8),
      entryPrice: String(lot.entryPrice),
      entryTime: r.at,
      ...levels(lot.entryPrice, planOf(r), r.at),
    });
    if (!result.ok) return result;
    services.bus.publish({
      type: 'trade.opened',
      userId: r.userId,
      trade: { id: result.trade.id, symbol: r.symbol, status: 'open' },
    });
    await audit(db, {
      actorId: r.executionReason === 'manual' ? r.userId : null,
      action: 'trade.open',
      targetType: 'trade',
      targetId: result.trade.id,
      details: {
        symbol: r.symbol,
        reason: r.executionReason,
        ...(currency === PAPER_CURRENCY ? {} : { rate: { [`${currency}/${PAPER_CURRENCY}`]: rate } }),
      },
    });
    return result;
  }

  if (account.status === 'quarantined')
    return {
      ok: false,
      reason: 'account-quarantined',
      message: `Your live account is quarantined: ${account.statusReason ?? 'the venue refused it'}. Relink your keys.`,
    };
  const quantity = floorQuantity(centsToNumber(r.amountCents) / r.price);
  if (!(quantity > 0)) return { ok: false, reason: 'amount-too-small' };
  const holdCents = valueCentsUp(quantity, r.price * (1 + HOLD_SLIPPAGE_BUFFER));
  const pending = r.requiresApproval;
  const held = await openPosition(db, {
    ...base,
    status: pending ? 'pending_approval' : 'held',
    amount: holdCents,
    entryFee: feeCents(holdCents, services.config.FEE_RATE),
    quantity: quantity.toFixed(8),
    entryPrice: null,
    entryTime: null,
    takeProfitPrice: null,
    stopLossPrice: null,
  });
  if (!held.ok) return held.reason === 'duplicate' ? settleLostBuy(services, r.clientOrderId) : held;
  if (!pending) return sendEntry(services, held.trade, r.at);
  const approval = await createApproval(db, {
    tradeId: held.trade.id,
    userId: r.userId,
    expiresAt: new Date(r.at.getTime() + APPROVAL_TTL_MS),
  });
  if (approval)
    services.bus.publish({
      type: 'approval',
      userId: r.userId,
      approval: { id: approval.id, status: 'pending', tradeId: held.trade.id },
    });
  await audit(db, {
    actorId: r.executionReason === 'manual' ? r.userId : null,
    action: 'trade.pending',
    targetType: 'trade',
    targetId: held.trade.id,
    details: { symbol: r.symbol, reason: r.executionReason },
  });
  return held;
}

/**
 * A live order asked again under the same client id (a retried request): nothing new is sent. If its
 * buy's answer was lost (the order is `unknown`), the buy is looked up at the venue by client id and
 * booked as it filled; a buy the venue does not know (yet) is left to `recoverInterruptedOrders`.
 */
async function settleLostBuy(services: Services, clientOrderId: string): Promise<OpenResult> {
  const duplicate = { ok: false, reason: 'duplicate' } as const;
  const trade = await getTradeByClientOrderId(services.db, clientOrderId);
  if (trade?.status !== 'opening') return duplicate;
  const buyOrder = (await listOrders(services.db, trade.id)).find((o) => o.side === 'buy');
  if (buyOrder?.status !== 'unknown') return duplicate;
  const { booked } = await reconcileOrder(services, buyOrder, trade, { concludeMissing: false });
  return booked ? { ok: true, trade: booked } : duplicate;
}

/** The broker of a live account, or the failure that kept anything from being sent. */
function brokerOf(services: Services, account: AccountRow): { broker: Broker } | { failure: Failure } {
  try {
    return { broker: brokerForAccount(services.config, account) };
  } catch (err) {
    return { failure: classify(err) };
  }
}

/** Quarantines an account the venue refuses, once, and tells its user and the audit log why. */
async function quarantine(services: Services, account: AccountRow, reason: string) {
  const done = await quarantineAccount(services.db, account.id, reason);
  if (!done) return;
  services.log.warn({ accountId: account.id, userId: account.userId, reason }, 'account quarantined');
  await audit(services.db, {
    actorId: null,
    action: 'account.quarantined',
    targetType: 'account',
    targetId: account.id,
    details: { reason },
  });
  services.bus.publish({
    type: 'account',
    userId: account.userId,
    account: { id: account.id, status: 'quarantined', reason },
  });
}

/**
 * Sends a claimed order and records what became of it. A refusal the venue gave is final (and an
 * account refusal quarantines the account); a failure that leaves the order's fate unknown (a timeout,
 * a 5xx) records it as unknown, and the reconciler asks the venue by client id later.
 */
async function submit(
  services: Services,
  account: AccountRow,
  order: OrderRow,
  symbol: string,
): Promise<{ state: OrderState } | { refused: Failure } | { unknown: Failure }> {
  const resolved = brokerOf(services, account);
  if ('failure' in resolved) {
    // Nothing reached the venue.
    await recordOrderState(services.db, order.id, {
      status: 'rejected',
      reason: resolved.failure.reason,
      retryable: false,
    });
    if (resolved.failure.accountRefused) await quarantine(services, account, resolved.failure.reason);
    return { refused: resolved.failure };
  }
  try {
    const state = await resolved.broker.placeOrder({
      clientOrderId: order.clientOrderId,
      symbol,
      side: order.side,
      quantity: Number(order.requestedQuantity),
    });
    return { state };
  } catch (err) {
    const failure = classify(err);
    if (failure.retryable) {
      await recordOrderState(services.db, order.id, {
        status: 'unknown',
        reason: failure.reason,
        retryable: true,
      });
      return { unknown: failure };
    }
    await recordOrderState(services.db, order.id, {
      status: 'rejected',
      reason: failure.reason,
      retryable: false,
    });
    if (failure.accountRefused) await quarantine(services, account, failure.reason);
    return { refused: failure };
  }
}

/** The venue's word on an order as it is stored: unknown when a fill is reported without its facts. */
function orderStatusOf(state: OrderState): OrderRow['status'] {
  if (state.status === 'open') return state.filledQuantity > 0 ? 'partially_filled' : 'acknowledged';
  if (state.filledQuantity > 0 && !(state.averagePrice !== null && state.averagePrice > 0)) return 'unknown';
  if (state.status === 'filled') return state.filledQuantity > 0 ? 'filled' : 'unknown';
  return state.status === 'rejected' ? 'rejected' : 'canceled';
}

type Settlement =
  | { outcome: 'filled' | 'partly-filled'; trade: TradeRow }
  | { outcome: 'unfilled'; reason: string }
  | { outcome: 'unknown'; reason: string }
  | { outcome: 'settled-elsewhere' };

/**
 * Applies the venue's answer about one order, by the order's id, and settles its position: a final
 * fill (whole or part) books at the venue's quantity, price and fee; a final order with nothing filled
 * gives the position back (cash released for a buy, open again for a sell); anything else (still
 * working, or a fill without a price) settles nothing: an exit price is never invented.
 */
async function applyVenueState(
  services: Services,
  order: OrderRow,
  trade: TradeRow,
  state: OrderState,
  reason: string,
  at: Date,
): Promise<Settlement> {
  const status = orderStatusOf(state);
  const stored = await recordOrderState(services.db, order.id, {
    status,
    venueOrderId: state.venueOrderId,
    filledQuantity: state.filledQuantity.toFixed(8),
    averagePrice: state.averagePrice === null ? null : String(state.averagePrice),
    feeCents: valueCentsUp(state.fee, 1),
    reason:
      status === 'unknown' ? `the venue reports a fill of order ${state.venueOrderId} with no price` : null,
  });
  if (
    stored.status === 'unknown' ||
    stored.status === 'acknowledged' ||
    stored.status === 'partially_filled'
  ) {
    return {
      outcome: 'unknown',
      reason:
        stored.reason ??
        (state.status === 'filled'
          ? `the venue reports order ${state.venueOrderId} filled with no quantity`
          : `the venue still has order ${state.venueOrderId} open`),
    };
  }
  const filled = Number(stored.filledQuantity);
  if (!(filled > 0)) {
    const why = `the venue ${state.status} order ${state.venueOrderId} with nothing filled`;
    if (order.side === 'buy') {
      const released = await releasePosition(services.db, trade.id, 'failed', why, ['opening']);
      return released ? { outcome: 'unfilled', reason: why } : { outcome: 'settled-elsewhere' };
    }
    const reopened = await reopenPosition(services.db, trade.id);
    return reopened ? { outcome: 'unfilled', reason: why } : { outcome: 'settled-elsewhere' };
  }
  const price = Number(stored.averagePrice);
  const quantity = filled.toFixed(8);
  if (order.side === 'buy') {
    const opened = await settleLiveEntry(services.db, {
      tradeId: trade.id,
      entryPrice: String(price),
      entryTime: at,
      quantity,
      venueOrderId: state.venueOrderId,
      amount: valueCentsUp(filled, price),
      entryFee: stored.fee,
      ...levels(price, fixedExits(trade), at),
    });
    if (!opened) return { outcome: 'settled-elsewhere' };
    if (opened.overHeld) await flagOverHold(services, opened.trade, opened.overHeld);
    services.bus.publish({
      type: 'trade.opened',
      userId: trade.userId,
      trade: { id: trade.id, symbol: trade.symbol, status: 'open' },
    });
    const partly = Number(quantity) < Number(trade.quantity);
    return { outcome: partly ? 'partly-filled' : 'filled', trade: opened.trade };
  }
  // A sale: the part sold carries its share of the position's cost and entry fee.
  const share = Math.min(1, filled / Number(trade.quantity));
  const sold = await settleLiveExit(services.db, {
    tradeId: trade.id,
    soldQuantity: quantity,
    exitPrice: String(price),
    proceeds: valueCentsDown(filled, price),
    exitFee: stored.fee,
    soldCost: Math.round(trade.amount * share),
    soldEntryFee: Math.round(trade.entryFee * share),
    exitReason: reason,
    exitTime: at,
    venueOrderId: state.venueOrderId,
    orderClientId: order.clientOrderId,
  });
  if (!sold) return { outcome: 'settled-elsewhere' };
  services.bus.publish({
    type: 'trade.closed',
    userId: trade.userId,
    trade: { id: trade.id, symbol: trade.symbol, status: sold.remaining ? 'open' : 'closed' },
  });
  return { outcome: sold.remaining ? 'partly-filled' : 'filled', trade: sold.closed };
}

/** A fill that cost more than the cash held: booked (the venue's fact), the account flagged, admins told. */
async function flagOverHold(services: Services, trade: TradeRow, overCents: number) {
  const over = formatCents(overCents);
  const reason = `a fill of ${trade.symbol} cost ${over} ${trade.currency} more than the cash held for it`;
  services.log.error({ tradeId: trade.id, accountId: trade.accountId, over }, 'fill exceeded the cash held');
  await audit(services.db, {
    actorId: null,
    action: 'account.flagged',
    targetType: 'account',
    targetId: trade.accountId,
    details: { tradeId: trade.id, reason },
  });
}

/** Claims a held live entry and sends its buy; a refusal releases the cash and records why. */
async function sendEntry(services: Services, trade: TradeRow, at: Date): Promise<OpenResult> {
  const claimed = await claimOrder(services.db, {
    tradeId: trade.id,
    from: 'held',
    to: 'opening',
    side: 'buy',
    clientOrderId: () => trade.clientOrderId,
    quantity: trade.quantity,
  });
  if (!claimed) return { ok: false, reason: 'not-held' };
  const account = (await getAccountById(services.db, trade.accountId))!;
  const sent = await submit(services, account, claimed.order, trade.symbol);
  if ('refused' in sent) {
    await releasePosition(services.db, trade.id, 'failed', sent.refused.reason, ['opening']);
    await audit(services.db, {
      actorId: null,
      action: 'trade.failed',
      targetType: 'trade',
      targetId: trade.id,
      details: { reason: sent.refused.reason, retryable: sent.refused.retryable },
    });
    return { ok: false, reason: `venue: ${sent.refused.reason}` };
  }
  if ('unknown' in sent) {
    // The cash stays held; the reconciler asks the venue about the order by its client id.
    await audit(services.db, {
      actorId: null,
      action: 'trade.unconfirmed',
      targetType: 'trade',
      targetId: trade.id,
      details: { reason: sent.unknown.reason },
    });
    return { ok: false, reason: 'awaiting-venue' };
  }
  const settled = await applyVenueState(services, claimed.order, claimed.trade, sent.state, 'entry', at);
  if (settled.outcome === 'unfilled' || settled.outcome === 'unknown') {
    await audit(services.db, {
      actorId: null,
      action: settled.outcome === 'unfilled' ? 'trade.failed' : 'trade.unconfirmed',
      targetType: 'trade',
      targetId: trade.id,
      details: { reason: settled.reason, venueOrderId: sent.state.venueOrderId },
    });
    return {
      ok: false,
      reason: settled.outcome === 'unfilled' ? `venue: ${settled.reason}` : 'awaiting-venue',
    };
  }
  if (settled.outcome === 'settled-elsewhere') return { ok: false, reason: 'not-pending' };
  await audit(services.db, {
    actorId: null,
    action: 'trade.open',
    targetType: 'trade',
    targetId: trade.id,
    details: { venueOrderId: sent.state.venueOrderId },
  });
  return { ok: true, trade: settled.trade };
}

/** Why a paper position booked in another currency than its pair's quote cannot be sold yet. */
export function noExitRate(trade: Pick<TradeRow, 'symbol' | 'currency'>): string {
  return `cannot close ${trade.symbol}: no recorded ${quoteCurrency(trade.symbol)}/${trade.currency} price to convert at`;
}

/**
 * The paper sale of a whole position at `price` for `reason`: the fill after the cost model's fee and
 * slippage on `bar`, converted at `rate` into the currency the position was booked in.
 */
export function sellPaperPosition(
  services: Services,
  trade: TradeRow,
  price: number,
  reason: ExitReason,
  bar: CostBar | null | undefined,
  rate: number,
) {
  const lot = {
    quantity: Number(trade.quantity),
    entryPrice: Number(trade.entryPrice),
    costCents: trade.amount,
    entryFeeCents: trade.entryFee,
  };
  const costs = paperFillCosts(services.config, exitOrderType(reason), bar, price, lot.quantity * price);
  const sold = paperSell(openLedger(0), lot, price, costs, rate);
  if (!sold.ok) throw new Error(`cannot close ${trade.symbol}: ${sold.reason}`);
  return sold;
}

/**
 * Closes a position at `price` (paper) or sells it on its venue (live), once however many callers
 * race: a live close first claims the position (open → closing) with its sell order, and only the
 * claimer calls the venue. A live position already closing whose sell's answer was lost (the order is
 * `unknown`) is not sold again: its sell is looked up at the venue by client id and booked as it
 * filled. Returns the closed row (for a partial sale, the closed part; the rest stays open), or null
 * when nothing closed now (already closing or closed, the venue refused, or its answer is pending).
 */
export async function closeTrade(
  services: Services,
  tradeId: string,
  price: number,
  reason: ExitReason,
  at: Date,
  actorId: string | null = null,
  /** The tick's bar (for a paper fill's slippage); a manual close has none. */
  bar: CostBar | null = null,
): Promise<TradeRow | null> {
  const trade = await getTrade(services.db, tradeId);
  if (trade?.status === 'closing' && !trade.isPaper) return settleLostSell(services, trade, actorId);
  if (trade?.status !== 'open') return null;
  let closed: TradeRow | null;
  if (trade.isPaper) {
    // A position booked in another currency than its pair's quote was converted at entry: its sale is
    // converted at the rate recorded at the exit, however old (an exit is never blocked for want of one).
    const quote = quoteCurrency(trade.symbol);
    const rate = quote === trade.currency ? 1 : await paperUsdRate(services, quote, at);
    if (rate === null) throw new Error(noExitRate(trade));
    const sold = sellPaperPosition(services, trade, price, reason, bar, rate);
    closed = await closePosition(services.db, {
      tradeId,
      exitPrice: String(sold.exitPrice),
      exitTime: at,
      exitFee: sold.exitFeeCents,
      proceeds: sold.proceedsCents,
      exitReason: reason,
    });
    if (closed)
      services.bus.publish({
        type: 'trade.closed',
        userId: closed.userId,
        trade: { id: closed.id, symbol: closed.symbol, status: 'closed' },
      });
  } else {
    const claimed = await claimOrder(services.db, {
      tradeId,
      from: 'open',
      to: 'closing',
      side: 'sell',
      // Each sell of a position has its own id: Alpaca never takes an id twice, and Kraken keeps an
      // id unique only among open orders.
      clientOrderId: (n) =>
        n === 0 ? `${trade.clientOrderId}:exit` : `${trade.clientOrderId}:exit:${n + 1}`,
      quantity: trade.quantity,
      exitReason: reason,
    });
    if (!claimed) return null;
    const account = (await getAccountById(services.db, trade.accountId))!;
    const sent = await submit(services, account, claimed.order, trade.symbol);
    if ('refused' in sent) {
      await reopenPosition(services.db, tradeId);
      await audit(services.db, {
        actorId,
        action: 'trade.close_failed',
        targetType: 'trade',
        targetId: tradeId,
        details: { reason: sent.refused.reason, retryable: sent.refused.retryable },
      });
      return null;
    }
    if ('unknown' in sent) return null;
    const settled = await applyVenueState(services, claimed.order, claimed.trade, sent.state, reason, at);
    closed = settled.outcome === 'filled' || settled.outcome === 'partly-filled' ? settled.trade : null;
  }
  if (closed) await auditClose(services, actorId, closed);
  return closed;
}

/** The audit record of a close, by whoever asked (null: the engine). */
function auditClose(services: Services, actorId: string | null, closed: TradeRow) {
  return audit(services.db, {
    actorId,
    action: 'trade.close',
    targetType: 'trade',
    targetId: closed.id,
    details: { reason: closed.exitReason, pnlCents: closed.pnl, currency: closed.currency },
  });
}

/**
 * A close asked again of a position whose sell is `unknown` (sent, the answer lost): the sell is looked
 * up at the venue by its client id and booked as the venue filled it, sending nothing. Only an unknown
 * order is looked up: one still `submitting` has a caller waiting on the venue's answer right now. A
 * sell the venue does not know (yet) is left to `recoverInterruptedOrders`, which concludes it never
 * arrived only after `INTERRUPTED_AFTER_MS`.
 */
async function settleLostSell(
  services: Services,
  trade: TradeRow,
  actorId: string | null,
): Promise<TradeRow | null> {
  const sell = (await listOrders(services.db, trade.id)).filter((o) => o.side === 'sell').at(-1);
  if (sell?.status !== 'unknown') return null;
  const { booked: closed } = await reconcileOrder(services, sell, trade, { concludeMissing: false });
  if (closed) await auditClose(services, actorId, closed);
  return closed;
}

/**
 * An admin's decision on a pending live order. Approve passes the safety gate again now (kill switch,
 * expiry, the user's pause and daily loss, the breaker), clears the position for the venue and sends
 * it; reject releases the cash. An expired approval is expired, never executed.
 */
export async function decideLiveOrder(
  services: Services,
  d: { approvalId: string; decision: 'approve' | 'reject'; adminId: string; note?: string | null },
): Promise<{ ok: true; status: string } | { ok: false; reason: string }> {
  const at = services.now();
  const approval = await getApproval(services.db, d.approvalId);
  if (approval?.status !== 'pending')
    return { ok: false, reason: 'This order was already decided or has expired.' };
  const trade = await getTrade(services.db, approval.tradeId);
  if (!trade) return { ok: false, reason: 'The trade no longer exists.' };
  if (approval.expiresAt <= at) {
    await expireApprovals(services, at, [approval]);
    return {
      ok: false,
      reason: refusalMessage('approval-expired', { symbol: trade.symbol, config: services.config }),
    };
  }
  if (d.decision === 'approve') {
    const gate = await checkOrder(services, {
      userId: trade.userId,
      assetType: trade.assetType,
      mode: 'live',
      symbol: trade.symbol,
      // The cap applies to the order, not to the slippage buffer held beside it.
      amountCents: Math.floor(trade.amount / (1 + HOLD_SLIPPAGE_BUFFER)),
      approvalExpiresAt: approval.expiresAt,
      at,
    });
    if (!gate.ok)
      return {
        ok: false,
        reason: refusalMessage(gate.reason, { symbol: trade.symbol, config: services.config }),
      };
  }
  const decided = await services.db
    .transaction(async (tx) => {
      const row = await decideApproval(tx, {
        id: d.approvalId,
        status: d.decision === 'approve' ? 'approved' : 'rejected',
        decidedBy: d.adminId,
        note: d.note ?? null,
        at,
      });
      if (!row || d.decision === 'reject') return row;
      // Approved and cleared together, or neither.
      if (!(await clearForVenue(tx, row.tradeId))) throw new NotPending();
      return row;
    })
    .catch((err) => {
      if (err instanceof NotPending) return null;
      throw err;
    });
  if (!decided) return { ok: false, reason: 'This order was already decided or has expired.' };
  await audit(services.db, {
    actorId: d.adminId,
    action: `approval.${d.decision}`,
    targetType: 'approval',
    targetId: decided.id,
    details: { note: d.note },
  });
  services.bus.publish({
    type: 'approval',
    userId: decided.userId,
    approval: { id: decided.id, status: decided.status, tradeId: decided.tradeId },
  });
  if (d.decision === 'reject') {
    await releasePosition(services.db, decided.tradeId, 'rejected', d.note ?? 'rejected by an admin', [
      'pending_approval',
    ]);
    return { ok: true, status: 'rejected' };
  }
  const result = await sendEntry(services, (await getTrade(services.db, decided.tradeId))!, at);
  return result.ok ? { ok: true, status: 'executed' } : { ok: false, reason: result.reason };
}

class NotPending extends Error {}

/** Expires approvals nobody decided in time and releases their cash; each on its own. */
export async function expireApprovals(
  services: Services,
  now: Date,
  list: { id: string; tradeId: string; userId: string }[],
) {
  let expired = 0;
  for (const a of list) {
    try {
      if (!(await decideApproval(services.db, { id: a.id, status: 'expired', decidedBy: null, at: now })))
        continue;
      await releasePosition(services.db, a.tradeId, 'expired', 'approval expired', ['pending_approval']);
      services.bus.publish({
        type: 'approval',
        userId: a.userId,
        approval: { id: a.id, status: 'expired', tradeId: a.tradeId },
      });
      expired++;
    } catch (err) {
      services.log.error({ approvalId: a.id, reason: errorMessage(err) }, 'approval expiry failed');
    }
  }
  return expired;
}

/** How long an order may wait for the venue's answer before it is treated as interrupted. */
export const INTERRUPTED_AFTER_MS = 10 * 60_000;

/**
 * Finishes what a dead process or an unanswered venue left: each order whose answer was never
 * recorded is looked up at the venue (by venue id, else by client id) and its answer applied; an
 * order still working is canceled and what filled of it recorded; no such order gives the position
 * back. A position cleared for the venue whose order was never claimed sent nothing: its cash is
 * released. When the venue cannot be asked, nothing changes and the next run asks again. Each order
 * is reconciled on its own; returns how many settled.
 */
export async function recoverInterruptedOrders(services: Services, now: Date) {
  let settled = 0;
  for (const ref of await listInterrupted(services, now)) {
    try {
      if (await recoverInterruptedOrder(services, ref)) settled++;
    } catch (err) {
      services.log.error({ ...ref, reason: errorMessage(err) }, 'reconciling an order failed');
    }
  }
  return settled;
}

/** One interrupted piece of work: an order whose answer was never recorded, or a held position never sent. */
export type InterruptedRef = { orderId: string; tradeId: string } | { heldTradeId: string };

/** What a dead process or an unanswered venue left, as of `now` (see `recoverInterruptedOrders`). */
export async function listInterrupted(services: Services, now: Date): Promise<InterruptedRef[]> {
  const { pending, unsent } = await listInterruptedOrders(
    services.db,
    new Date(now.getTime() - INTERRUPTED_AFTER_MS),
  );
  return [
    ...pending.map(({ order, trade }) => ({ orderId: order.id, tradeId: trade.id })),
    ...unsent.map((trade) => ({ heldTradeId: trade.id })),
  ];
}

/**
 * Settles one interrupted order with its venue, or releases the cash of one held position whose order
 * was never sent; true when it settled. Safe to repeat: a final order or a moved position is left alone.
 */
export async function recoverInterruptedOrder(services: Services, ref: InterruptedRef): Promise<boolean> {
  if ('heldTradeId' in ref) {
    const reason = 'interrupted before its order was sent';
    if (!(await releasePosition(services.db, ref.heldTradeId, 'failed', reason, ['held']))) return false;
    await audit(services.db, {
      actorId: null,
      action: 'trade.interrupted',
      targetType: 'trade',
      targetId: ref.heldTradeId,
      details: { reason },
    });
    return true;
  }
  const trade = await getTrade(services.db, ref.tradeId);
  const order = trade && (await listOrders(services.db, trade.id)).find((o) => o.id === ref.orderId);
  if (!trade || !order || FINAL_ORDER_STATUSES.some((s) => s === order.status)) return false;
  return (await reconcileOrder(services, order, trade, { concludeMissing: true })).settled;
}

/**
 * Reconciles one order with its venue: `settled` when its position was settled, and for an order that
 * filled, the row it booked (the opened position, or the closed one). An order the venue has no record of is concluded never to have arrived only
 * with `concludeMissing` (the reconciler, after long enough for any request in flight to land).
 */
async function reconcileOrder(
  services: Services,
  order: OrderRow,
  trade: TradeRow,
  opts: { concludeMissing: boolean },
): Promise<{ settled: boolean; booked: TradeRow | null }> {
  const unsettled = { settled: false, booked: null };
  const { db } = services;
  const details = { clientOrderId: order.clientOrderId, symbol: trade.symbol, side: order.side };
  const unresolved = async (reason: string) => {
    services.log.warn({ tradeId: trade.id, ...details, reason }, 'interrupted order left as it was');
    await audit(db, {
      actorId: null,
      action: 'trade.reconcile_failed',
      targetType: 'trade',
      targetId: trade.id,
      details: { ...details, reason },
    });
    return unsettled;
  };

  const account = (await getAccountById(db, trade.accountId))!;
  const resolved = brokerOf(services, account);
  if ('failure' in resolved)
    return unresolved(`could not ask the venue about the order: ${resolved.failure.reason}`);
  const broker = resolved.broker;
  let state: OrderState | null;
  try {
    state = order.venueOrderId
      ? await broker.getOrder(order.venueOrderId)
      : await broker.findOrder(order.clientOrderId, trade.symbol);
  } catch (err) {
    return unresolved(`could not ask the venue about the order: ${errorMessage(err)}`);
  }

  if (!state && !opts.concludeMissing) return unsettled;
  if (!state) {
    const reason = `interrupted before the venue confirmed the order, and ${broker.venue} has no order with its client id`;
    await recordOrderState(db, order.id, { status: 'rejected', reason, retryable: false });
    const given =
      order.side === 'buy'
        ? await releasePosition(db, trade.id, 'failed', reason, ['opening'])
        : await reopenPosition(db, trade.id);
    if (!given) return unsettled;
    await audit(db, {
      actorId: null,
      action: 'trade.interrupted',
      targetType: 'trade',
      targetId: trade.id,
      details: { ...details, venue: broker.venue, reason },
    });
    return { settled: true, booked: null };
  }

  const found = state;
  let canceled = false;
  if (state.status === 'open') {
    try {
      await broker.cancelOrder(state.venueOrderId);
      canceled = true;
    } catch {
      // It may have filled or ended meanwhile: what the venue reports next decides.
    }
    try {
      state = await broker.getOrder(state.venueOrderId);
    } catch (err) {
      return unresolved(
        `could not read order ${found.venueOrderId} after canceling it: ${errorMessage(err)}`,
      );
    }
  }
  // The order went to the venue right after its position was claimed.
  const result = await applyVenueState(
    services,
    order,
    trade,
    state,
    trade.exitReason ?? 'reconciled',
    order.createdAt,
  );
  if (result.outcome === 'settled-elsewhere') return unsettled;
  if (result.outcome === 'unknown') return unresolved(result.reason);
  await audit(db, {
    actorId: null,
    action: 'trade.reconciled',
    targetType: 'trade',
    targetId: trade.id,
    details: {
      ...details,
      venue: broker.venue,
      venueOrderId: state.venueOrderId,
      outcome: result.outcome,
      venueStatus: found.status,
      canceledOnVenue: canceled,
      filledQuantity: state.filledQuantity,
      averagePrice: state.averagePrice,
      fee: state.fee,
    },
  });
  return { settled: true, booked: result.outcome === 'unfilled' ? null : result.trade };
}
