import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AssetType, Timeframe } from '@tradehits/core';
import { TIMEFRAME_MS } from '@tradehits/core/types';
import { platformGauges } from '@tradehits/db';
import { type JobName, type JobRunner, jobQueue } from '@tradehits/jobs';
import { KILL_SWITCH_KEY, type Services } from '@tradehits/trading';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** Gauges read from the stores are refreshed at most this often, however often Prometheus scrapes. */
const STORE_READ_MS = 10_000;
/** The circuit breaker counts as tripped for a symbol refused within this window (two 5m ticks). */
const BREAKER_WINDOW_MS = 10 * 60_000;
const TIMEFRAMES: Timeframe[] = ['5m', '1h', '1d'];
const ASSET_TYPES: AssetType[] = ['crypto', 'stock'];
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** What a procedure call reports when it ends (see the logging middleware in packages/api). */
export interface ProcedureTiming {
  path: string;
  type: string;
  durationMs: number;
  ok: boolean;
}

/**
 * Prometheus metrics for `GET /metrics`: request and procedure latency measured as they happen, and
 * platform state (jobs, ingestion freshness, trades, approvals, paper results, safety switches) read
 * from the stores when scraped.
 */
export function createMetrics(services: Services, runner: JobRunner) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'tradehits_process_' });

  const http = new Histogram({
    name: 'tradehits_http_request_duration_seconds',
    help: 'HTTP requests by route and status.',
    labelNames: ['method', 'route', 'status'],
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const procedure = new Histogram({
    name: 'tradehits_trpc_procedure_duration_seconds',
    help: 'tRPC procedure calls by procedure, type and outcome.',
    labelNames: ['procedure', 'type', 'outcome'],
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const scrapeErrors = new Counter({
    name: 'tradehits_metrics_store_read_errors_total',
    help: 'Scrapes whose store reads failed (the gauges then keep their last values).',
    registers: [registry],
  });

  const gauge = (name: string, help: string, labelNames: string[] = []) =>
    new Gauge({ name, help, labelNames, registers: [registry] });
  const jobRuns = gauge('tradehits_job_runs_last_day', 'Job runs over the last 24 h.', [
    'queue',
    'job',
    'status',
  ]);
  const queueJobs = gauge('tradehits_queue_jobs', 'Jobs in each queue by state.', ['queue', 'state']);
  const barAge = gauge(
    'tradehits_ingest_last_bar_age_seconds',
    'Seconds since the newest stored bar closed.',
    ['asset_type', 'symbol', 'timeframe'],
  );
  const tradesGauge = gauge(
    'tradehits_trades',
    'Trades by status and mode (opened = open, closed = closed).',
    ['status', 'mode'],
  );
  const pendingApprovals = gauge('tradehits_pending_approvals', 'Live orders awaiting an admin.');
  const paperWinRate = gauge('tradehits_paper_win_rate', 'Share of closed paper trades with a profit (0–1).');
  const paperPnl = gauge('tradehits_paper_realized_pnl_usd', 'Realized P&L of closed paper trades, in USD.');
  const paperClosed = gauge('tradehits_paper_closed_trades', 'Closed paper trades.');
  const breaker = gauge(
    'tradehits_circuit_breaker_tripped',
    'Symbols whose engine tick the volatility circuit breaker refused in the last 10 minutes.',
    ['symbol'],
  );
  const killSwitch = gauge('tradehits_kill_switch', 'The global kill switch (1 = on: no new trades).');

  let lastRead = 0;
  let reading: Promise<void> | null = null;

  async function readStores() {
    const now = services.now();
    const [g, queues] = await Promise.all([
      platformGauges(services.db, now, {
        killSwitchKey: KILL_SWITCH_KEY,
        breakerWindowMs: BREAKER_WINDOW_MS,
      }),
      runner.health(),
    ]);
    jobRuns.reset();
    for (const r of g.jobRuns)
      jobRuns.set({ queue: jobQueue[r.job as JobName] ?? 'unknown', job: r.job, status: r.status }, r.count);
    queueJobs.reset();
    for (const q of queues)
      for (const state of ['waiting', 'active', 'delayed', 'completed', 'failed'] as const)
        queueJobs.set({ queue: q.name, state }, q[state]);
    tradesGauge.reset();
    for (const t of g.trades) tradesGauge.set({ status: t.status, mode: t.mode }, t.count);
    pendingApprovals.set(g.pendingApprovals);
    paperClosed.set(g.paper.closed);
    paperWinRate.set(g.paper.closed ? g.paper.wins / g.paper.closed : 0);
    paperPnl.set(g.paper.realizedPnl);
    breaker.reset();
    for (const symbol of g.circuitBreaker) breaker.set({ symbol }, 1);
    killSwitch.set(g.killSwitch ? 1 : 0);
    barAge.reset();
    for (const assetType of ASSET_TYPES)
      for (const timeframe of TIMEFRAMES)
        for (const [symbol, openTime] of await services.analytics.lastBarTimes(assetType, timeframe))
          barAge.set(
            { asset_type: assetType, symbol, timeframe },
            (now.getTime() - openTime - TIMEFRAME_MS[timeframe]) / 1000,
          );
  }

  /** Reads the stores once per STORE_READ_MS; concurrent scrapes share one read. */
  async function refresh() {
    if (Date.now() - lastRead < STORE_READ_MS) return;
    reading ??= readStores()
      .then(() => {
        lastRead = Date.now();
      })
      .catch((err) => {
        scrapeErrors.inc();
        services.log.warn({ err: String(err) }, 'metrics: store read failed');
      })
      .finally(() => {
        reading = null;
      });
    await reading;
  }

  return {
    registry,
    /** Records one HTTP request; `route` is a fixed label (never the raw URL, whose values are unbounded). */
    observeRequest(method: string, route: string, status: number, seconds: number) {
      http.observe({ method, route, status: String(status) }, seconds);
    },
    observeProcedure(t: ProcedureTiming) {
      procedure.observe(
        { procedure: t.path, type: t.type, outcome: t.ok ? 'ok' : 'error' },
        t.durationMs / 1000,
      );
    },
    /** `GET /metrics`. */
    async handle(_req: IncomingMessage, res: ServerResponse) {
      await refresh();
      res.writeHead(200, { 'content-type': registry.contentType }).end(await registry.metrics());
    },
  };
}

export type Metrics = ReturnType<typeof createMetrics>;

/** The route label of a request path: a fixed set, so label cardinality stays bounded. */
export function routeOf(url: string | undefined): string {
  const p = (url ?? '/').split('?')[0]!;
  if (p.startsWith('/trpc/')) return '/trpc';
  if (p === '/metrics' || p === '/healthz' || p === '/readyz') return p;
  if (p.startsWith('/assets/')) return '/assets';
  return 'spa';
}
