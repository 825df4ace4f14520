import { randomBytes } from 'node:crypto';
import { Agent, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';

const USAGE = `Usage: npm run loadtest -- --url http://127.0.0.1:3000 --duration SECONDS
  [--connections 16] [--users 8] [--symbol ETH/BTC] [--json]

Replays the seed's read mix against a running server on this machine: bars 3 : sentiment 2 :
active trades 1, each connection signed in as one of --users fresh accounts (registered first).
Prints requests, rps and p50/p95/p99 latency per procedure, beside a raw node:http server answering
the same client in the same run (the ceiling the machine allows). Sends nothing beyond 127.0.0.1.`;

interface Target {
  procedure: string;
  path: string;
}

interface Stats {
  latencies: number[];
  errors: number;
}

const agent = new Agent({ keepAlive: true, maxSockets: 1024 });

/** One HTTP request; resolves with the status, headers and body. */
function send(
  url: URL,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: options.method ?? 'GET', headers: options.headers ?? {}, agent },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

/** Registers a fresh user and returns its session cookie. */
async function signUp(base: URL, i: number): Promise<string> {
  const name = `load${randomBytes(4).toString('hex')}${i}`;
  const res = await send(new URL('/trpc/auth.register', base), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      json: {
        username: name,
        email: `${name}@load.test`,
        fullName: `Load ${i}`,
        password: `load password ${name}`,
      },
    }),
  });
  const cookie = ([] as string[]).concat(res.headers['set-cookie'] ?? [])[0]?.split(';')[0];
  if (res.status !== 200 || !cookie)
    throw new Error(`registering ${name} failed (${res.status}): ${res.body.slice(0, 200)}`);
  return cookie;
}

const query = (procedure: string, input?: unknown): Target => ({
  procedure,
  path: `/trpc/${procedure}${input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify({ json: input }))}`}`,
});

/** `connections` loops sending `cycle` in order until the deadline; latency recorded per procedure. */
async function drive(base: URL, cycle: Target[], cookies: string[], connections: number, seconds: number) {
  const stats = new Map<string, Stats>(cycle.map((t) => [t.procedure, { latencies: [], errors: 0 }]));
  const deadline = performance.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: connections }, async (_, c) => {
      const headers = cookies.length ? { cookie: cookies[c % cookies.length]! } : undefined;
      for (let i = c; performance.now() < deadline; i++) {
        const target = cycle[i % cycle.length]!;
        const s = stats.get(target.procedure)!;
        const t0 = performance.now();
        try {
          const res = await send(new URL(target.path, base), headers ? { headers } : {});
          if (res.status === 200) s.latencies.push(performance.now() - t0);
          else s.errors++;
        } catch {
          s.errors++;
        }
      }
    }),
  );
  return { stats, elapsed: (performance.now() - started) / 1000 };
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function summarize(stats: Map<string, Stats>, elapsed: number) {
  const rows = [...stats].map(([procedure, s]) => {
    const sorted = [...s.latencies].sort((a, b) => a - b);
    return {
      procedure,
      requests: sorted.length,
      errors: s.errors,
      rps: sorted.length / elapsed,
      p50: percentile(sorted, 50),
      p95: percentile(sorted, 95),
      p99: percentile(sorted, 99),
    };
  });
  const all = [...stats.values()].flatMap((s) => s.latencies).sort((a, b) => a - b);
  rows.push({
    procedure: 'all',
    requests: all.length,
    errors: [...stats.values()].reduce((n, s) => n + s.errors, 0),
    rps: all.length / elapsed,
    p50: percentile(all, 50),
    p95: percentile(all, 95),
    p99: percentile(all, 99),
  });
  return rows;
}

/** A raw node:http server answering a small JSON body: the same client's ceiling on this machine. */
async function baseline(connections: number, seconds: number) {
  const body = JSON.stringify({ result: { data: { json: { ok: true } } } });
  const server = createServer((_req, res) =>
    res.writeHead(200, { 'content-type': 'application/json' }).end(body),
  );
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  try {
    const { stats, elapsed } = await drive(
      base,
      [{ procedure: 'raw node:http', path: '/' }],
      [],
      connections,
      seconds,
    );
    return summarize(stats, elapsed)[0]!;
  } finally {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      url: { type: 'string' },
      duration: { type: 'string' },
      connections: { type: 'string', default: '16' },
      users: { type: 'string', default: '8' },
      symbol: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const duration = Number(values.duration);
  const connections = Number(values.connections);
  const users = Number(values.users);
  if (
    !values.url ||
    !(duration > 0 && duration <= 600) ||
    !(connections >= 1 && connections <= 512) ||
    !(users >= 1 && users <= 100)
  ) {
    process.stderr.write(
      `--url and --duration (1–600 s) are required; --connections 1–512; --users 1–100.\n\n${USAGE}\n`,
    );
    return 2;
  }
  const base = new URL(values.url);
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(base.hostname)) {
    process.stderr.write(`The load test only targets this machine (127.0.0.1), not ${base.hostname}.\n`);
    return 2;
  }
  const cookies: string[] = [];
  for (let i = 0; i < users; i++) cookies.push(await signUp(base, i));
  let symbol = values.symbol;
  if (!symbol) {
    const latest = await send(new URL(query('markets.latest', { assetType: 'crypto' }).path, base), {
      headers: { cookie: cookies[0]! },
    });
    symbol = (JSON.parse(latest.body) as { result?: { data?: { json?: { symbol: string }[] } } }).result?.data
      ?.json?.[0]?.symbol;
    symbol ??= 'BTC/USD';
  }
  const bars = query('markets.bars', { symbol, timeframe: '5m', limit: 300 });
  const sentiment = query('sentiment.aggregated', { symbol });
  const active = query('trades.active');
  const cycle = [bars, sentiment, bars, sentiment, bars, active];

  const app = await drive(base, cycle, cookies, connections, duration);
  const rows = summarize(app.stats, app.elapsed);
  const raw = await baseline(connections, duration);
  const result = { url: base.origin, duration, connections, users, symbol, procedures: rows, baseline: raw };

  if (values.json) process.stdout.write(`${JSON.stringify(result)}\n`);
  else {
    const f = (n: number) => (Number.isNaN(n) ? '—' : n.toFixed(1));
    const line = (r: (typeof rows)[number]) =>
      `| ${r.procedure.padEnd(22)} | ${String(r.requests).padStart(8)} | ${String(r.errors).padStart(6)} | ${f(r.rps).padStart(8)} | ${f(r.p50).padStart(7)} | ${f(r.p95).padStart(7)} | ${f(r.p99).padStart(7)} |`;
    process.stdout.write(
      [
        `${base.origin}, ${duration} s, ${connections} connections, ${users} users, symbol ${symbol}; latency in ms`,
        '',
        '| procedure              | requests | errors |      rps |     p50 |     p95 |     p99 |',
        '| ---------------------- | -------: | -----: | -------: | ------: | ------: | ------: |',
        ...rows.map(line),
        line(raw),
        '',
        `the app serves ${((rows.at(-1)!.rps / raw.rps) * 100).toFixed(1)} % of the raw node:http rate on this machine`,
        '',
      ].join('\n'),
    );
  }
  return rows.some((r) => r.errors > 0) ? 1 : 0;
}

main().then(
  (code) => {
    agent.destroy();
    process.exitCode = code;
  },
  (err) => {
    agent.destroy();
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
