import { formatCents } from '@tradehits/core/money';
import { and, count, desc, eq, gt, inArray, lt, notInArray, sql } from 'drizzle-orm';
import type { DbOrTx } from '../client';
import { accounts, approvals, orders, trades, users } from '../schema';
import { moneyParam } from '../schema/money';

type AssetType = 'crypto' | 'stock';

/** A `numeric(30, 10)` quantity as a count of 1e-10 steps. */
function quantityUnits(text: string): bigint {
  const [whole, frac = ''] = text.split('.');
  return BigInt(whole!) * 10_000_000_000n + BigInt(frac.padEnd(10, '0').slice(0, 10));
}
type Mode = 'paper' | 'live';

/** Statuses that hold a slot against max concurrent trades and cash (or a holding) against the balance. */
export const ACTIVE_STATUSES = ['pending_approval', 'held', 'opening', 'open', 'closing'] as const;

/** Creates the user's paper accounts (crypto and stock) if missing, `startBalance` in cents. Idempotent. */
export async function ensurePaperAccounts(db: DbOrTx, userId: string, startBalance: number) {
  await db
    .insert(accounts)
    .values(
      (['crypto', 'stock'] as const).map((assetType) => ({
        userId,
        assetType,
        mode: 'paper' as const,
        venue: 'paper',
        startBalance,
        balance: startBalance,
      })),
    )
    .onConflictDoNothing();
}

export async function listAccounts(db: DbOrTx, userId: string) {
  return db
    .select()
    .from(accounts)
    .where(eq(accounts.userId, userId))
    .orderBy(accounts.mode, accounts.assetType);
}

export type AccountRow = Awaited<ReturnType<typeof listAccounts>>[number];

export async function getAccount(db: DbOrTx, userId: string, assetType: AssetType, mode: Mode) {
  const [row] = await db
    .select()
    .from(accounts)
    .where(and(eq(accounts.userId, userId), eq(accounts.assetType, assetType), eq(accounts.mode, mode)));
  return row ?? null;
}

/** Creates or replaces the user's live account credentials (already sealed). */
export async function upsertLiveAccount(
  db: DbOrTx,
  a: { userId: string; assetType: AssetType; venue: string; credentials: string; startBalance: number },
) {
  const [row] = await db
    .insert(accounts)
    .values({ ...a, mode: 'live', balance: a.startBalance })
    .onConflictDoUpdate({
      target: [accounts.userId, accounts.assetType, accounts.mode],
      // New keys lift a quarantine: the venue is asked again with them.
      set: { venue: a.venue, credentials: a.credentials, status: 'active', statusReason: null },
    })
    .returning();
  return row!;
}

export interface OpenPositionInput {
  userId: string;
  assetType: AssetType;
  mode: Mode;
  symbol: string;
  /** Idempotency key: a retried tick reuses it and opens nothing new. */
  clientOrderId: string;
  /** Paper fills open at once; live orders wait for an admin or are held for the venue. */
  status: 'open' | 'pending_approval' | 'held';
  parametersId?: string | null;
  maxConcurrentTrades: number;
  /** Cash in, in minor units of `currency` (fees excluded; for a live order the cash held), and the entry fee. */
  amount: number;
  entryFee: number;
  /** Decimal strings: the quantity and prices. */
  quantity: string;
  entryPrice: string | null;
  entryTime: Date | null;
  takeProfitPrice: string | null;
  stopLossPrice: string | null;
  /** The rule's exit percentages, fixed when the order is decided (null for none, as a manual buy). */
  takeProfitPct?: number | null;
  stopLossPct?: number | null;
  /** The quote currency the amounts are in. */
  currency: string;
  executionReason: string;
  timeframeDetected?: string | null;
  sentimentAtBuy?: number | null;
  politicalSentimentAtBuy?: number | null;
  wasLowestPoint?: boolean;
  indicatorSnapshot?: unknown;
  venueOrderId?: string | null;
}

/** A position's exit state beyond TP/SL, as columns; absent or null = that rule is off. */
export interface ExitColumns {
  trailingStopPct?: number | null;
  breakEvenAfterPct?: number | null;
  maxHoldingHours?: number | null;
  breakEvenPrice?: string | null;
  exitDeadline?: Date | null;
  highWaterPrice?: string | null;
}

const exitColumns = (e: ExitColumns) => ({
  trailingStopPct: e.trailingStopPct ?? null,
  breakEvenAfterPct: e.breakEvenAfterPct ?? null,
  maxHoldingHours: e.maxHoldingHours ?? null,
  breakEvenPrice: e.breakEvenPrice ?? null,
  exitDeadline: e.exitDeadline ?? null,
  highWaterPrice: e.highWaterPrice ?? null,
});

export type OpenPositionResult =
  | { ok: true; trade: TradeRow }
  | {
      ok: false;
      reason:
        | 'no-account'
        | 'account-quarantined'
        | 'max-concurrent'
        | 'insufficient-balance'
        | 'duplicate'
        | 'already-open';
    };

/** Postgres' unique_violation. */
const UNIQUE_VIOLATION = '23505';

function isUniqueViolation(err: unknown): boolean {
  for (let e: unknown = err; e && typeof e === 'object'; e = (e as { cause?: unknown }).cause) {
    if ((e as { code?: unknown }).code === UNIQUE_VIOLATION) return true;
  }
  return false;
}

/**
 * Opens (or holds cash for) a position atomically: locks the account row, so two ticks at once can
 * neither exceed the user's max concurrent trades on that account nor spend the same balance twice;
 * the unique client order id makes a retried tick a no-op, and an automatic entry finds any automatic
 * position of the user on the symbol in this mode (a partial unique index backs that up).
 */
export async function openPosition(
  db: DbOrTx,
  p: OpenPositionInput & ExitColumns,
): Promise<OpenPositionResult> {
  try {
    return await db.transaction(async (tx) => {
      const [account] = await tx
        .select({ id: accounts.id, balance: accounts.balance, status: accounts.status })
        .from(accounts)
        .where(
          and(eq(accounts.userId, p.userId), eq(accounts.assetType, p.assetType), eq(accounts.mode, p.mode)),
        )
        .for('update');
      if (!account) return { ok: false, reason: 'no-account' } as const;
      if (account.status === 'quarantined') return { ok: false, reason: 'account-quarantined' } as const;

      const [dup] = await tx
        .select({ id: trades.id })
        .from(trades)
        .where(eq(trades.clientOrderId, p.clientOrderId));
      if (dup) return { ok: false, reason: 'duplicate' } as const;

      if (p.executionReason !== 'manual') {
        const [automatic] = await tx
          .select({ id: trades.id })
          .from(trades)
          .where(
            and(
              eq(trades.userId, p.userId),
              eq(trades.symbol, p.symbol),
              eq(trades.isPaper, p.mode === 'paper'),
              sql`${trades.executionReason} <> 'manual'`,
              inArray(trades.status, [...ACTIVE_STATUSES]),
            ),
          );
        if (automatic) return { ok: false, reason: 'already-open' } as const;
      }

      const [held] = await tx
        .select({ n: count() })
        .from(trades)
        .where(and(eq(trades.accountId, account.id), inArray(trades.status, [...ACTIVE_STATUSES])));
      if ((held?.n ?? 0) >= p.maxConcurrentTrades) return { ok: false, reason: 'max-concurrent' } as const;

      const [debited] = await tx
        .update(accounts)
        .set({
          balance: sql`${accounts.balance} - ${moneyParam(p.amount + p.entryFee)}`,
          fees: sql`${accounts.fees} + ${moneyParam(p.entryFee)}`,
        })
        .where(
          and(eq(accounts.id, account.id), sql`${accounts.balance} >= ${moneyParam(p.amount + p.entryFee)}`),
        )
        .returning({ balance: accounts.balance });
      if (!debited) return { ok: false, reason: 'insufficient-balance' } as const;
      if (p.mode === 'paper') await mirrorUserBalance(tx, p.userId, p.assetType, debited.balance);

      const [trade] = await tx
        .insert(trades)
        .values({
          userId: p.userId,
          accountId: account.id,
          parametersId: p.parametersId ?? null,
          symbol: p.symbol,
          assetType: p.assetType,
          isPaper: p.mode === 'paper',
          status: p.status,
          clientOrderId: p.clientOrderId,
          venueOrderId: p.venueOrderId ?? null,
          entryPrice: p.entryPrice,
          entryTime: p.entryTime,
          quantity: p.quantity,
          amount: p.amount,
          entryFee: p.entryFee,
          takeProfitPrice: p.takeProfitPrice,
          stopLossPrice: p.stopLossPrice,
          takeProfitPct: p.takeProfitPct ?? null,
          stopLossPct: p.stopLossPct ?? null,
          ...exitColumns(p),
          currency: p.currency,
          executionReason: p.executionReason,
          timeframeDetected: p.timeframeDetected ?? null,
          sentimentAtBuy: p.sentimentAtBuy ?? null,
          politicalSentimentAtBuy: p.politicalSentimentAtBuy ?? null,
          wasLowestPoint: p.wasLowestPoint ?? false,
          indicatorSnapshot: p.indicatorSnapshot ?? null,
        })
        .returning();
      return { ok: true, trade: trade! } as const;
    });
  } catch (err) {
    // Two entries racing past the checks above: the unique indexes decide, and the loser opened nothing.
    if (isUniqueViolation(err)) return { ok: false, reason: 'duplicate' };
    throw err;
  }
}

export interface ClosePositionInput {
  tradeId: string;
  exitPrice: string;
  exitTime: Date;
  /** The exit fee and the cash back from the sale before it, in minor units. */
  exitFee: number;
  proceeds: number;
  exitReason: string;
  venueOrderId?: string | null;
}

/**
 * Closes an open paper position once: the status guard in the update means a second closer (a parallel
 * tick, a double click) finds nothing to close. Realised P&L on the account is gross; fees are kept
 * apart, so start + realised P&L − fees = balance when nothing is open. The trade's own P&L is net of
 * both fees.
 */
export async function closePosition(db: DbOrTx, c: ClosePositionInput) {
  return db.transaction((tx) => closeRow(tx, c, 'open'));
}

async function closeRow(tx: DbOrTx, c: ClosePositionInput, from: 'open' | 'closing') {
  const [closed] = await tx
    .update(trades)
    .set({
      status: 'closed',
      exitPrice: c.exitPrice,
      exitTime: c.exitTime,
      exitFee: c.exitFee,
      exitReason: c.exitReason,
      pnl: sql`${moneyParam(c.proceeds - c.exitFee)} - ${trades.amount} - ${trades.entryFee}`,
      pnlPct: sql`round((${moneyParam(c.proceeds - c.exitFee)} - ${trades.amount} - ${trades.entryFee}) * 100 / ${trades.amount}, 4)`,
      ...(c.venueOrderId ? { venueOrderId: c.venueOrderId } : {}),
    })
    .where(and(eq(trades.id, c.tradeId), eq(trades.status, from)))
    .returning();
  if (!closed) return null;
  await creditSale(tx, closed, c.proceeds, c.exitFee, closed.amount);
  return closed;
}

/** Books a sale on the position's account: proceeds less the exit fee back in cash, P&L on `cost` (minor units). */
async function creditSale(tx: DbOrTx, t: TradeRow, proceeds: number, exitFee: number, cost: number) {
  const [account] = await tx
    .update(accounts)
    .set({
      balance: sql`${accounts.balance} + ${moneyParam(proceeds - exitFee)}`,
      realizedPnl: sql`${accounts.realizedPnl} + ${moneyParam(proceeds - cost)}`,
      fees: sql`${accounts.fees} + ${moneyParam(exitFee)}`,
    })
    .where(eq(accounts.id, t.accountId))
    .returning({ balance: accounts.balance, mode: accounts.mode });
  if (account?.mode === 'paper') await mirrorUserBalance(tx, t.userId, t.assetType, account.balance);
}

/** States a position holds cash in without having filled. */
export const UNFILLED_STATUSES = ['pending_approval', 'held', 'opening'] as const;

/**
 * Ends a position that never filled (rejected, expired, failed) and gives back the cash it held, once:
 * only from one of `from` (by default any unfilled state). Null when it was no longer there.
 */
export async function releasePosition(
  db: DbOrTx,
  tradeId: string,
  status: 'rejected' | 'expired' | 'failed',
  reason: string,
  from: readonly (typeof UNFILLED_STATUSES)[number][] = UNFILLED_STATUSES,
) {
  return db.transaction(async (tx) => {
    const [ended] = await tx
      .update(trades)
      .set({ status, exitReason: reason })
      .where(and(eq(trades.id, tradeId), inArray(trades.status, [...from])))
      .returning();
    if (!ended) return null;
    const [account] = await tx
      .update(accounts)
      .set({
        balance: sql`${accounts.balance} + ${moneyParam(ended.amount + ended.entryFee)}`,
        fees: sql`${accounts.fees} - ${moneyParam(ended.entryFee)}`,
      })
      .where(eq(accounts.id, ended.accountId))
      .returning({ balance: accounts.balance, mode: accounts.mode });
    if (account?.mode === 'paper')
      await mirrorUserBalance(tx, ended.userId, ended.assetType, account.balance);
    return ended;
  });
}

/**
 * Records a live entry's fill as the venue reports it, once (only from `opening`): the position opens
 * with the venue's quantity, price, cost and fee, and the account gives back what was held beyond
 * that cost. A fill that cost more than was held is booked all the same (the venue's fact stands) and
 * the account is flagged; `overHeld` says by how much, in minor units, or null.
 */
export async function settleLiveEntry(
  db: DbOrTx,
  f: {
    tradeId: string;
    entryPrice: string;
    entryTime: Date;
    quantity: string;
    venueOrderId: string;
    takeProfitPrice: string;
    stopLossPrice: string;
    /** What the fill cost before fees, and the venue's fee, in minor units. */
    amount: number;
    entryFee: number;
  } & ExitColumns,
) {
  return db.transaction(async (tx) => {
    const [held] = await tx
      .select({ amount: trades.amount, entryFee: trades.entryFee })
      .from(trades)
      .where(and(eq(trades.id, f.tradeId), eq(trades.status, 'opening')))
      .for('update');
    if (!held) return null;
    const [row] = await tx
      .update(trades)
      .set({
        status: 'open',
        entryPrice: f.entryPrice,
        entryTime: f.entryTime,
        quantity: f.quantity,
        venueOrderId: f.venueOrderId,
        takeProfitPrice: f.takeProfitPrice,
        stopLossPrice: f.stopLossPrice,
        ...exitColumns(f),
        amount: f.amount,
        entryFee: f.entryFee,
      })
      .where(and(eq(trades.id, f.tradeId), eq(trades.status, 'opening')))
      .returning();
    if (!row) return null;
    const overCents = f.amount + f.entryFee - held.amount - held.entryFee;
    const overHeld = overCents > 0 ? overCents : null;
    const [account] = await tx
      .update(accounts)
      .set({
        balance: sql`${accounts.balance} - ${moneyParam(overCents)}`,
        fees: sql`${accounts.fees} + ${moneyParam(f.entryFee - held.entryFee)}`,
        ...(overHeld
          ? {
              flaggedReason: `a fill of ${row.symbol} cost ${formatCents(overHeld)} ${row.currency} more than the cash held for it`,
            }
          : {}),
      })
      .where(eq(accounts.id, row.accountId))
      .returning({ balance: accounts.balance, mode: accounts.mode });
    if (account?.mode === 'paper') await mirrorUserBalance(tx, row.userId, row.assetType, account.balance);
    return { trade: row, overHeld };
  });
}

export type OrderRow = typeof orders.$inferSelect;

/**
 * Claims a position for a venue order, before the venue is called: moves it `from` → `to` only if it
 * is still in `from`, and writes the order row in the same transaction. Null when another caller
 * claimed it first (or it left `from`), in which case nothing may be sent to the venue.
 */
export async function claimOrder(
  db: DbOrTx,
  c: {
    tradeId: string;
    from: 'held' | 'open';
    to: 'opening' | 'closing';
    side: 'buy' | 'sell';
    /** Builds the order's client id from how many orders of this side the position had before. */
    clientOrderId: (previous: number) => string;
    quantity: string;
    /** For a sell: why the position is being closed (kept for whoever settles the sale). */
    exitReason?: string;
  },
): Promise<{ trade: TradeRow; order: OrderRow } | null> {
  return db.transaction(async (tx) => {
    const [trade] = await tx
      .update(trades)
      .set({ status: c.to, ...(c.exitReason ? { exitReason: c.exitReason } : {}) })
      .where(and(eq(trades.id, c.tradeId), eq(trades.status, c.from)))
      .returning();
    if (!trade) return null;
    const [previous] = await tx
      .select({ n: count() })
      .from(orders)
      .where(and(eq(orders.tradeId, trade.id), eq(orders.side, c.side)));
    const [order] = await tx
      .insert(orders)
      .values({
        tradeId: trade.id,
        accountId: trade.accountId,
        side: c.side,
        clientOrderId: c.clientOrderId(previous?.n ?? 0),
        requestedQuantity: c.quantity,
        currency: trade.currency,
      })
      .returning();
    return { trade, order: order! };
  });
}

/** Order statuses after which the venue's answer can no longer change. */
export const FINAL_ORDER_STATUSES = ['filled', 'canceled', 'rejected'] as const;

/**
 * Applies what the venue said about an order, by order id; an order already final is left as it was
 * (a repeated answer changes nothing). Returns the row as stored.
 */
export async function recordOrderState(
  db: DbOrTx,
  orderId: string,
  s: {
    status: OrderRow['status'];
    venueOrderId?: string | null;
    filledQuantity?: string;
    averagePrice?: string | null;
    feeCents?: number;
    reason?: string | null;
    retryable?: boolean | null;
  },
): Promise<OrderRow> {
  const [row] = await db
    .update(orders)
    .set({
      status: s.status,
      ...(s.venueOrderId ? { venueOrderId: s.venueOrderId } : {}),
      ...(s.filledQuantity !== undefined ? { filledQuantity: s.filledQuantity } : {}),
      ...(s.averagePrice !== undefined ? { averagePrice: s.averagePrice } : {}),
      ...(s.feeCents !== undefined ? { fee: s.feeCents } : {}),
      ...(s.reason !== undefined ? { reason: s.reason } : {}),
      ...(s.retryable !== undefined ? { retryable: s.retryable } : {}),
      updatedAt: sql`now()`,
    })
    .where(and(eq(orders.id, orderId), notInArray(orders.status, [...FINAL_ORDER_STATUSES])))
    .returning();
  if (row) return row;
  const [kept] = await db.select().from(orders).where(eq(orders.id, orderId));
  if (!kept) throw new Error(`no order ${orderId}`);
  return kept;
}

export async function getOrder(db: DbOrTx, id: string) {
  const [row] = await db.select().from(orders).where(eq(orders.id, id));
  return row ?? null;
}

export async function listOrders(db: DbOrTx, tradeId: string) {
  return db.select().from(orders).where(eq(orders.tradeId, tradeId)).orderBy(orders.createdAt);
}

/** A position's exit order that ended with nothing sold: it is open again for the next exit. */
export async function reopenPosition(db: DbOrTx, tradeId: string) {
  const [row] = await db
    .update(trades)
    .set({ status: 'open', exitReason: null })
    .where(and(eq(trades.id, tradeId), eq(trades.status, 'closing')))
    .returning();
  return row ?? null;
}

/**
 * Books a live sale, once (only from `closing`). Selling the whole quantity closes the position; a
 * part splits the position: a closed row for the part sold (its share of the cost and entry fee, its
 * own P&L) and the position back open with the rest. Quantities and prices as decimal strings, money
 * in minor units, computed by the caller.
 */
export async function settleLiveExit(
  db: DbOrTx,
  x: {
    tradeId: string;
    /** Quantity sold, its average price, proceeds before the fee and the fee. */
    soldQuantity: string;
    exitPrice: string;
    proceeds: number;
    exitFee: number;
    /** The part sold's share of the position's cost and entry fee (ignored when all of it sold). */
    soldCost: number;
    soldEntryFee: number;
    exitReason: string;
    exitTime: Date;
    venueOrderId: string;
    /** Client id of the sell order: names the closed part of a split position. */
    orderClientId: string;
  },
) {
  return db.transaction(async (tx) => {
    const [t] = await tx
      .select()
      .from(trades)
      .where(and(eq(trades.id, x.tradeId), eq(trades.status, 'closing')))
      .for('update');
    if (!t) return null;
    // Quantities are whole 1e-10 steps in the column: compared as such, never as floats.
    const whole = quantityUnits(x.soldQuantity) >= quantityUnits(t.quantity);
    const close = {
      tradeId: t.id,
      exitPrice: x.exitPrice,
      exitTime: x.exitTime,
      exitFee: x.exitFee,
      proceeds: x.proceeds,
      exitReason: x.exitReason,
      venueOrderId: x.venueOrderId,
    };
    if (whole) {
      const closed = await closeRow(tx, close, 'closing');
      return closed ? { closed, remaining: null } : null;
    }
    const [remaining] = await tx
      .update(trades)
      .set({
        status: 'open',
        quantity: sql`${trades.quantity} - ${x.soldQuantity}::numeric`,
        amount: sql`${trades.amount} - ${moneyParam(x.soldCost)}`,
        entryFee: sql`${trades.entryFee} - ${moneyParam(x.soldEntryFee)}`,
      })
      .where(and(eq(trades.id, t.id), eq(trades.status, 'closing')))
      .returning();
    const { id: _id, createdAt: _c, ...copy } = t;
    const net = x.proceeds - x.exitFee - x.soldCost - x.soldEntryFee;
    const [closed] = await tx
      .insert(trades)
      .values({
        ...copy,
        parentTradeId: t.id,
        clientOrderId: `${x.orderClientId}:part`,
        status: 'closed',
        quantity: x.soldQuantity,
        amount: x.soldCost,
        entryFee: x.soldEntryFee,
        exitPrice: x.exitPrice,
        exitTime: x.exitTime,
        exitFee: x.exitFee,
        exitReason: x.exitReason,
        venueOrderId: x.venueOrderId,
        pnl: net,
        pnlPct: sql`round(${moneyParam(net)} * 100 / ${moneyParam(x.soldCost)}, 4)`,
      })
      .returning();
    await creditSale(tx, closed!, x.proceeds, x.exitFee, x.soldCost);
    return { closed: closed!, remaining: remaining! };
  });
}

/** Ids of quarantined accounts of an asset type: their live exits wait for relinked keys. */
export async function quarantinedAccountIds(db: DbOrTx, assetType: AssetType) {
  const rows = await db
    .select({ id: accounts.id })
    .from(accounts)
    .where(and(eq(accounts.assetType, assetType), eq(accounts.status, 'quarantined')));
  return new Set(rows.map((r) => r.id));
}

/** Quarantines an account the venue keeps refusing; null when it already was. */
export async function quarantineAccount(db: DbOrTx, accountId: string, reason: string) {
  const [row] = await db
    .update(accounts)
    .set({ status: 'quarantined', statusReason: reason })
    .where(and(eq(accounts.id, accountId), eq(accounts.status, 'active')))
    .returning({ id: accounts.id, userId: accounts.userId });
  return row ?? null;
}

export async function getAccountById(db: DbOrTx, id: string) {
  const [row] = await db.select().from(accounts).where(eq(accounts.id, id));
  return row ?? null;
}

async function mirrorUserBalance(tx: DbOrTx, userId: string, assetType: AssetType, balance: number) {
  await tx
    .update(users)
    .set(assetType === 'crypto' ? { cryptoBalance: balance } : { stockBalance: balance })
    .where(eq(users.id, userId));
}

export async function getTrade(db: DbOrTx, id: string) {
  const [row] = await db.select().from(trades).where(eq(trades.id, id));
  return row ?? null;
}

export type TradeRow = NonNullable<Awaited<ReturnType<typeof getTrade>>>;

/** The position opened under a client order id (the idempotency key of an open), if any. */
export async function getTradeByClientOrderId(db: DbOrTx, clientOrderId: string) {
  const [row] = await db.select().from(trades).where(eq(trades.clientOrderId, clientOrderId));
  return row ?? null;
}

/** Open and pending positions, for one user or (engine) for everyone. */
export async function listOpenTrades(db: DbOrTx, f: { userId?: string; assetType?: AssetType } = {}) {
  const where = [inArray(trades.status, [...ACTIVE_STATUSES])];
  if (f.userId) where.push(eq(trades.userId, f.userId));
  if (f.assetType) where.push(eq(trades.assetType, f.assetType));
  return db
    .select()
    .from(trades)
    .where(and(...where))
    .orderBy(desc(trades.createdAt));
}

/** Closed and ended trades, newest first; `cursor` is the createdAt of the last row seen. */
export async function tradeHistory(db: DbOrTx, userId: string, limit: number, cursor?: Date) {
  const where = [eq(trades.userId, userId), notInArray(trades.status, [...ACTIVE_STATUSES])];
  if (cursor) where.push(lt(trades.createdAt, cursor));
  return db
    .select()
    .from(trades)
    .where(and(...where))
    .orderBy(desc(trades.createdAt))
    .limit(limit);
}

/** Closed trades in [from, to), for reports. */
export async function closedTradesBetween(db: DbOrTx, from: Date, to: Date) {
  return db
    .select()
    .from(trades)
    .where(and(eq(trades.status, 'closed'), sql`${trades.exitTime} >= ${from}`, lt(trades.exitTime, to)));
}

export async function createApproval(db: DbOrTx, a: { tradeId: string; userId: string; expiresAt: Date }) {
  const [row] = await db.insert(approvals).values(a).onConflictDoNothing().returning();
  return row ?? null;
}

export async function getApproval(db: DbOrTx, id: string) {
  const [row] = await db.select().from(approvals).where(eq(approvals.id, id));
  return row ?? null;
}

export async function listApprovals(db: DbOrTx, status?: 'pending' | 'approved' | 'rejected' | 'expired') {
  const q = db
    .select({
      id: approvals.id,
      status: approvals.status,
      requestedAt: approvals.requestedAt,
      expiresAt: approvals.expiresAt,
      decidedAt: approvals.decidedAt,
      note: approvals.note,
      tradeId: trades.id,
      symbol: trades.symbol,
      assetType: trades.assetType,
      amount: trades.amount,
      currency: trades.currency,
      executionReason: trades.executionReason,
      userId: users.id,
      username: users.username,
    })
    .from(approvals)
    .innerJoin(trades, eq(trades.id, approvals.tradeId))
    .innerJoin(users, eq(users.id, approvals.userId));
  return (status ? q.where(eq(approvals.status, status)) : q).orderBy(desc(approvals.requestedAt)).limit(200);
}

/** Moves a pending approval to its decision once; null when it was already decided. */
export async function decideApproval(
  db: DbOrTx,
  d: {
    id: string;
    status: 'approved' | 'rejected' | 'expired';
    decidedBy: string | null;
    note?: string | null;
    at: Date;
  },
) {
  const [row] = await db
    .update(approvals)
    .set({ status: d.status, decidedBy: d.decidedBy, note: d.note ?? null, decidedAt: d.at })
    .where(
      and(
        eq(approvals.id, d.id),
        eq(approvals.status, 'pending'),
        // Nothing is approved or rejected after it expired; only expiry itself may then decide it.
        d.status === 'expired' ? undefined : gt(approvals.expiresAt, d.at),
      ),
    )
    .returning();
  return row ?? null;
}

export async function listExpiredApprovals(db: DbOrTx, now: Date) {
  return db
    .select()
    .from(approvals)
    .where(and(eq(approvals.status, 'pending'), lt(approvals.expiresAt, now)));
}

/**
 * What a dead process can leave between the database and a venue, older than `olderThan`: orders not
 * yet final (sent or about to be, the answer never recorded), and positions cleared to send (`held`)
 * whose order was never claimed. Each is reconciled on its own.
 */
export async function listInterruptedOrders(db: DbOrTx, olderThan: Date) {
  const pending = await db
    .select({ order: orders, trade: trades })
    .from(orders)
    .innerJoin(trades, eq(trades.id, orders.tradeId))
    .where(and(notInArray(orders.status, [...FINAL_ORDER_STATUSES]), lt(orders.updatedAt, olderThan)));
  const unsent = await db
    .select()
    .from(trades)
    .where(
      and(
        eq(trades.status, 'held'),
        lt(trades.createdAt, olderThan),
        sql`not exists (select 1 from ${approvals} where ${approvals.tradeId} = ${trades.id} and ${approvals.decidedAt} >= ${olderThan})`,
      ),
    );
  return { pending, unsent };
}

/** Moves an approved position from waiting for an admin to cleared for the venue, once. */
export async function clearForVenue(db: DbOrTx, tradeId: string) {
  const [row] = await db
    .update(trades)
    .set({ status: 'held' })
    .where(and(eq(trades.id, tradeId), eq(trades.status, 'pending_approval')))
    .returning();
  return row ?? null;
}

/**
 * Raises open positions' high-water prices after a bar they survived (never lowers one): the state a
 * trailing stop and break-even judge the next bar against.
 */
export async function raiseHighWaterPrices(db: DbOrTx, updates: readonly { id: string; price: number }[]) {
  if (updates.length === 0) return;
  // One statement for the whole tick, the prices as one json parameter (see paper-book.ts).
  const rows = JSON.stringify(updates.map((u) => ({ id: u.id, price: String(u.price) })));
  await db.execute(sql`
    update ${trades}
    set high_water_price = greatest(coalesce(${trades.highWaterPrice}, ${trades.entryPrice}), x.price)
    from json_to_recordset(${rows}::json) as x(id uuid, price numeric)
    where ${trades.id} = x.id and ${trades.status} = 'open'`);
}
