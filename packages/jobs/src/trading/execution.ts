import type { AssetType, Broker, Detection, OrderState } from '@tradehits/core';
import { errorMessage } from '@tradehits/core/errors';
import { type ExitPlan, exitStateAt } from '@tradehits/core/exits';
import { formatCents, toCents, valueCentsUp } from '@tradehits/core/money';
import { type FillCosts, openLedger, paperBuy, paperSell } from '@tradehits/core/paper';
import { tradeParametersSchema } from '@tradehits/core/params';
import {
  audit,
  closePosition,
  createApproval,
  decideApproval,
  getAccount,
  getTrade,
  listInterruptedLiveOrders,
  listParameters,
  openPosition,
  releasePosition,
  settleLiveEntry,
  type TradeRow,
} from '@tradehits/db';
import type { Services } from '../runner';
import { brokerFor } from './brokers';

/** How long a live order waits for an admin before it expires. */
export const APPROVAL_TTL_MS = 30 * 60_000;

export interface OpenRequest {
  userId: string;
  assetType: AssetType;
  mode: 'paper' | 'live';
  symbol: string;
  amountCents: number;
  /** Last price; a paper fill applies slippage to it. */
  price: number;
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

export type OpenResult = { ok: true; trade: TradeRow } | { ok: false; reason: string };

function fillCosts(services: Services): FillCosts {
  return { feeRate: services.config.FEE_RATE, slippageRate: services.config.SLIPPAGE_RATE };
}

/** The exit plan fixed on a position; rules beyond TP/SL are off when absent. */
type Exits = Pick<ExitPlan, 'takeProfitPct' | 'stopLossPct'> & Partial<ExitPlan>;

/** Every exit column of a position filled at `entry` at `at`, from the same plan a backtest uses. */
function levels(entry: number, exits: Exits, at: Date) {
  const state = exitStateAt(
    {
      trailingStopPct: null,
      breakEvenAfterPct: null,
      maxHoldingMs: null,
      ...exits,
    },
    entry,
    at.getTime(),
  );
  return {
    takeProfitPrice: String(state.takeProfitPrice),
    stopLossPrice: String(state.stopLossPrice),
    trailingStopPct: state.trailingStopPct === null ? null : state.trailingStopPct.toFixed(2),
    breakEvenPrice: state.breakEvenPrice === null ? null : String(state.breakEvenPrice),
    exitDeadline: state.exitDeadline === null ? null : new Date(state.exitDeadline),
    highWaterPrice: String(entry),
  };
}

function detectionFields(d: Detection | null | undefined) {
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
 * Opens a position. Paper: fills now at the price with slippage and fees. Live: either waits for an
 * admin (pending approval, cash held) or goes to the user's venue. The database guards the
 * concurrency rules either way, so this is safe to call from parallel ticks.
 */
export async function openTrade(services: Services, r: OpenRequest): Promise<OpenResult> {
  const { db } = services;
  const account = await getAccount(db, r.userId, r.assetType, r.mode);
  if (!account) return { ok: false, reason: r.mode === 'live' ? 'no-live-account' : 'no-account' };
  const base = {
    userId: r.userId,
    assetType: r.assetType,
    mode: r.mode,
    symbol: r.symbol,
    clientOrderId: r.clientOrderId,
    maxConcurrentTrades: r.maxConcurrentTrades,
    executionReason: r.executionReason,
    parametersId: r.parametersId ?? null,
    ...detectionFields(r.detection),
  };

  if (r.mode === 'paper' || r.requiresApproval) {
    // A paper fill, or the estimate a pending live order holds cash against.
    const fill = paperBuy(
      openLedger(toCents(Number(account.balance))),
      r.amountCents,
      r.price,
      fillCosts(services),
    );
    if (!fill.ok) return fill;
    const { lot } = fill;
    const pending = r.mode === 'live';
    const result = await openPosition(db, {
      ...base,
      status: pending ? 'pending_approval' : 'open',
      amount: formatCents(lot.costCents),
      entryFee: formatCents(lot.entryFeeCents),
      quantity: lot.quantity.toFixed(8),
      entryPrice: pending ? null : String(lot.entryPrice),
      entryTime: pending ? null : r.at,
      ...(pending
        ? { takeProfitPrice: null, stopLossPrice: null }
        : levels(
            lot.entryPrice,
            { ...r.exits, takeProfitPct: r.takeProfitPct, stopLossPct: r.stopLossPct },
            r.at,
          )),
    });
    if (!result.ok) return result;
    if (pending) {
      const approval = await createApproval(db, {
        tradeId: result.trade.id,
        userId: r.userId,
        expiresAt: new Date(r.at.getTime() + APPROVAL_TTL_MS),
      });
      if (approval)
        services.bus.publish({
          type: 'approval',
          userId: r.userId,
          approval: { id: approval.id, status: 'pending', tradeId: result.trade.id },
        });
    } else {
      services.bus.publish({
        type: 'trade.opened',
        userId: r.userId,
        trade: { id: result.trade.id, symbol: r.symbol, status: 'open' },
      });
    }
    await audit(db, {
      actorId: r.userId,
      action: pending ? 'trade.pending' : 'trade.open',
      targetType: 'trade',
      targetId: result.trade.id,
      details: { symbol: r.symbol, reason: r.executionReason },
    });
    return result;
  }

  // Live without approval: hold the cash first (so limits hold), then place the order.
  const quantity = Math.floor((r.amountCents / 100 / r.price) * 1e8) / 1e8;
  const held = await openPosition(db, {
    ...base,
    status: 'pending_approval',
    amount: formatCents(r.amountCents),
    entryFee: '0.00',
    quantity: quantity.toFixed(8),
    entryPrice: null,
    entryTime: null,
    takeProfitPrice: null,
    stopLossPrice: null,
  });
  if (!held.ok) return held;
  return executeHeldOrder(
    services,
    held.trade,
    { ...r.exits, takeProfitPct: r.takeProfitPct, stopLossPct: r.stopLossPct },
    r.at,
  );
}

/** Sends a held (pending) live order to the venue; a failure releases the cash and records why. */
async function executeHeldOrder(
  services: Services,
  trade: TradeRow,
  exits: Exits,
  at: Date,
): Promise<OpenResult> {
  let state: OrderState;
  try {
    const broker = await brokerFor(services, trade.userId, trade.assetType);
    state = await broker.placeOrder({
      clientOrderId: trade.clientOrderId,
      symbol: trade.symbol,
      side: 'buy',
      quantity: Number(trade.quantity),
    });
  } catch (err) {
    const reason = errorMessage(err);
    await releasePosition(services.db, trade.id, 'failed', reason);
    await audit(services.db, {
      actorId: null,
      action: 'trade.failed',
      targetType: 'trade',
      targetId: trade.id,
      details: { reason },
    });
    return { ok: false, reason: `venue: ${reason}` };
  }
  const settled = await settleEntry(services, trade, state, exits, at);
  if (settled.outcome === 'unfilled') {
    await audit(services.db, {
      actorId: null,
      action: 'trade.failed',
      targetType: 'trade',
      targetId: trade.id,
      details: { reason: settled.reason, venueOrderId: state.venueOrderId },
    });
    return { ok: false, reason: `venue: ${settled.reason}` };
  }
  if (settled.outcome === 'unknown') {
    // The cash stays held; recoverInterruptedOrders asks the venue again once the order is stale.
    await audit(services.db, {
      actorId: null,
      action: 'trade.unconfirmed',
      targetType: 'trade',
      targetId: trade.id,
      details: { reason: settled.reason, venueOrderId: state.venueOrderId },
    });
    return { ok: false, reason: 'awaiting-venue' };
  }
  if (settled.outcome === 'settled-elsewhere') return { ok: false, reason: 'not-pending' };
  await audit(services.db, {
    actorId: null,
    action: 'trade.open',
    targetType: 'trade',
    targetId: trade.id,
    details: { venueOrderId: state.venueOrderId },
  });
  return { ok: true, trade: settled.trade };
}

type EntrySettlement =
  | { outcome: 'filled' | 'partly-filled'; trade: TradeRow }
  | { outcome: 'unfilled'; reason: string }
  | { outcome: 'unknown'; reason: string }
  | { outcome: 'settled-elsewhere' };

/**
 * Applies the venue's final word on a held entry order: a fill (whole or part) opens the position at
 * the venue's quantity, price, cost and fee and gives back the rest of the held cash; an order that
 * ended with nothing filled releases the cash. An order the venue still works on, or a fill without a
 * price, settles nothing (the cash stays held). The normal path and the reconciler both come here.
 */
async function settleEntry(
  services: Services,
  trade: TradeRow,
  state: OrderState,
  exits: Exits,
  at: Date,
): Promise<EntrySettlement> {
  if (state.status === 'open') {
    return { outcome: 'unknown', reason: `the venue still has order ${state.venueOrderId} open` };
  }
  if (state.status === 'filled' && !(state.filledQuantity > 0)) {
    return {
      outcome: 'unknown',
      reason: `the venue reports order ${state.venueOrderId} filled with no quantity`,
    };
  }
  if (!(state.filledQuantity > 0)) {
    const reason = `the venue ${state.status} order ${state.venueOrderId} with nothing filled`;
    const released = await releasePosition(services.db, trade.id, 'failed', reason);
    return released ? { outcome: 'unfilled', reason } : { outcome: 'settled-elsewhere' };
  }
  const price = state.averagePrice;
  if (price === null || !(price > 0)) {
    return {
      outcome: 'unknown',
      reason: `the venue reports a fill of order ${state.venueOrderId} with no price`,
    };
  }
  const quantity = state.filledQuantity;
  const opened = await settleLiveEntry(services.db, {
    tradeId: trade.id,
    entryPrice: String(price),
    entryTime: at,
    quantity: quantity.toFixed(8),
    venueOrderId: state.venueOrderId,
    amount: formatCents(valueCentsUp(quantity, price)),
    entryFee: formatCents(valueCentsUp(state.fee, 1)),
    ...levels(price, exits, at),
  });
  if (!opened) return { outcome: 'settled-elsewhere' };
  services.bus.publish({
    type: 'trade.opened',
    userId: trade.userId,
    trade: { id: trade.id, symbol: trade.symbol, status: 'open' },
  });
  const partly = Number(quantity.toFixed(8)) < Number(trade.quantity);
  return { outcome: partly ? 'partly-filled' : 'filled', trade: opened };
}

/** Closes a position at `price` (paper) or at the venue's fill (live). Closing twice is a no-op. */
export async function closeTrade(
  services: Services,
  tradeId: string,
  price: number,
  reason: string,
  at: Date,
  actorId: string | null = null,
): Promise<TradeRow | null> {
  const trade = await getTrade(services.db, tradeId);
  if (trade?.status !== 'open') return null;
  let exit: { exitPrice: number; proceedsCents: number; exitFeeCents: number; venueOrderId?: string };
  if (trade.isPaper) {
    const lot = {
      quantity: Number(trade.quantity),
      entryPrice: Number(trade.entryPrice),
      costCents: toCents(Number(trade.amount)),
      entryFeeCents: toCents(Number(trade.entryFee)),
    };
    const sold = paperSell(openLedger(0), lot, price, fillCosts(services));
    if (!sold.ok) throw new Error(`cannot close ${trade.symbol}: ${sold.reason}`);
    exit = sold;
  } else {
    const broker = await brokerFor(services, trade.userId, trade.assetType);
    const state = await sellOnce(broker, trade.clientOrderId, trade.symbol, Number(trade.quantity));
    // Not done yet (or not readable): the position stays open and the next close finds the order.
    if (state.status === 'open' || state.filledQuantity <= 0) return null;
    const exitPrice = state.averagePrice ?? price;
    exit = {
      exitPrice,
      proceedsCents: Math.floor(state.filledQuantity * exitPrice * 100 + 1e-6),
      exitFeeCents: valueCentsUp(state.fee, 1),
      venueOrderId: state.venueOrderId,
    };
  }
  const closed = await closePosition(services.db, {
    tradeId,
    exitPrice: String(exit.exitPrice),
    exitTime: at,
    exitFee: formatCents(exit.exitFeeCents),
    proceeds: formatCents(exit.proceedsCents),
    exitReason: reason,
    venueOrderId: exit.venueOrderId ?? null,
  });
  if (closed) {
    services.bus.publish({
      type: 'trade.closed',
      userId: closed.userId,
      trade: { id: closed.id, symbol: closed.symbol, status: 'closed' },
    });
    await audit(services.db, {
      actorId,
      action: 'trade.close',
      targetType: 'trade',
      targetId: closed.id,
      details: { reason, pnl: closed.pnl },
    });
  }
  return closed;
}

/** The user's own exit rules for a symbol (its row, else the ALL row, else the defaults). */
export async function exitRulesFor(
  services: Services,
  userId: string,
  assetType: AssetType,
  symbol: string,
  parametersId?: string | null,
) {
  const rows = await listParameters(services.db, userId);
  const row =
    rows.find((r) => r.id === parametersId) ??
    rows.find((r) => r.assetType === assetType && r.symbol === symbol) ??
    rows.find((r) => r.assetType === assetType && r.symbol === 'ALL');
  const defaults = tradeParametersSchema.parse({});
  return {
    takeProfitPct: row ? Number(row.takeProfitPct) : defaults.takeProfitPct,
    stopLossPct: row ? Number(row.stopLossPct) : defaults.stopLossPct,
    maxConcurrentTrades: row?.maxConcurrentTrades ?? defaults.maxConcurrentTrades,
  };
}

/** An admin's decision on a pending live order: approve sends it to the venue, reject releases the cash. */
export async function decideLiveOrder(
  services: Services,
  d: { approvalId: string; decision: 'approve' | 'reject'; adminId: string; note?: string | null },
): Promise<{ ok: true; status: string } | { ok: false; reason: string }> {
  const at = services.now();
  const decided = await decideApproval(services.db, {
    id: d.approvalId,
    status: d.decision === 'approve' ? 'approved' : 'rejected',
    decidedBy: d.adminId,
    note: d.note ?? null,
    at,
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
    await releasePosition(services.db, decided.tradeId, 'rejected', d.note ?? 'rejected by an admin');
    return { ok: true, status: 'rejected' };
  }
  const trade = await getTrade(services.db, decided.tradeId);
  if (!trade) return { ok: false, reason: 'The trade no longer exists.' };
  const exits = await exitRulesFor(services, trade.userId, trade.assetType, trade.symbol, trade.parametersId);
  const result = await executeHeldOrder(services, trade, exits, at);
  return result.ok ? { ok: true, status: 'executed' } : { ok: false, reason: result.reason };
}

/** Expires approvals nobody decided in time and releases their cash. */
export async function expireApprovals(
  services: Services,
  now: Date,
  list: { id: string; tradeId: string; userId: string }[],
) {
  let expired = 0;
  for (const a of list) {
    if (!(await decideApproval(services.db, { id: a.id, status: 'expired', decidedBy: null, at: now })))
      continue;
    await releasePosition(services.db, a.tradeId, 'expired', 'approval expired');
    services.bus.publish({
      type: 'approval',
      userId: a.userId,
      approval: { id: a.id, status: 'expired', tradeId: a.tradeId },
    });
    expired++;
  }
  return expired;
}

/** How long a held live order may wait for the venue before the engine treats it as interrupted. */
export const INTERRUPTED_AFTER_MS = 10 * 60_000;

/**
 * Finishes what a dead tick left: a live entry held for the venue that never heard back. The venue is
 * asked for the order by its client id, and its answer decides: a fill (whole or part) is recorded as a
 * normal fill would be; an order still open is canceled and what filled of it recorded; no such order
 * releases the cash. When the venue cannot be asked, nothing changes and the next tick asks again:
 * cash is never released for an order whose fate is unknown. Returns how many orders were settled.
 */
export async function recoverInterruptedOrders(services: Services, now: Date) {
  // Only entries hold cash while pending; an interrupted exit leaves its position open, and the next
  // closeTrade finds its sell by client id.
  const stale = await listInterruptedLiveOrders(services.db, new Date(now.getTime() - INTERRUPTED_AFTER_MS));
  let settled = 0;
  for (const trade of stale) {
    if (await reconcileEntry(services, trade)) settled++;
  }
  return settled;
}

/** Reconciles one interrupted entry with the venue; true when the trade left pending. */
async function reconcileEntry(services: Services, trade: TradeRow): Promise<boolean> {
  const { db } = services;
  const details = { clientOrderId: trade.clientOrderId, symbol: trade.symbol };
  const unresolved = async (reason: string) => {
    services.log.warn({ tradeId: trade.id, ...details, reason }, 'interrupted order left held');
    await audit(db, {
      actorId: null,
      action: 'trade.reconcile_failed',
      targetType: 'trade',
      targetId: trade.id,
      details: { ...details, reason },
    });
    return false;
  };

  let broker: Broker;
  let order: OrderState | null;
  try {
    broker = await brokerFor(services, trade.userId, trade.assetType);
    order = await broker.findOrder(trade.clientOrderId, trade.symbol);
  } catch (err) {
    return unresolved(`could not ask the venue about the order: ${errorMessage(err)}`);
  }

  if (!order) {
    const reason = `interrupted before the venue confirmed the order, and ${broker.venue} has no order with its client id`;
    if (!(await releasePosition(db, trade.id, 'failed', reason))) return false;
    await audit(db, {
      actorId: null,
      action: 'trade.interrupted',
      targetType: 'trade',
      targetId: trade.id,
      details: { ...details, venue: broker.venue, reason },
    });
    return true;
  }

  const found = order;
  let canceled = false;
  if (order.status === 'open') {
    try {
      await broker.cancelOrder(order.venueOrderId);
      canceled = true;
    } catch {
      // It may have filled or ended meanwhile: what the venue reports next decides.
    }
    try {
      order = await broker.getOrder(order.venueOrderId);
    } catch (err) {
      return unresolved(
        `could not read order ${found.venueOrderId} after canceling it: ${errorMessage(err)}`,
      );
    }
  }

  const exits = await exitRulesFor(services, trade.userId, trade.assetType, trade.symbol, trade.parametersId);
  // The order went to the venue right after the cash was held.
  const result = await settleEntry(services, trade, order, exits, trade.createdAt);
  if (result.outcome === 'settled-elsewhere') return false;
  if (result.outcome === 'unknown') return unresolved(result.reason);
  await audit(db, {
    actorId: null,
    action: 'trade.reconciled',
    targetType: 'trade',
    targetId: trade.id,
    details: {
      ...details,
      venue: broker.venue,
      venueOrderId: order.venueOrderId,
      outcome: result.outcome,
      venueStatus: found.status,
      canceledOnVenue: canceled,
      filledQuantity: order.filledQuantity,
      averagePrice: order.averagePrice,
      fee: order.fee,
    },
  });
  return true;
}

/** Sell attempts per position: each dead attempt (cancelled or rejected, nothing filled) takes a new id. */
const MAX_EXIT_ATTEMPTS = 5;

/**
 * Places a position's sell at most once per live attempt. A tick that died after its sell reached the
 * venue left the position open: that sell is found by its client id and used rather than selling
 * twice. A sell that ended with nothing filled is done with, and the next attempt gets its own id
 * (`…:exit`, `…:exit:2`, …): Alpaca never takes an id twice, and Kraken would then hold two orders
 * under one id.
 */
async function sellOnce(broker: Broker, entryClientId: string, symbol: string, quantity: number) {
  for (let attempt = 1; attempt <= MAX_EXIT_ATTEMPTS; attempt++) {
    const clientOrderId = attempt === 1 ? `${entryClientId}:exit` : `${entryClientId}:exit:${attempt}`;
    const earlier = await broker.findOrder(clientOrderId, symbol);
    if (!earlier) return broker.placeOrder({ clientOrderId, symbol, side: 'sell', quantity });
    if (earlier.status === 'open' || earlier.filledQuantity > 0) return earlier;
  }
  throw new Error(`${symbol}: ${MAX_EXIT_ATTEMPTS} sell orders ended unfilled; close it on the venue`);
}
