import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '@tradehits/config';
import { putSetting, recordJobRuns } from '@tradehits/db';
import { createPostgresTestDb } from '@tradehits/db/testing';
import { createLogger, createRunner, createServices } from '@tradehits/jobs';
import { KILL_SWITCH_KEY } from '@tradehits/trading';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpServer } from './http';
import { createMetrics } from './metrics';

describe('GET /metrics', () => {
  let db: Awaited<ReturnType<typeof createPostgresTestDb>>;
  let dir: string;
  let services: Awaited<ReturnType<typeof createServices>>;
  let server: ReturnType<typeof createHttpServer>;
  let url = '';

  beforeAll(async () => {
    db = await createPostgresTestDb();
    dir = await mkdtemp(path.join(tmpdir(), 'tradehits-metrics-'));
    services = await createServices(loadConfig({ NODE_ENV: 'test', DATABASE_URL: db.url, DATA_DIR: dir }), {
      log: createLogger('silent'),
    });
    const runner = createRunner(services, { consume: false });
    server = createHttpServer(services, runner, path.join(dir, 'web'), {
      metrics: createMetrics(services, runner),
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }, 60_000);

  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise((r) => server?.close(r));
    await services?.close();
    await db?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('reports request and procedure latency, jobs and safety state in Prometheus format', async () => {
    await putSetting(services.db, KILL_SWITCH_KEY, true, null);
    await recordJobRuns(services.db, [
      { job: 'market.ingest', status: 'failed', error: 'x' },
      { job: 'engine.tick', symbol: 'ETH/BTC', status: 'skipped', error: 'circuit-breaker' },
    ]);
    const health = await fetch(`${url}/trpc/health.check`);
    expect(health.headers.get('x-request-id')).toMatch(/^[\w-]{8,}$/);

    const res = await fetch(`${url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    expect(text).toMatch(
      /tradehits_trpc_procedure_duration_seconds_count\{procedure="health\.check",type="query",outcome="ok"\} 1/,
    );
    expect(text).toMatch(
      /tradehits_http_request_duration_seconds_count\{method="GET",route="\/trpc",status="200"\} 1/,
    );
    expect(text).toMatch(
      /tradehits_job_runs_last_day\{queue="market",job="market\.ingest",status="failed"\} 1/,
    );
    expect(text).toContain('tradehits_kill_switch 1');
    expect(text).toContain('tradehits_circuit_breaker_tripped{symbol="ETH/BTC"} 1');
    expect(text).toContain('tradehits_pending_approvals 0');
    expect(text).toContain('tradehits_paper_win_rate 0');
    expect(text).toMatch(/tradehits_queue_jobs\{queue="engine",state="active"\} 0/);
  });
});
