import { createTRPCClient, httpBatchLink, httpSubscriptionLink, splitLink } from '@trpc/client';
import { EventSource } from 'eventsource';
import superjson from 'superjson';
import type { AppRouter } from './root';

/**
 * The typed client for scripts and tests in Node: batched HTTP for queries and mutations, SSE for
 * subscriptions, and the session cookie kept between calls the way a browser keeps it.
 */
export function createNodeClient(baseUrl: string) {
  let cookie = '';
  const fetchWithCookies: typeof fetch = async (input, init) => {
    const headers = new Headers(init?.headers);
    if (cookie) headers.set('cookie', cookie);
    const res = await fetch(input, { ...init, headers });
    const set = res.headers.getSetCookie();
    if (set.length) cookie = set.map((c) => c.split(';')[0]).join('; ');
    return res;
  };
  // Node 20 has no EventSource; the `eventsource` package's takes the same cookie-aware fetch.
  class CookieEventSource extends EventSource {
    constructor(url: string | URL, init?: EventSourceInit) {
      super(url, { ...init, fetch: (u, i) => fetchWithCookies(u, i) });
    }
  }
  const url = `${baseUrl.replace(/\/$/, '')}/trpc`;
  const client = createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === 'subscription',
        true: httpSubscriptionLink({ url, transformer: superjson, EventSource: CookieEventSource }),
        false: httpBatchLink({ url, transformer: superjson, fetch: fetchWithCookies }),
      }),
    ],
  });
  return Object.assign(client, { cookie: () => cookie });
}
