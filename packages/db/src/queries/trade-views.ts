import { and, desc, eq, gte, sql } from 'drizzle-orm';
import type { DbOrTx } from '../client';
import { accounts, trades } from '../schema';
import { sumMinorUnits } from '../schema/money';

/** A user's trades on one symbol, newest first, with what a chart marks: entry, exit, TP/SL and why. */
export async function tradeMarkers(db: DbOrTx, userId: string, symbol: string, limit: number) {
  return db
    .select({
      id: trades.id,
      status: trades.status,
      isPaper: trades.isPaper,
      entryTime: trades.entryTime,
      entryPrice: trades.entryPrice,
      exitTime: trades.exitTime,
      exitPrice: trades.exitPrice,
      takeProfitPrice: trades.takeProfitPrice,
      stopLossPrice: trades.stopLossPrice,
      executionReason: trades.executionReason,
      exitReason: trades.exitReason,
      pnl: trades.pnl,
    })
    .from(trades)
    .where(and(eq(trades.userId, userId), eq(trades.symbol, symbol)))
    .orderBy(desc(trades.createdAt))
    .limit(limit);
}

export type TradeMarkerRow = Awaited<ReturnType<typeof tradeMarkers>>[number];

/** Net realised P&L (fees included) of the user's trades closed since `dayStart`, per account mode. */
export async function realizedSinceByMode(db: DbOrTx, userId: string, dayStart: Date) {
  const rows = await db
    .select({ mode: accounts.mode, pnl: sumMinorUnits(trades.pnl) })
    .from(trades)
    .innerJoin(accounts, eq(accounts.id, trades.accountId))
    .where(and(eq(trades.userId, userId), eq(trades.status, 'closed'), gte(trades.exitTime, dayStart)))
    .groupBy(accounts.mode);
  return new Map(rows.map((r) => [r.mode, r.pnl]));
}

/**
 * The user's closed trades summed per account and symbol (in the symbol's quote currency), and per account and UTC day: net P&L (fees
 * included, as each trade row holds it), fees, and counts. The figures a performance view shows, so the
 * card and the trade table add up the same rows.
 */
export async function closedTradeTotals(db: DbOrTx, userId: string) {
  const closed = and(eq(trades.userId, userId), eq(trades.status, 'closed'));
  const [bySymbol, byDay] = await Promise.all([
    db
      .select({
        accountId: trades.accountId,
        symbol: trades.symbol,
        currency: trades.currency,
        trades: sql<number>`count(*)::int`,
        wins: sql<number>`count(*) filter (where ${trades.pnl} > 0)::int`,
        pnl: sumMinorUnits(trades.pnl),
        fees: sumMinorUnits(sql`${trades.entryFee} + ${trades.exitFee}`),
      })
      .from(trades)
      .where(closed)
      .groupBy(trades.accountId, trades.symbol, trades.currency)
      .orderBy(trades.symbol),
    db
      .select({
        accountId: trades.accountId,
        day: sql<string>`to_char(${trades.exitTime} at time zone 'UTC', 'YYYY-MM-DD')`,
        pnl: sumMinorUnits(trades.pnl),
      })
      .from(trades)
      .where(closed)
      .groupBy(trades.accountId, sql`2`)
      .orderBy(sql`2`),
  ]);
  return { bySymbol, byDay };
}
