import type { AssetType, Timeframe } from '@tradehits/core';
import { isMarketOpen, marketStatus } from '@tradehits/core/calendar';
import type { SentimentHandling } from '@tradehits/core/detector';
import {
  type EngineUser,
  engineTick,
  type Intent,
  type MarketTick,
  type OpenPosition,
} from '@tradehits/core/engine';
import { advanceExitState } from '@tradehits/core/exits';
import { centsToNumber } from '@tradehits/core/money';
import { effectiveRule, type TradeParameters, tradeParametersSchema } from '@tradehits/core/params';
import { utcDayStart } from '@tradehits/core/safety';
import { lastClosedBarTime, TIMEFRAME_MS } from '@tradehits/core/types';
import {
  type EngineTrader,
  engineTraders,
  type JobRunRecord,
  listExpiredApprovals,
  listOpenTrades,
  quarantinedAccountIds,
  raiseHighWaterPrices,
  recordJobRuns,
  updateUser,
} from '@tradehits/db';
import { markTriggeringPosts } from '@tradehits/sentiment/political';
import type { Services } from '@tradehits/trading';
import {
  classify,
  closeTrade,
  currentSafety,
  expireApprovals,
  openTrade,
  recoverInterruptedOrders,
} from '@tradehits/trading';
import type { Processor } from '../runner';
import { scanMarkets } from './scan-markets';

/** Users booked at once in a tick; below the database pool's size so the API keeps connections. */
const BOOKING_CONCURRENCY = 4;

/** Runs `fn` over `items` with at most `limit` running at once. */
async function eachLimited<T>(items: T[], limit: number, fn: (item: T) => Promise<void>) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/**
 * One engine tick for an asset type and the bar that just closed: settle expired approvals and
 * interrupted orders, detect once per symbol on that bar (`scanMarkets` declines a stale or missing
 * bar), then trade on that view (`tradeOnMarkets`). Safe to repeat: entries carry a client order id
 * per user, symbol, bar and mode, and exits close a position at most once.
 */
export async function runEngineTick(
  services: Services,
  assetType: AssetType,
  at: Date,
  bar: { timeframe: Timeframe; barTime?: number } = { timeframe: '5m' },
) {
  const now = at.getTime();
  // Without a bar named (a direct call), the tick is for the bar that closed last.
  const barTime = bar.barTime ?? lastClosedBarTime(now, bar.timeframe);
  const expired = await expireApprovals(services, at, await listExpiredApprovals(services.db, at));
  const interrupted = await recoverInterruptedOrders(services, at);
  const scan =
    assetType === 'stock' && !isMarketOpen(now)
      ? { skipped: `market closed (${marketStatus(now).reason ?? 'closed'})` }
      : await scanMarkets(services, { assetType, timeframe: bar.timeframe, barTime, now });
  if ('skipped' in scan) return { skipped: scan.skipped, expired, interrupted };
  if (scan.missing.length > 0) {
    await recordJobRuns(
      services.db,
      scan.missing.map((m) => ({
        job: 'engine.tick',
        symbol: m.symbol,
        timeframe: bar.timeframe,
        status: 'skipped' as const,
        error: `no ${bar.timeframe} bar at ${new Date(barTime).toISOString()} (newest ${m.newest === null ? 'none' : new Date(m.newest).toISOString()})`,
      })),
    );
  }
  const t = await tradeOnMarkets(services, assetType, at, scan.markets, {
    sentiment: scan.sentiment,
    minConfidence: scan.settings.minConfidence,
  });
  return {
    notes: scan.notes,
    timeframe: bar.timeframe,
    barTime,
    missing: scan.missing.length,
    symbols: t.symbols,
    lowest: t.lowest,
    traders: t.traders,
    opened: t.opened,
    closed: t.closed,
    expired,
    interrupted,
    failed: t.failed,
    skips: t.skips,
    blocked: t.blocked,
    paused: t.paused,
  };
}

/**
 * Decides for every trader on the tick's market view with the pure engine, then books the exits and
 * entries, each on its own: a failure is recorded with its reason and whether it may pass on a retry,
 * and never stops the others.
 */
export async function tradeOnMarkets(
  services: Services,
  assetType: AssetType,
  at: Date,
  markets: MarketTick[],
  judging: { sentiment: SentimentHandling; minConfidence: number },
) {
  const now = at.getTime();
  const traders = await engineTraders(services.db, assetType, at, new Date(utcDayStart(now)));
  const open = await listOpenTrades(services.db, { assetType });
  const quarantined = await quarantinedAccountIds(services.db, assetType);
  const failures: JobRunRecord[] = [];

  // A rule row that fails validation (written around the API) is skipped with its reason; a broken
  // symbol row still governs its symbol, so that symbol is not traded rather than traded by ALL.
  const users: EngineUser[] = [];
  const rowsByUser = new Map<string, EngineTrader['rules']>();
  for (const t of traders) {
    if (t.mode === 'live' && t.account.status === 'quarantined') continue;
    const rules: TradeParameters[] = [];
    for (const row of t.rules) {
      // The rule schema takes the amount as a decimal, as a user enters it.
      const parsed = tradeParametersSchema.safeParse({ ...row, tradeAmount: centsToNumber(row.tradeAmount) });
      if (parsed.success) {
        rules.push(parsed.data);
        continue;
      }
      const issue = parsed.error.issues[0]!;
      failures.push({
        job: 'engine.tick',
        symbol: row.symbol,
        status: 'skipped',
        error: `invalid rule ${row.id}: ${issue.path.join('.')}: ${issue.message}`,
        detail: { userId: t.userId, parametersId: row.id, retryable: false },
      });
      const off = tradeParametersSchema.safeParse({
        assetType,
        symbol: row.symbol,
        autoTradingEnabled: false,
      });
      if (off.success) rules.push(off.data);
    }
    rowsByUser.set(t.userId, t.rules);
    users.push({
      id: t.userId,
      rules,
      mode: t.mode,
      balanceCents: t.account.balance,
      lossTodayCents: Math.max(0, -t.pnlToday),
    });
  }
  const modeByUser = new Map(traders.map((t) => [t.userId, t.mode]));
  // Positions of quarantined accounts wait for relinked keys; a manual one is tracked for its exits.
  const positions: OpenPosition[] = open
    .filter(
      (p) =>
        p.status === 'open' &&
        p.entryPrice &&
        p.takeProfitPrice &&
        p.stopLossPrice &&
        !quarantined.has(p.accountId),
    )
    .map((p) => ({
      id: p.id,
      userId: p.userId,
      symbol: p.symbol,
      quantity: Number(p.quantity),
      entryPrice: Number(p.entryPrice),
      takeProfitPrice: Number(p.takeProfitPrice),
      stopLossPrice: Number(p.stopLossPrice),
      trailingStopPct: p.trailingStopPct,
      breakEvenPrice: p.breakEvenPrice === null ? null : Number(p.breakEvenPrice),
      exitDeadline: p.exitDeadline?.getTime() ?? null,
      highWaterPrice: p.highWaterPrice === null ? null : Number(p.highWaterPrice),
      openedAt: p.entryTime?.getTime() ?? now,
      // The 5m bar that had closed when the entry was made: for an engine entry, the bar that decided it.
      entryBarTime: lastClosedBarTime(p.entryTime?.getTime() ?? now, '5m'),
      mode: p.isPaper ? 'paper' : 'live',
    }));
  const result = engineTick({
    now,
    markets,
    users,
    positions,
    safety: await currentSafety(services),
    isMarketOpen,
    sentiment: judging.sentiment,
    minConfidence: judging.minConfidence,
  });

  // Positions that survive this bar raise their high-water price, exactly as the backtester does; a
  // bar from before a position's entry says nothing about it (as for its exits).
  const closing = new Set(result.intents.flatMap((i) => (i.kind === 'close' ? [i.positionId] : [])));
  const marketBySymbol = new Map(markets.map((m) => [m.symbol, m]));
  await raiseHighWaterPrices(
    services.db,
    positions.flatMap((p) => {
      const bar = marketBySymbol.get(p.symbol)?.bar;
      return bar === undefined || bar.openTime <= p.entryBarTime || closing.has(p.id)
        ? []
        : [{ id: p.id, price: advanceExitState(p, bar) }];
    }),
  );

  let closed = 0;
  const openedSymbols: string[] = [];
  const failed = (intent: Intent, err: unknown) => {
    const f = classify(err);
    services.log.error(
      { userId: intent.userId, symbol: intent.symbol, reason: f.reason },
      'engine intent failed',
    );
    failures.push({
      job: 'engine.tick',
      symbol: intent.symbol,
      status: 'failed',
      error: f.reason,
      detail: {
        userId: intent.userId,
        retryable: f.retryable,
        ...(intent.kind === 'close' ? { tradeId: intent.positionId } : {}),
      },
    });
  };
  // Users are booked side by side, each user's intents in order (exits first): different users
  // never share an account row, so their transactions do not wait on each other.
  const byUser = new Map<string, Intent[]>();
  for (const intent of result.intents) {
    const list = byUser.get(intent.userId);
    if (list) list.push(intent);
    else byUser.set(intent.userId, [intent]);
  }
  for (const list of byUser.values())
    list.sort((a, b) => (a.kind === b.kind ? 0 : a.kind === 'close' ? -1 : 1));
  const book = async (intent: Intent) => {
    if (intent.kind === 'close') {
      if (await closeTrade(services, intent.positionId, intent.price, intent.reason, at)) closed++;
      return;
    }
    const mode = modeByUser.get(intent.userId)!;
    const market = marketBySymbol.get(intent.symbol)!;
    const r = await openTrade(services, {
      userId: intent.userId,
      assetType,
      mode,
      symbol: intent.symbol,
      amountCents: intent.amountCents,
      price: market.bar.close,
      takeProfitPct: intent.takeProfitPct,
      stopLossPct: intent.stopLossPct,
      exits: intent.exits,
      maxConcurrentTrades: intent.maxConcurrentTrades,
      clientOrderId: `${intent.userId}:${intent.symbol}:${market.bar.openTime}:${mode}`,
      executionReason: intent.reason,
      parametersId: effectiveRule(rowsByUser.get(intent.userId) ?? [], assetType, intent.symbol)?.id ?? null,
      detection: intent.detection,
      requiresApproval: intent.requiresApproval,
      at,
    });
    if (r.ok) openedSymbols.push(intent.symbol);
    else
      failures.push({
        job: 'engine.tick',
        symbol: intent.symbol,
        status: 'skipped',
        error: r.reason,
        detail: { userId: intent.userId },
      });
  };
  await eachLimited([...byUser.values()], BOOKING_CONCURRENCY, async (list) => {
    for (const intent of list) {
      try {
        await book(intent);
      } catch (err) {
        failed(intent, err);
      }
    }
  });
  await markTriggeringPosts(services.analytics, openedSymbols, now);
  // The daily loss limit pauses the user until the next UTC day.
  const paused = new Set<string>();
  for (const group of result.skips) {
    if (group.reason !== 'daily-loss-limit') continue;
    for (const userId of group.userIds) {
      if (paused.has(userId)) continue;
      paused.add(userId);
      await updateUser(services.db, userId, { pausedUntil: new Date(utcDayStart(now) + 86_400_000) });
    }
  }
  const lowest = markets.filter((m) => m.detection?.isLowestPoint).map((m) => m.symbol);
  if (failures.length) await recordJobRuns(services.db, failures);
  return {
    symbols: markets.length,
    lowest,
    traders: users.length,
    opened: openedSymbols.length,
    closed,
    failed: failures.filter((f) => f.status === 'failed').length,
    skips: result.skips.reduce((n, g) => n + g.userIds.length, 0),
    blocked: result.blocked,
    paused: paused.size,
  };
}

/**
 * The instant a tick judges at. Live, when the job runs. In a replay the engine runs on the replay's
 * clock, the named bar's close: the bars are recorded (2018, say), so the wall clock would stamp entries
 * years after their bar and then never judge their exits (only bars after the entry count). At its
 * bar's close a late replay tick sees the market as it stood then, as a backtest does, rather than being
 * declined as stale because the replay has already played the next bars.
 */
export function engineClock(
  config: Pick<Services['config'], 'MARKET_SOURCE'>,
  now: Date,
  bar: { timeframe: Timeframe; barTime?: number | undefined },
): Date {
  if (config.MARKET_SOURCE !== 'replay' || bar.barTime === undefined) return now;
  return new Date(bar.barTime + TIMEFRAME_MS[bar.timeframe]);
}

export const engineTickProcessor: Processor<'engine.tick'> = (
  { assetType, timeframe, barTime },
  { services, now },
) =>
  runEngineTick(services, assetType, engineClock(services.config, now, { timeframe, barTime }), {
    timeframe,
    ...(barTime === undefined ? {} : { barTime }),
  });
