import { type QueryFilters, useQueryClient } from '@tanstack/react-query';
import { useSubscription } from '@trpc/tanstack-react-query';
import { useCallback, useEffect, useState } from 'react';
import { type Invalidation, invalidationsFor, RECONNECT_INVALIDATIONS, unwrapTracked } from '../lib/live';
import { useTRPC } from '../trpc';

/** Connection state of the live stream, as the header shows it. */
export type LiveStatus = 'connecting' | 'live' | 'offline';

const RETRY_AFTER_ERROR_MS = 3_000;

/**
 * Subscribes to `live.events` and turns each event into cache invalidations, so screens update with
 * no reload. After a drop (a server restart) it resubscribes and refetches what may have been missed.
 */
export function useLiveEvents(): LiveStatus {
  const trpc = useTRPC();
  const queryClient = useQueryClient();

  const invalidate = useCallback(
    (list: Invalidation[]) => {
      for (const inv of list) {
        const filter = {
          'markets.bars': trpc.markets.bars.pathFilter(),
          'markets.latest': trpc.markets.latest.pathFilter(),
          'markets.lowestPoints': trpc.markets.lowestPoints.pathFilter(),
          'trades.active': trpc.trades.active.pathFilter(),
          'trades.history': trpc.trades.history.pathFilter(),
          'accounts.summary': trpc.accounts.summary.pathFilter(),
          'admin.approvals': trpc.admin.approvals.list.pathFilter(),
          'admin.notifications': trpc.admin.notifications.list.pathFilter(),
          'admin.safety': trpc.admin.safety.get.pathFilter(),
        }[inv.target] as QueryFilters;
        const symbol = inv.symbol;
        const filters: QueryFilters = symbol
          ? {
              ...filter,
              predicate: (query) =>
                (query.queryKey[1] as { input?: { symbol?: string } } | undefined)?.input?.symbol === symbol,
            }
          : filter;
        // A fetch already in flight may have read the database before the event: a first load would
        // be deduplicated into it and keep the stale answer. Cancel it, then refetch from scratch.
        void queryClient.cancelQueries(filters).then(() => queryClient.invalidateQueries(filters));
      }
    },
    [trpc, queryClient],
  );

  // Live once the server says its subscription is in place ('connected', sent on every connect and
  // reconnect). That message also refetches the live views, so an event published before it is not lost.
  const [heard, setHeard] = useState(false);
  const { status, reset } = useSubscription(
    trpc.live.events.subscriptionOptions(undefined, {
      onData: (message) => {
        const event = unwrapTracked(message);
        if (event.type === 'connected') {
          setHeard(true);
          invalidate(RECONNECT_INVALIDATIONS);
          return;
        }
        invalidate(invalidationsFor(event));
      },
    }),
  );
  useEffect(() => {
    if (status !== 'pending') setHeard(false);
  }, [status]);

  // A fatal error ends the subscription: start it again after a pause.
  useEffect(() => {
    if (status !== 'error') return;
    const timer = setTimeout(reset, RETRY_AFTER_ERROR_MS);
    return () => clearTimeout(timer);
  }, [status, reset]);

  if (status === 'pending' && heard) return 'live';
  if (status === 'error') return 'offline';
  return 'connecting';
}
