import type { AssetType, Detection, SentimentReading } from '@tradehits/core';
import { isMarketOpen, marketStatus } from '@tradehits/core/calendar';
import { detectSeries } from '@tradehits/core/detector';
import {
  type EngineUser,
  engineTick,
  type Intent,
  type MarketTick,
  type OpenPosition,
} from '@tradehits/core/engine';
import { parseCents } from '@tradehits/core/money';
import { effectiveRule, type TradeParameters, tradeParametersSchema } from '@tradehits/core/params';
import { rangePct, utcDayStart } from '@tradehits/core/safety';
import { TIMEFRAME_MS } from '@tradehits/core/types';
import {
  type EngineTrader,
  engineTraders,
  type JobRunRecord,
  listExpiredApprovals,
  listOpenTrades,
  quarantinedAccountIds,
  recordJobRuns,
  updateUser,
} from '@tradehits/db';
import { markTriggeringPosts } from '@tradehits/sentiment/political';
import { sentimentFor } from '@tradehits/sentiment/reading';
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

/** Bars of history the detector sees each tick: seven days of 5m bars covers its 24 h and 7 d lows. */
const HISTORY_BARS = 7 * 288 + 48;
/** The circuit breaker judges the range of the last hour of 5m bars. */
const BREAKER_BARS = 12;
const BAR_MS = TIMEFRAME_MS['5m'];
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

/** Detects on every symbol once (never per user), stores the detections, and returns the market view. */
export async function scanMarkets(services: Services, assetType: AssetType, now: number) {
  const symbols = await services.market[assetType].symbols(assetType);
  const markets: MarketTick[] = [];
  const detections: Detection[] = [];
  for (const symbol of symbols) {
    // Only bars that have closed by `now`.
    const bars = await services.analytics.bars({
      symbol,
      timeframe: '5m',
      to: now - BAR_MS,
      limit: HISTORY_BARS,
    });
    const last = bars.at(-1);
    if (!last) continue;
    const sentiment: SentimentReading | null = await sentimentFor(services.analytics, symbol, now);
    const series = detectSeries(bars, { symbol, assetType, timeframe: '5m', sentiment: 'judge' }, sentiment);
    const detection = series.at(-1)!;
    let high = -Infinity;
    let low = Infinity;
    for (const b of bars.slice(-BREAKER_BARS)) {
      if (b.high > high) high = b.high;
      if (b.low < low) low = b.low;
    }
    detections.push(detection);
    markets.push({ symbol, assetType, bar: last, detection, sentiment, recentRangePct: rangePct(high, low) });
  }
  await services.analytics.upsertDetections(detections);
  for (const d of detections) {
    if (d.isLowestPoint) services.bus.publish({ type: 'detection', detection: d });
  }
  return markets;
}

/**
 * One engine tick for an asset type: settle expired approvals and interrupted orders, detect once per
 * symbol, then trade on that view (`tradeOnMarkets`). Safe to repeat:
 * entries carry a client order id per user, symbol, bar and mode, and exits close a position at most
 * once.
 */
export async function runEngineTick(services: Services, assetType: AssetType, at: Date) {
  const now = at.getTime();
  const expired = await expireApprovals(services, at, await listExpiredApprovals(services.db, at));
  const interrupted = await recoverInterruptedOrders(services, at);
  if (assetType === 'stock' && !isMarketOpen(now)) {
    return { skipped: `market closed (${marketStatus(now).reason ?? 'closed'})`, expired, interrupted };
  }
  const markets = await scanMarkets(services, assetType, now);
  const t = await tradeOnMarkets(services, assetType, at, markets);
  return {
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
      const parsed = tradeParametersSchema.safeParse({
        ...row,
        tradeAmount: Number(row.tradeAmount),
        takeProfitPct: Number(row.takeProfitPct),
        stopLossPct: Number(row.stopLossPct),
      });
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
      balanceCents: parseCents(t.account.balance),
      lossTodayCents: Math.max(0, -parseCents(t.pnlToday)),
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
      openedAt: p.entryTime?.getTime() ?? now,
      mode: p.isPaper ? 'paper' : 'live',
    }));
  const result = engineTick({
    now,
    markets,
    users,
    positions,
    safety: await currentSafety(services),
    isMarketOpen,
    sentiment: 'judge',
    minConfidence: 0.7,
  });

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
  const marketBySymbol = new Map(markets.map((m) => [m.symbol, m]));
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

export const engineTickProcessor: Processor<'engine.tick'> = ({ assetType }, { services, now }) =>
  runEngineTick(services, assetType, now);
