import { EventEmitter } from 'node:events';
import type { EventBus, LiveEvent } from '@tradehits/trading';
import { Redis } from 'ioredis';

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
