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
  | 'admin.safety';

/** What to refetch: a query group, narrowed to one symbol's queries when the event names one. */
export interface Invalidation {
  target: LiveTarget;
  symbol?: string;
}

/** The event kinds `live.events` sends, by their `type` field. */
export type LiveEventLike =
  | { type: 'heartbeat' }
  | { type: 'bar'; symbol: string }
  | { type: 'detection' }
  | { type: 'trade.opened' | 'trade.closed' }
  | { type: 'approval' }
  | { type: 'safety' }
  | { type: string };

const TRADE_TARGETS: Invalidation[] = [
  { target: 'trades.active' },
  { target: 'trades.history' },
  { target: 'accounts.summary' },
];

/** Which cached queries an event makes stale; heartbeats and unknown kinds touch nothing. */
export function invalidationsFor(event: LiveEventLike): Invalidation[] {
  switch (event.type) {
    case 'bar': {
      const symbol = 'symbol' in event ? event.symbol : undefined;
      // Open positions show live P&L against the latest price, so a new bar refreshes them too.
      return [
        symbol ? { target: 'markets.bars', symbol } : { target: 'markets.bars' },
        { target: 'markets.latest' },
        { target: 'trades.active' },
      ];
    }
    case 'detection':
      return [{ target: 'markets.lowestPoints' }];
    case 'trade.opened':
    case 'trade.closed':
      return TRADE_TARGETS;
    case 'approval':
      return [{ target: 'admin.approvals' }, { target: 'admin.notifications' }, ...TRADE_TARGETS];
    case 'notification':
      return [{ target: 'admin.notifications' }];
    case 'safety':
      return [{ target: 'admin.safety' }];
    default:
      return [];
  }
}

/** Everything that may have changed while the stream was down: refetched once after a reconnect. */
export const RECONNECT_INVALIDATIONS: Invalidation[] = [
  { target: 'markets.bars' },
  { target: 'markets.latest' },
  { target: 'markets.lowestPoints' },
  { target: 'admin.approvals' },
  { target: 'admin.notifications' },
  { target: 'admin.safety' },
  ...TRADE_TARGETS,
];

/** A tracked event arrives as `{ id, data }`; an untracked one as the event itself. */
export function unwrapTracked<T>(message: T | { id: string; data: T }): T {
  if (message && typeof message === 'object' && 'id' in message && 'data' in message) {
    return (message as { data: T }).data;
  }
  return message as T;
}
