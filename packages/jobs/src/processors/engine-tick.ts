import type { AssetType, Timeframe } from '@tradehits/core';
import { isMarketOpen, marketStatus } from '@tradehits/core/calendar';
import type { SentimentHandling } from '@tradehits/core/detector';
import { type EngineUser, engineTick, type MarketTick, type OpenPosition } from '@tradehits/core/engine';
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
import type { Failure, PaperClose, PaperOpen, PaperOpened, Services } from '@tradehits/trading';
import {
  bookPaperOneByOne,
  classify,
  closePaperTrades,
  currentSafety,
  expireApprovals,
  listInterrupted,
  openPaperTrades,
  paperCostsDescribed,
} from '@tradehits/trading';
import { type TradingOrder, tradingOrderJobId } from '../contracts';
import type { JobContext, Processor } from '../runner';
import { scanMarkets } from './scan-markets';
import { runTradingOrder } from './trading-order';

/** Live orders run at once when a tick runs them itself; below the pool's size so the API keeps connections. */
const ORDER_CONCURRENCY = 4;

/** How a tick hands out its live orders: as jobs on a runner, or (a direct call) run here, each on its own. */
export interface TickOptions {
  enqueue?: JobContext['enqueue'];
  /**
   * Paper fills are booked set-based; 'one-by-one' books them a fill at a time as before, the
   * reference the bulk booking is compared and benchmarked against.
   */
  paperBooking?: 'bulk' | 'one-by-one';
  /** Whether this tick judges exits (true by default; ticks on bars longer than 5 minutes do not). */
  judgeExits?: boolean;
}

/** Runs `fn` over `items` with at most `limit` running at once. */
async function eachLimited<T>(items: T[], limit: number, fn: (item: T) => Promise<void>) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/**
 * Live orders, each as its own job keyed by its order (a repeat is a no-op), or without a runner run
 * here side by side, each on its own. Counts what was queued, or what the orders did.
 */
async function runOrders(services: Services, orders: TradingOrder[], enqueue: TickOptions['enqueue']) {
  const counts = { queued: 0, entries: 0, exits: 0, recovered: 0, failed: 0 };
  if (enqueue) {
    for (const order of orders) {
      try {
        await enqueue('trading.order', order, tradingOrderJobId(order));
        counts.queued++;
      } catch (err) {
        const f = classify(err);
        services.log.error({ kind: order.kind, reason: f.reason }, 'queueing an order failed');
        counts.failed++;
      }
    }
    return counts;
  }
  await eachLimited(orders, ORDER_CONCURRENCY, async (order) => {
    const outcome = await runTradingOrder(services, order);
    if (outcome.failed !== undefined) counts.failed++;
    if (!outcome.done) return;
    if (order.kind === 'entry') counts.entries++;
    else if (order.kind === 'exit') counts.exits++;
    else counts.recovered++;
  });
  return counts;
}

/**
 * One engine tick for an asset type and the bar that just closed: settle expired approvals and
 * interrupted orders (each its own order job), detect once per symbol on that bar (`scanMarkets` declines a stale or missing
 * bar), then trade on that view (`tradeOnMarkets`). Safe to repeat: entries carry a client order id
 * per user, symbol, timeframe, bar and mode, and exits close a position at most once.
 */
export async function runEngineTick(
  services: Services,
  assetType: AssetType,
  at: Date,
  bar: { timeframe: Timeframe; barTime?: number } = { timeframe: '5m' },
  options: TickOptions = {},
) {
  const now = at.getTime();
  // Without a bar named (a direct call), the tick is for the bar that closed last.
  const barTime = bar.barTime ?? lastClosedBarTime(now, bar.timeframe);
  const expired = await expireApprovals(services, at, await listExpiredApprovals(services.db, at));
  const recovery = await runOrders(
    services,
    (await listInterrupted(services, at)).map((ref) => ({ kind: 'recover', at: now, ref })),
    options.enqueue,
  );
  const interrupted = options.enqueue ? recovery.queued : recovery.recovered;
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
  const t = await tradeOnMarkets(
    services,
    assetType,
    at,
    scan.markets,
    { sentiment: scan.sentiment, minConfidence: scan.settings.minConfidence },
    // Exits are judged on 5-minute bars only: an hourly or daily bar repeats what its 5-minute bars
    // already said, and would judge a stop against a low the 5-minute ticks have acted on.
    { judgeExits: bar.timeframe === '5m', ...options },
  );
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
    ordersQueued: t.ordersQueued,
    costs: t.costs,
    expired,
    interrupted,
    failed: t.failed,
    skips: t.skips,
    blocked: t.blocked,
    paused: t.paused,
  };
}

/**
 * Decides for every trader on the tick's market view with the pure engine, then books the paper exits
 * and entries set-based and hands each live order to its own job: a failure is recorded with its
 * reason and whether it may pass on a retry, and never stops the others.
 */
export async function tradeOnMarkets(
  services: Services,
  assetType: AssetType,
  at: Date,
  markets: MarketTick[],
  judging: { sentiment: SentimentHandling; minConfidence: number },
  options: TickOptions = {},
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
  const decided = engineTick({
    now,
    markets,
    users,
    positions,
    safety: await currentSafety(services),
    isMarketOpen,
    sentiment: judging.sentiment,
    minConfidence: judging.minConfidence,
  });
  const judgeExits = options.judgeExits ?? true;
  const result = judgeExits
    ? decided
    : { ...decided, intents: decided.intents.filter((i) => i.kind === 'open') };

  // Positions that survive this bar raise their high-water price, exactly as the backtester does; a
  // bar from before a position's entry says nothing about it (as for its exits).
  const closing = new Set(result.intents.flatMap((i) => (i.kind === 'close' ? [i.positionId] : [])));
  const marketBySymbol = new Map(markets.map((m) => [m.symbol, m]));
  await raiseHighWaterPrices(
    services.db,
    (judgeExits ? positions : []).flatMap((p) => {
      const bar = marketBySymbol.get(p.symbol)?.bar;
      return bar === undefined || bar.openTime <= p.entryBarTime || closing.has(p.id)
        ? []
        : [{ id: p.id, price: advanceExitState(p, bar) }];
    }),
  );

  // Paper fills are booked set-based, exits before entries (as each user's own were booked one by one);
  // every live order is its own job through the trading layer.
  const tradeById = new Map(open.map((p) => [p.id, p]));
  const accountByUser = new Map(traders.map((t) => [t.userId, t.account.id]));
  const paperCloses: PaperClose[] = [];
  const paperOpens: PaperOpen[] = [];
  const orders: TradingOrder[] = [];
  for (const intent of result.intents) {
    const market = marketBySymbol.get(intent.symbol)!;
    if (intent.kind === 'close') {
      const trade = tradeById.get(intent.positionId)!;
      if (trade.isPaper)
        paperCloses.push({ trade, price: intent.price, reason: intent.reason, bar: market.bar });
      else
        orders.push({
          kind: 'exit',
          at: now,
          tradeId: trade.id,
          price: intent.price,
          reason: intent.reason,
        });
      continue;
    }
    const mode = modeByUser.get(intent.userId)!;
    const request = {
      userId: intent.userId,
      assetType,
      symbol: intent.symbol,
      amountCents: intent.amountCents,
      price: market.bar.close,
      takeProfitPct: intent.takeProfitPct,
      stopLossPct: intent.stopLossPct,
      exits: intent.exits,
      maxConcurrentTrades: intent.maxConcurrentTrades,
      // Per timeframe too: a 5m and a 1h bar open at the same instant, and each may signal.
      clientOrderId: `${intent.userId}:${intent.symbol}:${intent.detection?.timeframe ?? '5m'}.${market.bar.openTime}:${mode}`,
      executionReason: intent.reason,
      parametersId: effectiveRule(rowsByUser.get(intent.userId) ?? [], assetType, intent.symbol)?.id ?? null,
      detection: intent.detection,
      requiresApproval: intent.requiresApproval,
    };
    if (mode === 'paper')
      paperOpens.push({
        request: { ...request, mode, bar: market.bar, at },
        accountId: accountByUser.get(intent.userId)!,
      });
    else orders.push({ kind: 'entry', at: now, request: { ...request, mode } });
  }
  // A batch's failure is recorded for each of its fills, with whether a retry may help.
  const failed = (i: { userId: string; symbol: string }, f: Failure, tradeId?: string) =>
    failures.push({
      job: 'engine.tick',
      symbol: i.symbol,
      status: 'failed',
      error: f.reason,
      detail: { userId: i.userId, retryable: f.retryable, ...(tradeId ? { tradeId } : {}) },
    });
  const failedAll = (list: { userId: string; symbol: string }[], err: unknown) => {
    const f = classify(err);
    services.log.error({ intents: list.length, reason: f.reason }, 'booking paper fills failed');
    for (const i of list) failed(i, f);
  };

  let closed = 0;
  const openedSymbols: string[] = [];
  const booked = (opened: Map<string, PaperOpened>) => {
    for (const { request } of paperOpens) {
      const r = opened.get(request.clientOrderId)!;
      if (r.ok) openedSymbols.push(request.symbol);
      else if (r.failure) failed(request, r.failure);
      else
        failures.push({
          job: 'engine.tick',
          symbol: request.symbol,
          status: 'skipped',
          error: r.reason,
          detail: { userId: request.userId },
        });
    }
  };
  if (options.paperBooking === 'one-by-one') {
    try {
      const r = await bookPaperOneByOne(services, paperCloses, paperOpens, at);
      closed += r.closed;
      for (const { trade, failure } of r.failed) failed(trade, failure, trade.id);
      booked(r.opened);
    } catch (err) {
      failedAll([...paperCloses.map((c) => c.trade), ...paperOpens.map((o) => o.request)], err);
    }
  } else {
    try {
      const exits = await closePaperTrades(services, paperCloses, at);
      closed += exits.closed.length;
      for (const { trade, failure } of exits.failed) failed(trade, failure, trade.id);
    } catch (err) {
      failedAll(
        paperCloses.map((c) => c.trade),
        err,
      );
    }
    try {
      booked(await openPaperTrades(services, paperOpens));
    } catch (err) {
      failedAll(
        paperOpens.map((o) => o.request),
        err,
      );
    }
  }
  const live = await runOrders(services, orders, options.enqueue);
  closed += live.exits;
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
    opened: openedSymbols.length + live.entries,
    closed,
    ordersQueued: live.queued,
    costs: paperCostsDescribed(services.config),
    failed: failures.filter((f) => f.status === 'failed').length + live.failed,
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
  { services, now, enqueue },
) =>
  runEngineTick(
    services,
    assetType,
    engineClock(services.config, now, { timeframe, barTime }),
    { timeframe, ...(barTime === undefined ? {} : { barTime }) },
    { enqueue },
  );
