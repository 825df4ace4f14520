import type { LiveEvent } from '@tradehits/trading';
import { TRPCError, tracked } from '@trpc/server';
import { authedProcedure, router } from '../trpc';

const HEARTBEAT_MS = 15_000;

/** What the stream sends: bus events, plus its own connected and heartbeat messages. */
export type LiveMessage = LiveEvent | { type: 'connected' | 'heartbeat'; at: number };

/** Which events a user may see: their own trades and approvals, and everything market-wide. */
function visibleTo(event: LiveEvent, userId: string, isAdmin: boolean): boolean {
  if (event.type === 'trade.opened' || event.type === 'trade.closed') return event.userId === userId;
  if (event.type === 'backtest.progress') return event.userId === userId;
  if (event.type === 'account') return isAdmin || event.userId === userId;
  if (event.type === 'approval') return isAdmin || event.userId === userId;
  if (event.type === 'notification') return isAdmin;
  return true;
}

/** Open streams per user in this process; each holds a socket, a bus listener and a queue. */
const openStreams = new Map<string, number>();

export const liveRouter = router({
  /**
   * The live feed over SSE: bars, detections, trades and approvals as they happen, with a heartbeat so
   * proxies keep the stream open. Ids are tracked, so a reconnecting client resumes cleanly.
   */
  events: authedProcedure.subscription(async function* ({ ctx, signal }) {
    const userId = ctx.user.id;
    const open = openStreams.get(userId) ?? 0;
    if (open >= ctx.config.LIVE_STREAMS_PER_USER) {
      throw new TRPCError({
        code: 'TOO_MANY_REQUESTS',
        message: `At most ${ctx.config.LIVE_STREAMS_PER_USER} live streams at once: close another tab.`,
      });
    }
    openStreams.set(userId, open + 1);
    const queue: LiveEvent[] = [];
    let wake: (() => void) | null = null;
    const isAdmin = ctx.user.role === 'admin';
    const unsubscribe = ctx.bus.subscribe((event) => {
      if (!visibleTo(event, userId, isAdmin)) return;
      queue.push(event);
      wake?.();
    });
    // One abort listener for the stream's life (one per wait would pile up on a long-lived stream).
    const onAbort = () => wake?.();
    signal?.addEventListener('abort', onAbort, { once: true });
    let seq = 0;
    try {
      // Sent once the bus subscription is in place: a client refetches what it shows on this message,
      // so nothing published before it (or during a reconnect) is missed, and nothing after it is.
      yield tracked<LiveMessage>(`${Date.now()}-${seq++}`, { type: 'connected', at: Date.now() });
      while (!signal?.aborted) {
        if (queue.length === 0) {
          let timer: NodeJS.Timeout | undefined;
          await new Promise<void>((resolve) => {
            wake = resolve;
            timer = setTimeout(resolve, HEARTBEAT_MS);
            if (signal?.aborted) resolve();
          });
          clearTimeout(timer);
          wake = null;
        }
        if (signal?.aborted) break;
        const event = queue.shift();
        yield tracked<LiveMessage>(`${Date.now()}-${seq++}`, event ?? { type: 'heartbeat', at: Date.now() });
      }
    } finally {
      signal?.removeEventListener('abort', onAbort);
      unsubscribe();
      const left = (openStreams.get(userId) ?? 1) - 1;
      if (left > 0) openStreams.set(userId, left);
      else openStreams.delete(userId);
    }
  }),
});
