import { and, eq, gte, inArray, isNotNull, or, sql } from 'drizzle-orm';
import type { DbOrTx } from '../client';
import { accounts, tradeParameters, trades, users } from '../schema';
import { sumMinorUnits } from '../schema/money';

/**
 * Everything one engine tick needs about its traders, in a few queries, one entry per user: every
 * rule row of the asset type (the engine resolves the one that applies per symbol), the account the
 * user trades from (live when in the beta or an admin with linked venue keys, paper otherwise), and
 * today's net realised P&L across all the user's accounts in that mode. Users with no rule that has
 * auto-trading on, inactive or paused users are left out.
 */
export async function engineTraders(db: DbOrTx, assetType: 'crypto' | 'stock', now: Date, dayStart: Date) {
  const enabled = db
    .select({ userId: tradeParameters.userId })
    .from(tradeParameters)
    .where(and(eq(tradeParameters.assetType, assetType), eq(tradeParameters.autoTradingEnabled, true)));
  const live = db
    .select({ userId: accounts.userId })
    .from(accounts)
    .where(
      and(eq(accounts.assetType, assetType), eq(accounts.mode, 'live'), isNotNull(accounts.credentials)),
    );
  const eligible = and(
    inArray(users.id, enabled),
    eq(users.active, true),
    eq(users.tradingPaused, false),
    or(sql`${users.pausedUntil} is null`, sql`${users.pausedUntil} <= ${now}`),
  );
  const traders = await db
    .select({
      userId: users.id,
      hasLive: sql<boolean>`${users.id} in (${live}) and ${users.role} in ('beta_user', 'admin')`,
    })
    .from(users)
    .where(eligible);
  if (traders.length === 0) return [];
  // The same users again as a subquery: 10,000 ids as parameters cost more than the semi-join.
  const ids = db.select({ id: users.id }).from(users).where(eligible);
  const rules = await db
    .select()
    .from(tradeParameters)
    .where(and(eq(tradeParameters.assetType, assetType), inArray(tradeParameters.userId, ids)));
  const accountRows = await db
    .select({
      userId: accounts.userId,
      mode: accounts.mode,
      balance: accounts.balance,
      id: accounts.id,
      status: accounts.status,
      statusReason: accounts.statusReason,
    })
    .from(accounts)
    .where(and(eq(accounts.assetType, assetType), inArray(accounts.userId, ids)));
  const pnlToday = await db
    .select({
      userId: trades.userId,
      isPaper: trades.isPaper,
      pnl: sumMinorUnits(trades.pnl),
    })
    .from(trades)
    .where(and(inArray(trades.userId, ids), eq(trades.status, 'closed'), gte(trades.exitTime, dayStart)))
    .groupBy(trades.userId, trades.isPaper);
  const pnlByUser = new Map(pnlToday.map((r) => [`${r.userId}:${r.isPaper}`, r.pnl]));
  const accountByKey = new Map(accountRows.map((a) => [`${a.userId}:${a.mode}`, a]));
  const rulesByUser = new Map<string, (typeof rules)[number][]>();
  for (const r of rules) {
    const list = rulesByUser.get(r.userId);
    if (list) list.push(r);
    else rulesByUser.set(r.userId, [r]);
  }
  return traders.flatMap((t) => {
    const mode = t.hasLive ? ('live' as const) : ('paper' as const);
    const account = accountByKey.get(`${t.userId}:${mode}`);
    if (!account) return [];
    return [
      {
        userId: t.userId,
        mode,
        account,
        rules: rulesByUser.get(t.userId) ?? [],
        pnlToday: pnlByUser.get(`${t.userId}:${mode === 'paper'}`) ?? 0,
      },
    ];
  });
}

export type EngineTrader = Awaited<ReturnType<typeof engineTraders>>[number];

/**
 * A user's net realised P&L today across all their accounts in one mode, in minor units: the
 * daily loss limit is per user, not per account.
 */
export async function userPnlToday(db: DbOrTx, userId: string, mode: 'paper' | 'live', dayStart: Date) {
  const [row] = await db
    .select({ pnl: sumMinorUnits(trades.pnl) })
    .from(trades)
    .where(
      and(
        eq(trades.userId, userId),
        eq(trades.isPaper, mode === 'paper'),
        eq(trades.status, 'closed'),
        gte(trades.exitTime, dayStart),
      ),
    );
  return row?.pnl ?? 0;
}
