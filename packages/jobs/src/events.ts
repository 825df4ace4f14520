import { EventEmitter } from 'node:events';
import type { Detection } from '@tradehits/core';
import { Redis } from 'ioredis';

/** What the live feed carries to the browser. `userId` scopes an event to one user; absent means everyone. */
export type LiveEvent =
  | { type: 'bar'; symbol: string; timeframe: string; openTime: number }
  | { type: 'detection'; detection: Detection }
  | {
      type: 'trade.opened' | 'trade.closed';
      userId: string;
      trade: { id: string; symbol: string; status: string };
    }
  | { type: 'approval'; userId?: string; approval: { id: string; status: string; tradeId: string } }
  | { type: 'safety'; killSwitch: boolean }
  /** For admins only: something needs their attention (see processors/alerts.ts). */
  | {
      type: 'notification';
      notification: {
        id: string;
        kind: string;
        severity: string;
        title: string;
        body: string;
        createdAt: number;
      };
    };

/** Publish/subscribe for live events: in memory in one process, Redis pub/sub across processes. */
export interface EventBus {
  publish(event: LiveEvent): void;
  subscribe(listener: (event: LiveEvent) => void): () => void;
  close(): Promise<void>;
}

export function createMemoryBus(): EventBus {
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  return {
    publish: (e) => void emitter.emit('event', e),
    subscribe(listener) {
      emitter.on('event', listener);
      return () => emitter.off('event', listener);
    },
    close: async () => void emitter.removeAllListeners(),
  };
}

const CHANNEL = 'tradehits:events';

/** Redis-backed bus: the worker publishes, every server instance relays to its SSE clients. */
export function createRedisBus(redisUrl: string): EventBus {
  const pub = new Redis(redisUrl, { lazyConnect: true });
  const sub = new Redis(redisUrl, { lazyConnect: true });
  const local = createMemoryBus();
  let subscribed = false;
  sub.on('message', (_channel, message) => {
    try {
      local.publish(JSON.parse(message) as LiveEvent);
    } catch {
      // A malformed message from another process is dropped, never allowed to kill the relay.
    }
  });
  return {
    publish: (e) => void pub.publish(CHANNEL, JSON.stringify(e)).catch(() => undefined),
    subscribe(listener) {
      if (!subscribed) {
        subscribed = true;
        void sub.subscribe(CHANNEL);
      }
      return local.subscribe(listener);
    },
    async close() {
      await local.close();
      pub.disconnect();
      sub.disconnect();
    },
  };
}
