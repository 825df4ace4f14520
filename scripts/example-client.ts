/**
 * Calling TradeHits from a script with the typed client: every input and output below is checked
 * against the server's router at compile time.
 *
 *   npm run example:client -- --url http://127.0.0.1:3000 --username alice --password '…'
 */
import { parseArgs } from 'node:util';
import { createNodeClient } from '@tradehits/api/client';
import { parseBarColumns } from '@tradehits/core/bar-columns';

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

const client = createNodeClient(values.url);
console.log('health', await client.health.check.query());
const me = await client.auth.login.mutate({ username: values.username, password: values.password });
console.log(`signed in as ${me.username} (${me.role})`);

const params = await client.me.parameters.list.query();
console.log(
  `${params.length} parameter set(s):`,
  params.map((p) => `${p.assetType}:${p.symbol}`).join(', ') || 'none',
);

const [symbol] = await client.markets.symbols.query({ assetType: 'crypto' });
if (symbol) {
  const bars = parseBarColumns((await client.markets.bars.query({ symbol, timeframe: '1h', limit: 3 })).json);
  console.log(`${symbol} last hourly closes:`, bars.close);
}
const [scored] = await client.sentiment.analyze.mutate({ texts: ['Bitcoin rallies as ETF inflows surge'] });
console.log('sentiment of a headline:', scored);
await client.auth.logout.mutate();
