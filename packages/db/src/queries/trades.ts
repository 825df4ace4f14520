import { and, count, desc, eq, inArray, lt, sql } from 'drizzle-orm';
import type { DbOrTx } from '../client';
import { accounts, approvals, trades, users } from '../schema';

type AssetType = 'crypto' | 'stock';
type Mode = 'paper' | 'live';

/** Statuses that hold a slot against max concurrent trades and cash against the balance. */
export const OPEN_STATUSES = ['open', 'pending_approval'] as const;

/** Creates the user's paper accounts (crypto and stock) if missing. Idempotent. */
export async function ensurePaperAccounts(db: DbOrTx, userId: string, startBalance: string) {
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
  a: { userId: string; assetType: AssetType; venue: string; credentials: string; startBalance: string },
) {
  const [row] = await db
    .insert(accounts)
    .values({ ...a, mode: 'live', balance: a.startBalance })
    .onConflictDoUpdate({
      target: [accounts.userId, accounts.assetType, accounts.mode],
      set: { venue: a.venue, credentials: a.credentials },
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
  status: 'open' | 'pending_approval';
  parametersId?: string | null;
  maxConcurrentTrades: number;
  /** Decimal strings: cash in (fees excluded), the entry fee, the quantity and prices. */
  amount: string;
  entryFee: string;
  quantity: string;
  entryPrice: string | null;
  entryTime: Date | null;
  takeProfitPrice: string | null;
  stopLossPrice: string | null;
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
  trailingStopPct?: string | null;
  breakEvenPrice?: string | null;
  exitDeadline?: Date | null;
  highWaterPrice?: string | null;
}

const exitColumns = (e: ExitColumns) => ({
  trailingStopPct: e.trailingStopPct ?? null,
  breakEvenPrice: e.breakEvenPrice ?? null,
  exitDeadline: e.exitDeadline ?? null,
  highWaterPrice: e.highWaterPrice ?? null,
});

export type OpenPositionResult =
  | { ok: true; trade: TradeRow }
  | { ok: false; reason: 'no-account' | 'max-concurrent' | 'insufficient-balance' | 'duplicate' };

/**
 * Opens a position atomically: locks the account row, so two ticks at once can neither exceed the
 * user's max concurrent trades nor spend the same balance twice; the unique client order id makes a
 * retried tick a no-op.
 */
export async function openPosition(
  db: DbOrTx,
  p: OpenPositionInput & ExitColumns,
): Promise<OpenPositionResult> {
  return db.transaction(async (tx) => {
    const [account] = await tx
      .select({ id: accounts.id, balance: accounts.balance })
      .from(accounts)
      .where(
        and(eq(accounts.userId, p.userId), eq(accounts.assetType, p.assetType), eq(accounts.mode, p.mode)),
      )
      .for('update');
    if (!account) return { ok: false, reason: 'no-account' };

    const [dup] = await tx
      .select({ id: trades.id })
      .from(trades)
      .where(eq(trades.clientOrderId, p.clientOrderId));
    if (dup) return { ok: false, reason: 'duplicate' };

    const [held] = await tx
      .select({ n: count() })
      .from(trades)
      .where(and(eq(trades.accountId, account.id), inArray(trades.status, [...OPEN_STATUSES])));
    if ((held?.n ?? 0) >= p.maxConcurrentTrades) return { ok: false, reason: 'max-concurrent' };

    const [debited] = await tx
      .update(accounts)
      .set({
        balance: sql`${accounts.balance} - ${p.amount}::numeric - ${p.entryFee}::numeric`,
        fees: sql`${accounts.fees} + ${p.entryFee}::numeric`,
      })
      .where(
        and(
          eq(accounts.id, account.id),
          sql`${accounts.balance} >= ${p.amount}::numeric + ${p.entryFee}::numeric`,
        ),
      )
      .returning({ balance: accounts.balance });
    if (!debited) return { ok: false, reason: 'insufficient-balance' };
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
        ...exitColumns(p),
        executionReason: p.executionReason,
        timeframeDetected: p.timeframeDetected ?? null,
        sentimentAtBuy: p.sentimentAtBuy == null ? null : String(p.sentimentAtBuy),
        politicalSentimentAtBuy: p.politicalSentimentAtBuy == null ? null : String(p.politicalSentimentAtBuy),
        wasLowestPoint: p.wasLowestPoint ?? false,
        indicatorSnapshot: p.indicatorSnapshot ?? null,
      })
      .returning();
    return { ok: true, trade: trade! };
  });
}

export interface ClosePositionInput {
  tradeId: string;
  exitPrice: string;
  exitTime: Date;
  exitFee: string;
  /** Cash back from the sale before the exit fee. */
  proceeds: string;
  exitReason: string;
  venueOrderId?: string | null;
}

/**
 * Closes an open position once: the status guard in the update means a second closer (a parallel tick,
 * a double click) finds nothing to close. Realised P&L on the account is gross; fees are kept apart, so
 * start + realised P&L − fees = balance when nothing is open. The trade's own P&L is net of both fees.
 */
export async function closePosition(db: DbOrTx, c: ClosePositionInput) {
  return db.transaction(async (tx) => {
    const [closed] = await tx
      .update(trades)
      .set({
        status: 'closed',
        exitPrice: c.exitPrice,
        exitTime: c.exitTime,
        exitFee: c.exitFee,
        exitReason: c.exitReason,
        pnl: sql`${c.proceeds}::numeric - ${c.exitFee}::numeric - ${trades.amount} - ${trades.entryFee}`,
        pnlPct: sql`round((${c.proceeds}::numeric - ${c.exitFee}::numeric - ${trades.amount} - ${trades.entryFee}) * 100 / ${trades.amount}, 4)`,
        ...(c.venueOrderId ? { venueOrderId: c.venueOrderId } : {}),
      })
      .where(and(eq(trades.id, c.tradeId), eq(trades.status, 'open')))
      .returning();
    if (!closed) return null;
    const [account] = await tx
      .update(accounts)
      .set({
        balance: sql`${accounts.balance} + ${c.proceeds}::numeric - ${c.exitFee}::numeric`,
        realizedPnl: sql`${accounts.realizedPnl} + ${c.proceeds}::numeric - ${closed.amount}::numeric`,
        fees: sql`${accounts.fees} + ${c.exitFee}::numeric`,
      })
      .where(eq(accounts.id, closed.accountId))
      .returning({ balance: accounts.balance, mode: accounts.mode });
    if (account?.mode === 'paper')
      await mirrorUserBalance(tx, closed.userId, closed.assetType, account.balance);
    return closed;
  });
}

/** Ends a trade that never filled (rejected, expired, failed) and gives back the cash it held. */
export async function releasePosition(
  db: DbOrTx,
  tradeId: string,
  status: 'rejected' | 'expired' | 'failed',
  reason: string,
) {
  return db.transaction(async (tx) => {
    const [ended] = await tx
      .update(trades)
      .set({ status, exitReason: reason })
      .where(and(eq(trades.id, tradeId), eq(trades.status, 'pending_approval')))
      .returning();
    if (!ended) return null;
    const [account] = await tx
      .update(accounts)
      .set({
        balance: sql`${accounts.balance} + ${ended.amount}::numeric + ${ended.entryFee}::numeric`,
        fees: sql`${accounts.fees} - ${ended.entryFee}::numeric`,
      })
      .where(eq(accounts.id, ended.accountId))
      .returning({ balance: accounts.balance, mode: accounts.mode });
    if (account?.mode === 'paper')
      await mirrorUserBalance(tx, ended.userId, ended.assetType, account.balance);
    return ended;
  });
}

/**
 * Records a pending live trade's fill as the venue reports it, once: the trade opens with the venue's
 * quantity, price, cost and fee, and the account gives back what was held beyond that cost (or pays the
 * difference when the fill cost more than was held), so the ledger matches the venue to the cent.
 * Null when the trade is no longer pending (another tick settled it).
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
    /** What the fill cost before fees, and the venue's fee, as decimal strings. */
    amount: string;
    entryFee: string;
  } & ExitColumns,
) {
  return db.transaction(async (tx) => {
    const [held] = await tx
      .select({ amount: trades.amount, entryFee: trades.entryFee })
      .from(trades)
      .where(and(eq(trades.id, f.tradeId), eq(trades.status, 'pending_approval')))
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
      .where(and(eq(trades.id, f.tradeId), eq(trades.status, 'pending_approval')))
      .returning();
    if (!row) return null;
    const [account] = await tx
      .update(accounts)
      .set({
        balance: sql`${accounts.balance} + ${held.amount}::numeric + ${held.entryFee}::numeric - ${f.amount}::numeric - ${f.entryFee}::numeric`,
        fees: sql`${accounts.fees} - ${held.entryFee}::numeric + ${f.entryFee}::numeric`,
      })
      .where(eq(accounts.id, row.accountId))
      .returning({ balance: accounts.balance, mode: accounts.mode });
    if (account?.mode === 'paper') await mirrorUserBalance(tx, row.userId, row.assetType, account.balance);
    return row;
  });
}

async function mirrorUserBalance(tx: DbOrTx, userId: string, assetType: AssetType, balance: string) {
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

/** Open and pending positions, for one user or (engine) for everyone. */
export async function listOpenTrades(db: DbOrTx, f: { userId?: string; assetType?: AssetType } = {}) {
  const where = [inArray(trades.status, [...OPEN_STATUSES])];
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
  const where = [eq(trades.userId, userId), sql`${trades.status} not in ('open', 'pending_approval')`];
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
    .where(and(eq(approvals.id, d.id), eq(approvals.status, 'pending')))
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
 * Live orders held for the venue since before `olderThan` (with no approval, or one an admin approved
 * before then): a process that died between holding the cash and hearing from the venue leaves these
 * behind. An order still waiting for an admin is not one of them.
 */
export async function listInterruptedLiveOrders(db: DbOrTx, olderThan: Date) {
  return db
    .select()
    .from(trades)
    .where(
      and(
        eq(trades.status, 'pending_approval'),
        eq(trades.isPaper, false),
        lt(trades.createdAt, olderThan),
        sql`not exists (select 1 from ${approvals} where ${approvals.tradeId} = ${trades.id} and not (${approvals.status} = 'approved' and ${approvals.decidedAt} < ${olderThan}))`,
      ),
    );
}

/**
 * Raises open positions' high-water prices after a bar they survived (never lowers one): the state a
 * trailing stop and break-even judge the next bar against.
 */
export async function raiseHighWaterPrices(db: DbOrTx, updates: readonly { id: string; price: number }[]) {
  for (const u of updates) {
    await db
      .update(trades)
      .set({
        highWaterPrice: sql`greatest(coalesce(${trades.highWaterPrice}, ${trades.entryPrice}), ${String(u.price)}::numeric)`,
      })
      .where(and(eq(trades.id, u.id), eq(trades.status, 'open')));
  }
}
