import { type QueryFilters, useQueryClient } from '@tanstack/react-query';
import { useSubscription } from '@trpc/tanstack-react-query';
import { useCallback, useEffect, useRef, useState } from 'react';
import {
  type BarsAnswerLike,
  barUpdateFor,
  type Invalidation,
  invalidationsFor,
  mergeBarsAnswer,
  newestOpenTime,
  RECONNECT_INVALIDATIONS,
  unwrapTracked,
} from '../lib/live';
import { useTRPC, useTRPCClient } from '../trpc';

/** Connection state of the live stream, as the header shows it. */
export type LiveStatus = 'connecting' | 'live' | 'offline';

const RETRY_AFTER_ERROR_MS = 3_000;

/**
 * Subscribes to `live.events` and turns each event into cache invalidations, so screens update with
 * no reload. After a drop (a server restart) it resubscribes and refetches what may have been missed.
 */
export function useLiveEvents(): LiveStatus {
  const trpc = useTRPC();
  const client = useTRPCClient();
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
          'signals.markers': trpc.signals.markers.pathFilter(),
          'signals.near': trpc.signals.near.pathFilter(),
          'signals.safety': trpc.signals.safety.pathFilter(),
          'signals.performance': trpc.signals.performance.pathFilter(),
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

  /**
   * A new bar extends each cached chart of its symbol and timeframe: only the bars from the newest
   * cached one on are fetched and merged in, instead of refetching whole series for every client.
   */
  const extendBars = useCallback(
    (symbol: string, timeframe: string) => {
      const queries = queryClient.getQueryCache().findAll({
        ...trpc.markets.bars.pathFilter(),
        predicate: (query) => {
          const input = (query.queryKey[1] as { input?: { symbol?: string; timeframe?: string } } | undefined)
            ?.input;
          return input?.symbol === symbol && input.timeframe === timeframe;
        },
      });
      for (const query of queries) {
        // The cache holds the server's answer (columns as JSON text); each chart's `select` reads bars.
        const cached = query.state.data as BarsAnswerLike | undefined;
        const input = (query.queryKey[1] as { input: { symbol: string; timeframe: '5m' | '1h' | '1d' } })
          .input;
        const last = cached ? newestOpenTime(cached) : null;
        if (!cached || last === null) {
          void queryClient.invalidateQueries({ queryKey: query.queryKey, exact: true });
          continue;
        }
        void client.markets.bars
          .query({ symbol: input.symbol, timeframe: input.timeframe, from: last })
          .then((fresh) =>
            queryClient.setQueryData(query.queryKey, (old: BarsAnswerLike | undefined) =>
              old ? mergeBarsAnswer(old, fresh) : old,
            ),
          )
          .catch(() => queryClient.invalidateQueries({ queryKey: query.queryKey, exact: true }));
      }
    },
    [trpc, client, queryClient],
  );

  // Live once the server says its subscription is in place ('connected', sent on every connect and
  // reconnect). The first one needs no refetch (the page has just loaded what it shows); a later one
  // means the stream was down, so the live views and anything that failed meanwhile are refetched.
  const [heard, setHeard] = useState(false);
  const connectedBefore = useRef(false);
  const { status, reset } = useSubscription(
    trpc.live.events.subscriptionOptions(undefined, {
      onData: (message) => {
        const event = unwrapTracked(message);
        if (event.type === 'connected') {
          setHeard(true);
          if (connectedBefore.current) {
            // Charts catch up on the bars they missed from their newest one, as for a live bar; the
            // other live views are refetched.
            invalidate(RECONNECT_INVALIDATIONS.filter((i) => i.target !== 'markets.bars'));
            const charts = new Map<string, [string, string]>();
            for (const query of queryClient.getQueryCache().findAll(trpc.markets.bars.pathFilter())) {
              const input = (
                query.queryKey[1] as { input?: { symbol?: string; timeframe?: string } } | undefined
              )?.input;
              if (input?.symbol && input.timeframe)
                charts.set(`${input.symbol} ${input.timeframe}`, [input.symbol, input.timeframe]);
            }
            for (const [symbol, timeframe] of charts.values()) extendBars(symbol, timeframe);
            void queryClient.refetchQueries({ type: 'active', predicate: (q) => q.state.status === 'error' });
          }
          connectedBefore.current = true;
          return;
        }
        if (event.type === 'backtest.progress' && 'runId' in event) {
          queryClient.setQueryData(['backtest-progress', event.runId], {
            done: event.done,
            total: event.total,
          });
          return;
        }
        if (event.type === 'safety' && 'killSwitch' in event && typeof event.killSwitch === 'boolean') {
          // The event carries the new state: show it at once, then refetch the rest of the strip.
          const killSwitch = event.killSwitch;
          queryClient.setQueryData(trpc.signals.safety.queryKey(), (old) =>
            old ? { ...old, killSwitch } : old,
          );
        }
        const bar = barUpdateFor(event);
        if (bar) extendBars(bar.symbol, bar.timeframe);
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
