import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createDuckDbStore } from '@tradehits/analytics/duckdb-store';
import { createFileMarketData } from '@tradehits/jobs/ingest/file-source';
import { ingestBars } from '@tradehits/jobs/ingest/ingest-bars';
import autocannon from 'autocannon';
import { type BenchOptions, type BenchRow, type BenchSuite, median, minMax, round } from './lib';

/**
 * The API under load beside a bare `node:http` server measured in the same run, both separate processes
 * on 127.0.0.1 driven by autocannon from this one:
 * - cold start on a fresh data folder (PGlite created and migrated) until `health.check` answers, and the
 *   server's resident memory after the loads (embedded defaults: PGlite and DuckDB in the process);
 * - `health.check` at full speed with 50 connections (the raw server answers a 2 KB JSON), and its p95
 *   at a steady 500 requests/s;
 * - `markets.bars` 5m (2,000 bars, the dashboard's 5m chart) p95 at 100/s, and revalidated with its ETag;
 * - `trades.active` p95 at 500/s, signed in.
 * The raw server answers each path with the very bytes the API sent for it, so the ratio is the price of
 * everything the API does beyond writing those bytes. Raw and API rounds alternate.
 * `--cpu-prof <dir>` runs the API server under `node --cpu-prof` and leaves its profile there.
 */

const ROOT = path.resolve(import.meta.dirname, '../..');
const MARKET_DIR = path.resolve(ROOT, '../shared/data/market/binance-2018-01');
const SYMBOL = 'ETH/BTC';
const ROUNDS = 3;
const SECONDS = 3;
const CONNECTIONS = 50;
const ADMIN = { username: 'bench', password: 'bench-password-123' };

interface Scenario {
  name: string;
  path: string;
  /** Requests per second across all connections; unset is as fast as the server answers. */
  rate?: number;
  /** Headers beyond the session cookie. */
  headers?: Record<string, string>;
  measure: 'rps' | 'p95';
  /** Answers that count as success (a revalidation answers 304). */
  okStatus?: number;
}

/** Runs the API suite and returns its rows. */
export async function benchApi(options: BenchOptions = {}): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const scratch = mkdtempSync(path.join(tmpdir(), 'tradehits-bench-api-'));
  const children: Child[] = [];
  try {
    // Cold start: a fresh data folder each time, raw server start alternating with it.
    const cold: number[] = [];
    const rawStart: number[] = [];
    const bodiesFile = path.join(scratch, 'bodies.json');
    writeFileSync(bodiesFile, JSON.stringify({ '/': '{}' }));
    for (let run = 0; run < 2; run++) {
      const raw = await startRaw(bodiesFile);
      rawStart.push(raw.startMs);
      await raw.stop();
      const app = await startApi(path.join(scratch, `cold-${run}`), options);
      cold.push(app.startMs);
      await app.stop();
    }
    rows.push({
      name: 'cold start on a fresh data folder (until health.check answers)',
      value: round(median(cold) / 1000),
      unit: 's',
      spread: minMax(cold.map((ms) => ms / 1000)),
      ratio: median(cold) / median(rawStart),
      baseline: `raw server start ${round(median(rawStart) / 1000)} s`,
    });

    // The data the dashboard reads, written while no server holds the file.
    const dataDir = path.join(scratch, 'cold-0');
    const store = await createDuckDbStore(path.join(dataDir, 'analytics.duckdb'));
    await store.migrate();
    const ingested = await ingestBars({
      source: createFileMarketData(MARKET_DIR),
      store,
      assetType: 'crypto',
      symbols: [SYMBOL],
      timeframes: ['5m'],
    });
    await store.close();
    if (ingested.some((s) => s.error)) throw new Error(`ingest failed: ${JSON.stringify(ingested)}`);

    const app = await startApi(dataDir, options);
    children.push(app);
    const cookie = await signIn(app.url);
    const barsPath = `/trpc/markets.bars?input=${encodeURIComponent(
      JSON.stringify({ json: { symbol: SYMBOL, timeframe: '5m', limit: 2000 } }),
    )}`;
    const bars = await fetch(app.url + barsPath, { headers: { cookie } });
    if (!bars.ok) throw new Error(`markets.bars answered ${bars.status}: ${await bars.text()}`);
    const barsBody = await bars.text();
    const etag = bars.headers.get('etag');
    const trades = await fetch(`${app.url}/trpc/trades.active`, { headers: { cookie } });
    if (!trades.ok) throw new Error(`trades.active answered ${trades.status}`);
    const bodies = {
      '/': '{}',
      '/trpc/health.check': JSON.stringify({ pad: 'x'.repeat(2048 - 12) }),
      '/trpc/markets.bars': barsBody,
      '/trpc/trades.active': await trades.text(),
    };
    writeFileSync(bodiesFile, JSON.stringify(bodies));
    const raw = await startRaw(bodiesFile);
    children.push(raw);

    const scenarios: Scenario[] = [
      { name: `health.check, ${CONNECTIONS} connections`, path: '/trpc/health.check', measure: 'rps' },
      { name: 'health.check p95 at 500/s', path: '/trpc/health.check', rate: 500, measure: 'p95' },
      {
        name: `markets.bars 5m (${Math.round(barsBody.length / 1024)} KB) p95 at 100/s`,
        path: barsPath,
        rate: 100,
        measure: 'p95',
      },
      ...(etag
        ? [
            {
              name: 'markets.bars 5m revalidated (If-None-Match) p95 at 100/s',
              path: barsPath,
              rate: 100,
              headers: { 'if-none-match': etag },
              measure: 'p95' as const,
              okStatus: 304,
            },
          ]
        : []),
      { name: 'trades.active p95 at 500/s', path: '/trpc/trades.active', rate: 500, measure: 'p95' },
    ];
    for (const s of scenarios) {
      const api: LoadResult[] = [];
      const base: LoadResult[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        // The raw server ignores the cookie; asked to revalidate, it answers 304 whatever the tag.
        base.push(await load(raw.url + s.path.split('?')[0], s, { ...s.headers }));
        api.push(await load(app.url + s.path, s, { cookie, ...s.headers }));
        // Requests still queued in the server after a run must not be charged to the next one.
        await settle(app.url);
      }
      rows.push(loadRow(s, api, base));
    }

    const rss = readRss(app.process.pid!);
    const rawRss = readRss(raw.process.pid!);
    rows.push({
      name: 'server memory after the loads (RSS; peak in spread)',
      value: Math.round(rss.rss),
      unit: 'MB',
      spread: [Math.round(rss.rss), Math.round(rss.peak)],
      ratio: rss.rss / rawRss.rss,
      baseline: `raw server ${Math.round(rawRss.rss)} MB`,
    });
    return rows;
  } finally {
    for (const c of children) await c.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** The API suite for `npm run bench`. */
export const apiSuite: BenchSuite = { name: 'api', run: (options) => benchApi(options) };

interface LoadResult {
  rps: number;
  p50: number;
  p95: number;
  failed: number;
}

/** The median over rounds of what the scenario measures, with its ratio to the raw server's. */
function loadRow(s: Scenario, api: LoadResult[], base: LoadResult[]): BenchRow {
  const failed = api.reduce((n, r) => n + r.failed, 0);
  const silent = api.filter((r) => Number.isNaN(r.p95)).length;
  const note =
    (failed > 0 ? ` (${failed} failed)` : '') +
    (silent > 0 ? ` (${silent} of ${api.length} runs: no answer within ${SECONDS} s)` : '');
  // A run with no answer has no p95: the median is over the runs that had one.
  const picked = (runs: LoadResult[]) =>
    runs.map((r) => (s.measure === 'rps' ? r.rps : r.p95)).filter((x) => !Number.isNaN(x));
  const middle = (xs: number[]) => (xs.length > 0 ? median(xs) : Number.NaN);
  const value = middle(picked(api));
  const baseline = middle(picked(base));
  const unit = s.measure === 'rps' ? 'req/s' : 'ms p95';
  const digits = s.measure === 'rps' ? 0 : 2;
  return {
    name: s.name + note,
    value: round(value, digits),
    unit,
    ...(picked(api).length > 0 ? { spread: minMax(picked(api), digits) } : {}),
    ratio: value / baseline,
    baseline: `raw node:http ${round(baseline, digits)} ${unit}`,
  };
}

/** One autocannon run; latencies are collected per response so the p95 is exact. */
async function load(url: string, s: Scenario, headers: Record<string, string>): Promise<LoadResult> {
  const latencies: number[] = [];
  let failed = 0;
  const ok = s.okStatus ?? 200;
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url,
        connections: CONNECTIONS,
        duration: SECONDS,
        headers,
        ...(s.rate ? { overallRate: s.rate } : {}),
      },
      (err, res) => (err ? reject(err) : resolve(res)),
    );
    instance.on('response', (_client, status, _bytes, ms) => {
      if (status === ok) latencies.push(ms);
      else failed++;
    });
  });
  failed += result.errors + result.timeouts;
  latencies.sort((a, b) => a - b);
  const at = (q: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
  return { rps: latencies.length / SECONDS, p50: at(0.5), p95: at(0.95), failed };
}

/** Waits (up to a minute) until the server answers health.check promptly three times in a row. */
async function settle(url: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  let prompt = 0;
  while (prompt < 3 && Date.now() < deadline) {
    const started = performance.now();
    await fetch(`${url}/trpc/health.check`).then((r) => r.arrayBuffer());
    prompt = performance.now() - started < 100 ? prompt + 1 : 0;
    await new Promise((r) => setTimeout(r, 50));
  }
}

interface Child {
  url: string;
  process: ChildProcess;
  startMs: number;
  stop(): Promise<void>;
}

/** Starts the server as `npm start` does (embedded defaults, jobs off) and times it until health answers. */
async function startApi(dataDir: string, options: BenchOptions): Promise<Child> {
  const prof = options.cpuProfDir;
  return startChild(
    () => [...(prof ? ['--cpu-prof', `--cpu-prof-dir=${prof}`] : []), 'apps/server/src/main.ts'],
    {
      DATA_DIR: dataDir,
      JOBS_ENABLED: 'false',
      LOG_LEVEL: 'warn',
      NODE_ENV: 'production',
      COOKIE_SECURE: 'false',
      ADMIN_USERNAME: ADMIN.username,
      ADMIN_PASSWORD: ADMIN.password,
    },
    '/trpc/health.check',
  );
}

function startRaw(bodiesFile: string): Promise<Child> {
  return startChild((port) => ['scripts/bench/raw-server.ts', bodiesFile, String(port)], {}, '/');
}

async function startChild(
  argsFor: (port: number) => string[],
  env: Record<string, string>,
  probe: string,
): Promise<Child> {
  const port = await freePort();
  const args = argsFor(port);
  const clean = { ...process.env };
  for (const k of ['DATABASE_URL', 'REDIS_URL', 'BIGQUERY_PROJECT']) delete clean[k];
  const started = performance.now();
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], {
    cwd: ROOT,
    env: { ...clean, ...env, PORT: String(port), TURBO_TELEMETRY_DISABLED: '1' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  child.stderr!.on('data', (d) => (log += d));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
    if (child.exitCode === null) child.kill('SIGKILL');
  };
  // Generous: on a shared, busy machine a cold start has taken over a minute.
  const deadline = Date.now() + 300_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${args.at(-1)} exited ${child.exitCode}:\n${log}`);
    try {
      if ((await fetch(url + probe)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`${args.at(-1)} did not answer in time:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  return { url, process: child, startMs: performance.now() - started, stop };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** Signs the bootstrap admin in and returns the session cookie. */
async function signIn(url: string): Promise<string> {
  const res = await fetch(`${url}/trpc/auth.login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ json: ADMIN }),
  });
  if (!res.ok) throw new Error(`sign-in answered ${res.status}: ${await res.text()}`);
  const cookie = res.headers.getSetCookie().find((c) => c.startsWith('th_session='));
  if (!cookie) throw new Error('sign-in set no session cookie');
  return cookie.split(';')[0]!;
}

/** Resident and peak resident memory of a process, in MB. */
function readRss(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? NaN);
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const r of await benchApi()) console.log(r);
}
