/**
 * Calling TradeHits from a script with the typed client: every input and output below is checked
 * against the server's router at compile time.
 *
 *   npm run example:client -- --url http://127.0.0.1:3000 --username alice --password '…'
 */
import { parseArgs } from 'node:util';
import type { AppRouter } from '@tradehits/api';
import { createTRPCClient, httpBatchLink } from '@trpc/client';
import superjson from 'superjson';

const { values } = parseArgs({
  options: {
    url: { type: 'string', default: 'http://127.0.0.1:3000' },
    username: { type: 'string' },
    password: { type: 'string' },
  },
});
if (!values.username || !values.password) {
  console.error('usage: npm run example:client -- --url <server> --username <name> --password <password>');
  process.exit(2);
}

// The session lives in a cookie; a script keeps it by hand.
let cookie = '';
const client = createTRPCClient<AppRouter>({
  links: [
    httpBatchLink({
      url: `${values.url}/trpc`,
      transformer: superjson,
      headers: () => (cookie ? { cookie } : {}),
      fetch: async (input, init) => {
        const res = await fetch(input, init);
        const set = res.headers.getSetCookie?.() ?? [];
        if (set.length) cookie = set.map((c) => c.split(';')[0]).join('; ');
        return res;
      },
    }),
  ],
});

const health = await client.health.check.query();
console.log('health', health);
const me = await client.auth.login.mutate({ username: values.username, password: values.password });
console.log(`signed in as ${me.username} (${me.role})`);
const params = await client.me.parameters.list.query();
console.log(
  `${params.length} parameter set(s)`,
  params.map((p) => `${p.assetType}:${p.symbol}`),
);
await client.auth.logout.mutate();
