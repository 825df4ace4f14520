import type { AssetType, Detection, SentimentReading } from '@tradehits/core';
import { isMarketOpen, marketStatus } from '@tradehits/core/calendar';
import { detectSeries } from '@tradehits/core/detector';
import { type EngineUser, engineTick, type MarketTick, type OpenPosition } from '@tradehits/core/engine';
import { advanceExitState, averageTrueRange } from '@tradehits/core/exits';
import { toCents } from '@tradehits/core/money';
import { tradeParametersSchema } from '@tradehits/core/params';
import { rangePct, safetySettingsFrom, utcDayStart } from '@tradehits/core/safety';
import { TIMEFRAME_MS } from '@tradehits/core/types';
import {
  engineTraders,
  exitRulesFromRow,
  getSetting,
  listExpiredApprovals,
  listOpenTrades,
  raiseHighWaterPrices,
  recordJobRuns,
  updateUser,
} from '@tradehits/db';
import { markTriggeringPosts } from '@tradehits/sentiment/political';
import { sentimentFor } from '@tradehits/sentiment/reading';
import type { Processor, Services } from '../runner';
import { closeTrade, expireApprovals, openTrade, recoverInterruptedOrders } from '../trading/execution';

/** Bars of history the detector sees each tick: seven days of 5m bars covers its 24 h and 7 d lows. */
const HISTORY_BARS = 7 * 288 + 48;
/** The circuit breaker judges the range of the last hour of 5m bars. */
const BREAKER_BARS = 12;
/** Wilder's ATR settles within a few hundred bars, as the full series the backtester reads gives it. */
const ATR_BARS = 500;
const BAR_MS = TIMEFRAME_MS['5m'];

export const KILL_SWITCH_KEY = 'kill_switch';

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
    // ATR(14) at the last bar, for ATR-multiple exits (the backtester reads the same series).
    const atr = averageTrueRange(bars.slice(-ATR_BARS)).at(-1)!;
    markets.push({
      symbol,
      assetType,
      bar: last,
      detection,
      sentiment,
      recentRangePct: rangePct(high, low),
      atr: Number.isNaN(atr) ? null : atr,
    });
  }
  await services.analytics.upsertDetections(detections);
  for (const d of detections) {
    if (d.isLowestPoint) services.bus.publish({ type: 'detection', detection: d });
  }
  return markets;
}

/**
 * One engine tick for an asset type: detect once per symbol, decide for every trader with the pure
 * engine, then carry out the exits and entries through the brokers. Safe to repeat: entries carry a
 * client order id per user, symbol and bar, and exits close a position at most once.
 */
export async function runEngineTick(services: Services, assetType: AssetType, at: Date) {
  const now = at.getTime();
  const expired = await expireApprovals(services, at, await listExpiredApprovals(services.db, at));
  const interrupted = await recoverInterruptedOrders(services, at);
  if (assetType === 'stock' && !isMarketOpen(now)) {
    return { skipped: `market closed (${marketStatus(now).reason ?? 'closed'})`, expired, interrupted };
  }
  const markets = await scanMarkets(services, assetType, now);
  const traders = await engineTraders(services.db, assetType, at, new Date(utcDayStart(now)));
  const open = await listOpenTrades(services.db, { assetType });

  const users: EngineUser[] = traders.map((t) => ({
    id: t.params.id,
    params: tradeParametersSchema.parse({
      ...t.params,
      tradeAmount: Number(t.params.tradeAmount),
      takeProfitPct: Number(t.params.takeProfitPct),
      stopLossPct: Number(t.params.stopLossPct),
      ...exitRulesFromRow(t.params),
    }),
    mode: t.mode,
    balanceCents: toCents(Number(t.balance)),
    lossTodayCents: Math.max(0, -toCents(Number(t.pnlToday))),
  }));
  const traderById = new Map(traders.map((t) => [t.params.id, t]));
  // A position belongs to the parameter row that opened it; a manual one is tracked for its exits only.
  const positions: OpenPosition[] = open
    .filter((p) => p.status === 'open' && p.entryPrice && p.takeProfitPrice && p.stopLossPrice)
    .map((p) => ({
      id: p.id,
      userId: p.parametersId ?? `manual:${p.userId}`,
      symbol: p.symbol,
      quantity: Number(p.quantity),
      entryPrice: Number(p.entryPrice),
      takeProfitPrice: Number(p.takeProfitPrice),
      stopLossPrice: Number(p.stopLossPrice),
      trailingStopPct: p.trailingStopPct === null ? null : Number(p.trailingStopPct),
      breakEvenPrice: p.breakEvenPrice === null ? null : Number(p.breakEvenPrice),
      exitDeadline: p.exitDeadline?.getTime() ?? null,
      highWaterPrice: p.highWaterPrice === null ? null : Number(p.highWaterPrice),
      openedAt: p.entryTime?.getTime() ?? now,
    }));
  const killSwitch = (await getSetting<boolean>(services.db, KILL_SWITCH_KEY)) ?? false;
  const result = engineTick({
    now,
    markets,
    users,
    positions,
    safety: { ...safetySettingsFrom(services.config), killSwitch },
    isMarketOpen,
    sentiment: 'judge',
    minConfidence: 0.7,
  });

  let closed = 0;
  const openedSymbols: string[] = [];
  const refusals: { symbol: string; userId: string; reason: string }[] = [];
  for (const intent of result.intents) {
    if (intent.kind !== 'close') continue;
    if (await closeTrade(services, intent.positionId, intent.price, intent.reason, at)) closed++;
  }
  // Positions that survived this bar raise their high-water price, exactly as the backtester does.
  const closing = new Set(result.intents.flatMap((i) => (i.kind === 'close' ? [i.positionId] : [])));
  const marketOf = new Map(markets.map((m) => [m.symbol, m]));
  await raiseHighWaterPrices(
    services.db,
    positions.flatMap((p) => {
      const bar = marketOf.get(p.symbol)?.bar;
      return bar === undefined || closing.has(p.id) ? [] : [{ id: p.id, price: advanceExitState(p, bar) }];
    }),
  );
  for (const intent of result.intents) {
    if (intent.kind !== 'open') continue;
    const trader = traderById.get(intent.userId)!;
    const market = markets.find((m) => m.symbol === intent.symbol)!;
    const r = await openTrade(services, {
      userId: trader.params.userId,
      assetType,
      mode: trader.mode,
      symbol: intent.symbol,
      amountCents: intent.amountCents,
      price: market.bar.close,
      takeProfitPct: intent.takeProfitPct,
      stopLossPct: intent.stopLossPct,
      exits: intent.exits,
      maxConcurrentTrades: trader.params.maxConcurrentTrades,
      clientOrderId: `${trader.params.id}:${intent.symbol}:${market.bar.openTime}`,
      executionReason: intent.reason,
      parametersId: trader.params.id,
      detection: intent.detection,
      requiresApproval: intent.requiresApproval,
      at,
    });
    if (r.ok) openedSymbols.push(intent.symbol);
    else refusals.push({ symbol: intent.symbol, userId: trader.params.userId, reason: r.reason });
  }
  await markTriggeringPosts(services.analytics, openedSymbols, now);
  // The daily loss limit pauses the user until the next UTC day.
  const paused = new Set<string>();
  for (const group of result.skips) {
    if (group.reason !== 'daily-loss-limit') continue;
    for (const id of group.userIds) {
      const userId = traderById.get(id)?.params.userId;
      if (!userId || paused.has(userId)) continue;
      paused.add(userId);
      await updateUser(services.db, userId, { pausedUntil: new Date(utcDayStart(now) + 86_400_000) });
    }
  }
  const lowest = markets.filter((m) => m.detection?.isLowestPoint).map((m) => m.symbol);
  if (refusals.length) {
    await recordJobRuns(
      services.db,
      refusals.map((r) => ({
        job: 'engine.tick',
        symbol: r.symbol,
        status: 'skipped' as const,
        error: r.reason,
        detail: { userId: r.userId },
      })),
    );
  }
  return {
    symbols: markets.length,
    lowest,
    traders: users.length,
    opened: openedSymbols.length,
    closed,
    expired,
    interrupted,
    skips: result.skips.reduce((n, g) => n + g.userIds.length, 0),
    blocked: result.blocked,
    paused: paused.size,
  };
}

export const engineTickProcessor: Processor<'engine.tick'> = ({ assetType }, { services, now }) =>
  runEngineTick(services, assetType, now);
