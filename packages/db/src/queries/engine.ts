import { and, eq, gte, isNotNull, or, sql } from 'drizzle-orm';
import type { DbOrTx } from '../client';
import { accounts, tradeParameters, trades, users } from '../schema';

/**
 * Everything one engine tick needs about its traders, in one query: each enabled parameter row of an
 * active, unpaused user, with the account it trades from (live when the user is in the beta or an
 * admin and has linked venue keys, paper otherwise) and today's net realised P&L on that account.
 */
export async function engineTraders(db: DbOrTx, assetType: 'crypto' | 'stock', now: Date, dayStart: Date) {
  const live = db
    .select({ userId: accounts.userId })
    .from(accounts)
    .where(
      and(eq(accounts.assetType, assetType), eq(accounts.mode, 'live'), isNotNull(accounts.credentials)),
    );
  const rows = await db
    .select({
      params: tradeParameters,
      role: users.role,
      hasLive: sql<boolean>`${users.id} in (${live}) and ${users.role} in ('beta_user', 'admin')`,
    })
    .from(tradeParameters)
    .innerJoin(users, eq(users.id, tradeParameters.userId))
    .where(
      and(
        eq(tradeParameters.assetType, assetType),
        eq(tradeParameters.autoTradingEnabled, true),
        eq(users.active, true),
        eq(users.tradingPaused, false),
        or(sql`${users.pausedUntil} is null`, sql`${users.pausedUntil} <= ${now}`),
      ),
    );
  const accountRows = await db
    .select({ userId: accounts.userId, mode: accounts.mode, balance: accounts.balance, id: accounts.id })
    .from(accounts)
    .where(eq(accounts.assetType, assetType));
  const pnlToday = await db
    .select({ accountId: trades.accountId, pnl: sql<string>`coalesce(sum(${trades.pnl}), 0)` })
    .from(trades)
    .where(and(eq(trades.assetType, assetType), eq(trades.status, 'closed'), gte(trades.exitTime, dayStart)))
    .groupBy(trades.accountId);
  const pnlByAccount = new Map(pnlToday.map((r) => [r.accountId, r.pnl]));
  const accountByKey = new Map(accountRows.map((a) => [`${a.userId}:${a.mode}`, a]));
  return rows.flatMap((r) => {
    const mode = r.hasLive ? ('live' as const) : ('paper' as const);
    const account = accountByKey.get(`${r.params.userId}:${mode}`);
    if (!account) return [];
    return [
      { params: r.params, mode, balance: account.balance, pnlToday: pnlByAccount.get(account.id) ?? '0' },
    ];
  });
}

export type EngineTrader = Awaited<ReturnType<typeof engineTraders>>[number];
