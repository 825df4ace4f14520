import type { AssetType, Timeframe } from '@tradehits/core';
import { isMarketOpen, marketStatus } from '@tradehits/core/calendar';
import { type EngineUser, engineTick, type OpenPosition } from '@tradehits/core/engine';
import { toCents } from '@tradehits/core/money';
import { tradeParametersSchema } from '@tradehits/core/params';
import { safetySettingsFrom, utcDayStart } from '@tradehits/core/safety';
import { lastClosedBarTime } from '@tradehits/core/types';
import {
  engineTraders,
  getSetting,
  listExpiredApprovals,
  listOpenTrades,
  recordJobRuns,
  updateUser,
} from '@tradehits/db';
import { markTriggeringPosts } from '@tradehits/sentiment/political';
import type { Processor, Services } from '../runner';
import { closeTrade, expireApprovals, openTrade, recoverInterruptedOrders } from '../trading/execution';
import { scanMarkets } from './scan-markets';

export const KILL_SWITCH_KEY = 'kill_switch';

/**
 * One engine tick for an asset type: detect once per symbol, decide for every trader with the pure
 * engine, then carry out the exits and entries through the brokers. Safe to repeat: entries carry a
 * client order id per user, symbol and bar, and exits close a position at most once.
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
  const { markets } = scan;
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
  const traders = await engineTraders(services.db, assetType, at, new Date(utcDayStart(now)));
  const open = await listOpenTrades(services.db, { assetType });

  const users: EngineUser[] = traders.map((t) => ({
    id: t.params.id,
    params: tradeParametersSchema.parse({
      ...t.params,
      tradeAmount: Number(t.params.tradeAmount),
      takeProfitPct: Number(t.params.takeProfitPct),
      stopLossPct: Number(t.params.stopLossPct),
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
      openedAt: p.entryTime?.getTime() ?? now,
      // The 5m bar that had closed when the entry was made: for an engine entry, the bar that decided it.
      entryBarTime: lastClosedBarTime(p.entryTime?.getTime() ?? now, '5m'),
    }));
  const killSwitch = (await getSetting<boolean>(services.db, KILL_SWITCH_KEY)) ?? false;
  const result = engineTick({
    now,
    markets,
    users,
    positions,
    safety: { ...safetySettingsFrom(services.config), killSwitch },
    isMarketOpen,
    sentiment: scan.sentiment,
    minConfidence: scan.settings.minConfidence,
  });

  let closed = 0;
  const openedSymbols: string[] = [];
  const refusals: { symbol: string; userId: string; reason: string }[] = [];
  for (const intent of result.intents) {
    if (intent.kind !== 'close') continue;
    if (await closeTrade(services, intent.positionId, intent.price, intent.reason, at)) closed++;
  }
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
    notes: scan.notes,
    timeframe: bar.timeframe,
    barTime,
    missing: scan.missing.length,
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

export const engineTickProcessor: Processor<'engine.tick'> = (
  { assetType, timeframe, barTime },
  { services, now },
) => runEngineTick(services, assetType, now, { timeframe, ...(barTime === undefined ? {} : { barTime }) });
