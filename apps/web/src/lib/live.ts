import { barColumns, barRows, parseBarColumns } from '@tradehits/core/bar-columns';
import type { BarWithIndicators } from '@tradehits/core/types';

/** Cached query groups a live event can make stale. */
export type LiveTarget =
  | 'markets.bars'
  | 'markets.latest'
  | 'markets.lowestPoints'
  | 'trades.active'
  | 'trades.history'
  | 'accounts.summary'
  | 'admin.approvals'
  | 'admin.notifications'
  | 'admin.safety'
  | 'signals.markers'
  | 'signals.near'
  | 'signals.safety'
  | 'signals.performance';

/** What to refetch: a query group, narrowed to one symbol's queries when the event names one. */
export interface Invalidation {
  target: LiveTarget;
  symbol?: string;
}

/** The event kinds `live.events` sends, by their `type` field. */
export type LiveEventLike =
  | { type: 'heartbeat' }
  | { type: 'bar'; symbol: string; timeframe?: string; openTime?: number }
  | { type: 'detection'; detection?: { symbol: string } }
  | { type: 'detections'; symbols?: string[] }
  | { type: 'trade.opened' | 'trade.closed'; trade?: { symbol: string } }
  | { type: 'approval' }
  | { type: 'safety' }
  | { type: 'account' }
  | { type: string };

const TRADE_TARGETS: Invalidation[] = [
  { target: 'trades.active' },
  { target: 'trades.history' },
  { target: 'accounts.summary' },
  { target: 'signals.performance' },
  { target: 'signals.safety' },
];

const symbolOf = (event: LiveEventLike): string | undefined => {
  if ('detection' in event && event.detection) return event.detection.symbol;
  if ('trade' in event && event.trade) return event.trade.symbol;
  return undefined;
};
const forSymbol = (target: LiveTarget, symbol: string | undefined): Invalidation =>
  symbol ? { target, symbol } : { target };

/**
 * Which cached queries an event makes stale; heartbeats and unknown kinds touch nothing. A bar does
 * not invalidate the charts: `barUpdateFor` appends it to the cached series instead.
 */
export function invalidationsFor(event: LiveEventLike): Invalidation[] {
  switch (event.type) {
    case 'bar':
      // Open positions show live P&L against the latest price, so a new bar refreshes them too.
      return [{ target: 'markets.latest' }, { target: 'trades.active' }, { target: 'accounts.summary' }];
    case 'detection':
      return [
        { target: 'markets.lowestPoints' },
        { target: 'signals.near' },
        forSymbol('signals.markers', symbolOf(event)),
      ];
    case 'detections':
      // Every tick's judgements, lowest point or not: the watchlist and the markers of shown charts.
      return [{ target: 'signals.near' }, { target: 'signals.markers' }];
    case 'trade.opened':
    case 'trade.closed':
      return [...TRADE_TARGETS, forSymbol('signals.markers', symbolOf(event))];
    case 'approval':
      return [
        { target: 'admin.approvals' },
        { target: 'admin.notifications' },
        ...TRADE_TARGETS,
        { target: 'signals.markers' },
      ];
    case 'notification':
      return [{ target: 'admin.notifications' }];
    case 'safety':
      return [{ target: 'admin.safety' }, { target: 'signals.safety' }];
    case 'account':
      // An account quarantined: the safety strip, and the positions and cash its refused order released.
      return [{ target: 'signals.safety' }, ...TRADE_TARGETS];
    default:
      return [];
  }
}

/** Which cached chart series a bar event extends: one symbol and timeframe. */
export function barUpdateFor(event: LiveEventLike): { symbol: string; timeframe: string } | null {
  if (event.type !== 'bar' || !('symbol' in event) || typeof event.symbol !== 'string') return null;
  const timeframe = 'timeframe' in event ? event.timeframe : undefined;
  return typeof timeframe === 'string' ? { symbol: event.symbol, timeframe } : null;
}

/**
 * A cached series (oldest first) with freshly fetched bars merged in: a bar with the same open time
 * replaces the cached one (a bar can be revised until it closes), newer bars are appended, and the
 * oldest fall off so the series keeps its length.
 */
export function mergeBars<T extends { openTime: number }>(cached: readonly T[], fresh: readonly T[]): T[] {
  if (fresh.length === 0) return [...cached];
  const first = fresh[0]!.openTime;
  const kept = cached.filter((b) => b.openTime < first);
  const merged = [...kept, ...fresh];
  const keep = Math.max(cached.length, 1);
  return merged.length > keep ? merged.slice(merged.length - keep) : merged;
}

/** A `markets.bars` answer as the query cache holds it: the bar columns as JSON text, and their ETag. */
export interface BarsAnswerLike {
  etag: string;
  json: string;
}

/** The bars (oldest first) of a `markets.bars` answer; a chart's `select`, so the cache keeps the text. */
export function barsFromAnswer(answer: Pick<BarsAnswerLike, 'json'>): BarWithIndicators[] {
  return barRows(parseBarColumns(answer.json));
}

/** The open time of the newest bar of a cached answer; null when it holds none. */
export function newestOpenTime(answer: Pick<BarsAnswerLike, 'json'>): number | null {
  return parseBarColumns(answer.json).openTime.at(-1) ?? null;
}

/**
 * A cached answer with a freshly fetched tail merged in as `mergeBars` does, written back as columns so
 * the charts' `select` reads it like any answer. The ETag stays the cached one: only the browser's HTTP
 * cache uses it, to revalidate the whole series when it is fetched again.
 */
export function mergeBarsAnswer<A extends BarsAnswerLike>(cached: A, fresh: Pick<BarsAnswerLike, 'json'>): A {
  const columns = parseBarColumns(cached.json);
  const merged = mergeBars(barRows(columns), barsFromAnswer(fresh));
  return { ...cached, json: JSON.stringify(barColumns(columns.symbol, columns.timeframe, merged)) };
}

/** Everything that may have changed while the stream was down: refetched once after a reconnect. */
export const RECONNECT_INVALIDATIONS: Invalidation[] = [
  { target: 'markets.bars' },
  { target: 'markets.latest' },
  { target: 'markets.lowestPoints' },
  { target: 'admin.approvals' },
  { target: 'admin.notifications' },
  { target: 'admin.safety' },
  { target: 'signals.near' },
  { target: 'signals.markers' },
  ...TRADE_TARGETS,
];

/** A tracked event arrives as `{ id, data }`; an untracked one as the event itself. */
export function unwrapTracked<T>(message: T | { id: string; data: T }): T {
  if (message && typeof message === 'object' && 'id' in message && 'data' in message) {
    return (message as { data: T }).data;
  }
  return message as T;
}
