import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createDuckDbStore } from '@tradehits/analytics/duckdb-store';
import { createPostgresTestDb } from '@tradehits/db/testing';
import { createFileMarketData } from '@tradehits/jobs/ingest/file-source';
import { ingestBars } from '@tradehits/jobs/ingest/ingest-bars';
import autocannon from 'autocannon';
import { build } from 'esbuild';
import { type BenchOptions, type BenchRow, type BenchSuite, median, minMax, round } from './lib';

/**
 * The API under load beside a bare `node:http` server measured in the same run, both separate processes
 * on 127.0.0.1 driven by autocannon from this one, both started as plain JavaScript the way production
 * starts them (the server from the bundle `npm start` runs, built first; the raw server bundled alike):
 * - cold start on a fresh data folder (PGlite created and migrated) until `health.check` answers, and the
 *   server's resident memory after the loads (embedded defaults: PGlite and DuckDB in the process);
 * - `health.check` at full speed with 50 connections (the raw server answers a 2 KB JSON), and its p95
 *   at a steady 500 requests/s;
 * - `markets.bars` 5m (2,000 bars, the dashboard's 5m chart) p95 at 100/s, and revalidated with its ETag;
 * - `sentiment.aggregated` (the dashboard's sentiment panel, two analytics reads) p95 at 500/s, signed in;
 * - `trades.active` p95 at 500/s, signed in.
 * - the same bars as a browser asks for them (`Accept-Encoding: gzip, deflate, br`): compressed once per
 *   ETag by the server, once at start by the raw server;
 * - for each load, the server's CPU time per call (from /proc, beside the raw server's), and where that
 *   CPU goes: after the measured runs a second server runs each load again under `node --cpu-prof`, and
 *   its samples in that load's time window are summed by who spent them (tRPC adapter, PGlite, …).
 * The raw server answers each path with the very bytes the API sent for it, so the ratio is the price of
 * everything the API does beyond writing those bytes. Raw and API rounds alternate.
 * `--cpu-prof <dir>` runs the measured API server under `node --cpu-prof` too and leaves its profile there.
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
  /** Also profiled, to show where the server's CPU goes. */
  profile?: boolean;
}

/** Browsers' Accept-Encoding. */
const BROWSER_ENCODINGS = 'gzip, deflate, br, zstd';

/** Runs the API suite and returns its rows. */
export async function benchApi(options: BenchOptions = {}): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const scratch = mkdtempSync(path.join(tmpdir(), 'tradehits-bench-api-'));
  const children: Child[] = [];
  try {
    const rawScript = await bundleProcesses(scratch);
    // Cold start: a fresh data folder each time, raw server start alternating with it.
    const cold: number[] = [];
    const rawStart: number[] = [];
    const bodiesFile = path.join(scratch, 'bodies.json');
    writeFileSync(bodiesFile, JSON.stringify({ '/': '{}' }));
    for (let run = 0; run < 2; run++) {
      const raw = await startRaw(rawScript, bodiesFile);
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
    const sentimentPath = `/trpc/sentiment.aggregated?input=${encodeURIComponent(
      JSON.stringify({ json: { symbol: SYMBOL } }),
    )}`;
    const sentiment = await fetch(app.url + sentimentPath, { headers: { cookie } });
    if (!sentiment.ok) throw new Error(`sentiment.aggregated answered ${sentiment.status}`);
    const bodies = {
      '/': '{}',
      '/trpc/health.check': JSON.stringify({ pad: 'x'.repeat(2048 - 12) }),
      '/trpc/markets.bars': barsBody,
      '/trpc/trades.active': await trades.text(),
      '/trpc/sentiment.aggregated': await sentiment.text(),
    };
    writeFileSync(bodiesFile, JSON.stringify(bodies));
    const raw = await startRaw(rawScript, bodiesFile);
    children.push(raw);

    const brotli = await fetch(app.url + barsPath, {
      headers: { cookie, 'accept-encoding': BROWSER_ENCODINGS },
    });
    const brotliKb = Math.round(Number(brotli.headers.get('content-length')) / 1024);
    await brotli.arrayBuffer();
    const scenarios: Scenario[] = [
      {
        name: `health.check, ${CONNECTIONS} connections`,
        path: '/trpc/health.check',
        measure: 'rps',
        profile: true,
      },
      { name: 'health.check p95 at 500/s', path: '/trpc/health.check', rate: 500, measure: 'p95' },
      {
        name: `markets.bars 5m (${Math.round(barsBody.length / 1024)} KB) p95 at 100/s`,
        path: barsPath,
        rate: 100,
        measure: 'p95',
      },
      {
        name: `markets.bars 5m as browsers ask (${brotli.headers.get('content-encoding') ?? 'identity'}, ${brotliKb} KB) p95 at 100/s`,
        path: barsPath,
        rate: 100,
        headers: { 'accept-encoding': BROWSER_ENCODINGS },
        measure: 'p95',
        profile: true,
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
      { name: 'sentiment.aggregated p95 at 500/s', path: sentimentPath, rate: 500, measure: 'p95' },
      {
        name: 'trades.active p95 at 500/s',
        path: '/trpc/trades.active',
        rate: 500,
        measure: 'p95',
        profile: true,
      },
    ];
    const cpuPerCall = new Map<Scenario, { api: number; raw: number }>();
    for (const s of scenarios) {
      const api: LoadResult[] = [];
      const base: LoadResult[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        // The raw server ignores the cookie; asked to revalidate, it answers 304 whatever the tag.
        base.push(await load(raw.url + s.path.split('?')[0], s, { ...s.headers }, raw.process.pid!));
        api.push(await load(app.url + s.path, s, { cookie, ...s.headers }, app.process.pid!));
        // Requests still queued in the server after a run must not be charged to the next one.
        await settle(app.url);
      }
      rows.push(loadRow(s, api, base));
      const perCall = (runs: LoadResult[]) => median(runs.map((r) => r.cpuMs / Math.max(1, r.calls)));
      cpuPerCall.set(s, { api: perCall(api), raw: perCall(base) });
    }

    // A backtest computes on a worker thread: other calls must not wait for it. health.check's p95
    // while backtests of every stored bar run back to back, beside the same load with none running.
    const health: Scenario = { name: 'health.check', path: '/trpc/health.check', rate: 100, measure: 'p95' };
    const idle: LoadResult[] = [];
    const busy: LoadResult[] = [];
    let backtests = 0;
    for (let round = 0; round < ROUNDS; round++) {
      idle.push(await load(app.url + health.path, health, { cookie }, app.process.pid!));
      await settle(app.url);
      let running = true;
      const backtesting = (async () => {
        while (running) {
          const res = await fetch(`${app.url}/trpc/backtest.run`, {
            method: 'POST',
            headers: { cookie, 'content-type': 'application/json' },
            body: JSON.stringify({ json: { symbols: [SYMBOL] } }),
          });
          if (!res.ok) throw new Error(`backtest.run answered ${res.status}: ${await res.text()}`);
          await res.arrayBuffer();
          backtests++;
        }
      })();
      busy.push(await load(app.url + health.path, health, { cookie }, app.process.pid!));
      running = false;
      await backtesting;
      await settle(app.url);
    }
    const p95s = (runs: LoadResult[]) => runs.map((r) => r.p95).filter((x) => !Number.isNaN(x));
    rows.push({
      name: `health.check p95 at 100/s while backtests of every stored ${SYMBOL} 5m bar run back to back (${backtests} done)`,
      value: round(median(p95s(busy)), 2),
      unit: 'ms p95',
      spread: minMax(p95s(busy), 2),
      ratio: median(p95s(busy)) / median(p95s(idle)),
      baseline: `the same load with no backtest ${round(median(p95s(idle)), 2)} ms p95`,
    });

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

    // Where the CPU goes: the profiled loads run on a second server, after the measured one has stopped.
    await app.stop();
    const profiled = scenarios.filter((s) => s.profile);
    const windows = await profileLoads(dataDir, scratch, profiled);
    for (const s of profiled) {
      const cpu = cpuPerCall.get(s)!;
      const shares = windows.get(s)!;
      rows.push({
        name: `${s.name.replace(/ p95 at.*|, \d+ connections/, '')}: server CPU per call; ${shares}`,
        value: round(cpu.api, 3),
        unit: 'ms CPU',
        ratio: cpu.api / cpu.raw,
        baseline: `raw node:http ${round(cpu.raw, 3)} ms CPU`,
      });
    }

    // PGlite's share: the same trades load and memory with PostgreSQL (DATABASE_URL) in its place.
    const postgres = await createPostgresTestDb();
    try {
      const onPostgres = await startApi(dataDir, {}, { DATABASE_URL: postgres.url });
      children.push(onPostgres);
      const pgCookie = await signIn(onPostgres.url);
      const trades = scenarios.at(-1)!;
      const api: LoadResult[] = [];
      const base: LoadResult[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        base.push(await load(raw.url + trades.path, trades, {}, raw.process.pid!));
        api.push(
          await load(onPostgres.url + trades.path, trades, { cookie: pgCookie }, onPostgres.process.pid!),
        );
        await settle(onPostgres.url);
      }
      rows.push(loadRow({ ...trades, name: `${trades.name}, PostgreSQL in place of PGlite` }, api, base));
      const pgRss = readRss(onPostgres.process.pid!);
      rows.push({
        name: 'server memory after the loads, PostgreSQL in place of PGlite (RSS; peak in spread)',
        value: Math.round(pgRss.rss),
        unit: 'MB',
        spread: [Math.round(pgRss.rss), Math.round(pgRss.peak)],
        ratio: pgRss.rss / rawRss.rss,
        baseline: `raw server ${Math.round(rawRss.rss)} MB`,
      });
      await onPostgres.stop();
    } finally {
      await postgres.close();
    }
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
  /** Answers that counted, and the CPU the serving process spent (user + system) over the run. */
  calls: number;
  cpuMs: number;
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
async function load(
  url: string,
  s: Scenario,
  headers: Record<string, string>,
  pid: number,
): Promise<LoadResult> {
  const cpuBefore = readCpuMs(pid);
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
  return {
    rps: latencies.length / SECONDS,
    p50: at(0.5),
    p95: at(0.95),
    failed,
    calls: latencies.length,
    cpuMs: readCpuMs(pid) - cpuBefore,
  };
}

/** CPU time (user + system) a process has used, in ms, from /proc (clock ticks of 10 ms). */
function readCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime and stime are the 14th and 15th fields; the slice starts at the 3rd.
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/**
 * Runs each scenario once more against a server under `node --cpu-prof`, and sums each one's samples
 * in its time window by who spent them. The profile's clock is the monotonic clock `process.hrtime`
 * reads, so windows taken here select the child's samples. Returns each scenario's shares as text.
 */
async function profileLoads(
  dataDir: string,
  scratch: string,
  scenarios: Scenario[],
): Promise<Map<Scenario, string>> {
  const dir = path.join(scratch, 'profile');
  const app = await startApi(dataDir, { cpuProfDir: dir });
  const cookie = await signIn(app.url);
  const windows = new Map<Scenario, [number, number]>();
  try {
    for (const s of scenarios) {
      await settle(app.url);
      const started = Number(process.hrtime.bigint() / 1000n);
      await load(app.url + s.path, s, { cookie, ...s.headers }, app.process.pid!);
      windows.set(s, [started, Number(process.hrtime.bigint() / 1000n)]);
    }
  } finally {
    await app.stop();
  }
  const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  if (!file) throw new Error('the profiled server wrote no profile');
  const profile = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as CpuProfile;
  return new Map(scenarios.map((s) => [s, describeShares(cpuShares(profile, windows.get(s)!))]));
}

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string }; children?: number[] }[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** Who spent a sample: the first frame from the leaf up that says so; Node's own frames pass it upward. */
const SPENDERS: [RegExp, string][] = [
  [/@electric-sql\/pglite|^wasm/, 'PGlite'],
  [/@duckdb/, 'DuckDB'],
  [/@trpc\/server/, 'tRPC adapter'],
  [/superjson/, 'superjson'],
  [/drizzle-orm/, 'drizzle'],
  [/\/pino|pino-std|sonic-boom/, 'logging'],
  [/prom-client/, 'metrics'],
  [/\/zod\//, 'zod'],
  [/node_modules/, 'other packages'],
  [/\/dist\/main\.js/, 'our code'],
];

/** Milliseconds of CPU per spender within `[from, to]` µs (idle excluded). */
function cpuShares(profile: CpuProfile, [from, to]: [number, number]): Map<string, number> {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const spender = new Map<number, string>();
  const spenderOf = (leaf: number): string => {
    const known = spender.get(leaf);
    if (known) return known;
    let found = 'node internals';
    for (let id: number | undefined = leaf; id !== undefined; id = parent.get(id)) {
      const { functionName, url } = byId.get(id)!.callFrame;
      if (functionName === '(idle)') found = 'idle';
      else if (functionName === '(garbage collector)') found = 'GC';
      else if (/^writev?$|^write(Buffer|Utf8String|Latin1String)$/.test(functionName) && !url)
        found = 'socket writes';
      else if (/node:net|stream_base_commons/.test(url)) found = 'socket writes';
      else if (/node:_http_|_http_common/.test(url)) found = 'node:http';
      else {
        const hit = SPENDERS.find(([pattern]) => pattern.test(url) || pattern.test(functionName));
        if (!hit) continue;
        found = hit[1];
      }
      break;
    }
    spender.set(leaf, found);
    return found;
  };
  const ms = new Map<string, number>();
  let t = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i]!;
    if (t < from || t > to) continue;
    const who = spenderOf(profile.samples[i]!);
    if (who !== 'idle') ms.set(who, (ms.get(who) ?? 0) + profile.timeDeltas[i]! / 1000);
  }
  return ms;
}

/** "PGlite 41 %, tRPC adapter 20 %, …": the largest shares of the busy CPU. */
function describeShares(ms: Map<string, number>): string {
  const busy = [...ms.values()].reduce((a, b) => a + b, 0);
  return [...ms]
    .sort((a, b) => b[1] - a[1])
    .filter(([, v]) => v / busy >= 0.03)
    .map(([who, v]) => `${who} ${Math.round((v / busy) * 100)} %`)
    .join(', ');
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

/**
 * Builds the server's bundle as `npm start` does, and bundles the raw server into `scratch`, so that
 * neither start pays for compiling TypeScript. Returns the raw server's script.
 */
async function bundleProcesses(scratch: string): Promise<string> {
  const server = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      'scripts/bundle.ts',
      '--out',
      'apps/server/dist',
      '--pglite-template',
      'apps/server/src/main.ts',
      'packages/db/src/migrate-cli.ts',
    ],
    { cwd: ROOT, encoding: 'utf8' },
  );
  if (server.status !== 0) throw new Error(`bundling the server failed:\n${server.stderr}`);
  const rawScript = path.join(scratch, 'raw-server.mjs');
  await build({
    entryPoints: [path.join(import.meta.dirname, 'raw-server.ts')],
    outfile: rawScript,
    bundle: true,
    platform: 'node',
    format: 'esm',
    logLevel: 'warning',
  });
  return rawScript;
}

/** Starts the server as `npm start` does (embedded defaults, jobs off) and times it until health answers. */
async function startApi(
  dataDir: string,
  options: BenchOptions,
  env: Record<string, string> = {},
): Promise<Child> {
  const prof = options.cpuProfDir;
  return startChild(
    () => [
      ...(prof ? ['--cpu-prof', `--cpu-prof-dir=${prof}`] : []),
      '--enable-source-maps',
      'apps/server/dist/main.js',
    ],
    {
      DATA_DIR: dataDir,
      JOBS_ENABLED: 'false',
      LOG_LEVEL: 'warn',
      NODE_ENV: 'production',
      COOKIE_SECURE: 'false',
      ADMIN_USERNAME: ADMIN.username,
      ADMIN_PASSWORD: ADMIN.password,
      ...env,
    },
    '/trpc/health.check',
  );
}

function startRaw(script: string, bodiesFile: string): Promise<Child> {
  return startChild((port) => [script, bodiesFile, String(port)], {}, '/');
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
  const child = spawn(process.execPath, args, {
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
