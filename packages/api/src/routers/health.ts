import type { AnalyticsStore } from '@tradehits/analytics';
import type { Db } from '@tradehits/db';
import type { JobRunner } from '@tradehits/jobs';
import type { Services } from '@tradehits/trading';
import { sql } from 'drizzle-orm';
import { publicProcedure, router } from '../trpc';
import { ttlCache } from '../ttl-cache';

/**
 * How long one analytics lookup answers for. The endpoint is public and on BigQuery every lookup is a
 * billed query, so probes, however frequent, cost at most one query per store per process this often.
 */
const ANALYTICS_CHECK_TTL_MS = 30_000;

const analyticsChecks = new WeakMap<AnalyticsStore, () => Promise<unknown>>();

/**
 * How long one database ping answers for. A load balancer or monitor may probe many times a second, and
 * on PGlite every ping runs on the server's own thread; a second is still fresh for an outage.
 */
const DB_CHECK_TTL_MS = 1_000;

const dbChecks = new WeakMap<Db, () => Promise<unknown>>();

/** The shared, cached ping that shows `db` answers. */
function dbCheck(db: Db): () => Promise<unknown> {
  let check = dbChecks.get(db);
  if (!check) {
    check = ttlCache(DB_CHECK_TTL_MS, () => db.execute(sql`select 1`));
    dbChecks.set(db, check);
  }
  return check;
}

/** The shared, cached lookup that shows `store` answers. */
function analyticsCheck(store: AnalyticsStore): () => Promise<unknown> {
  let check = analyticsChecks.get(store);
  if (!check) {
    check = ttlCache(ANALYTICS_CHECK_TTL_MS, () => store.countBars({ timeframe: '1d' }));
    analyticsChecks.set(store, check);
  }
  return check;
}

/** 'ok', or why the dependency is down; never slower than `timeoutMs`, never a throw. */
async function probe(fn: () => Promise<unknown>, timeoutMs: number): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(`no answer within ${timeoutMs} ms`), timeoutMs);
  });
  const answer = fn().then(
    () => 'ok',
    // Driver messages name what failed ("connection refused"); they carry no SQL for `select 1`.
    (err: unknown) => (err instanceof Error ? err.message.split('\n')[0]!.slice(0, 200) : 'unavailable'),
  );
  try {
    return await Promise.race([answer, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Each dependency's state: what health.check and the readiness path report. */
export async function checkHealth(services: Services, runner: JobRunner) {
  const ms = services.config.HEALTH_TIMEOUT_MS;
  const [db, analytics, queue] = await Promise.all([
    probe(dbCheck(services.db), ms),
    probe(analyticsCheck(services.analytics), ms),
    probe(() => runner.ping(), ms),
  ]);
  return {
    ok: db === 'ok' && analytics === 'ok' && queue === 'ok',
    db,
    analytics,
    /** The job queue backend (Redis under BullMQ). */
    queue,
    analyticsKind: services.analytics.kind,
    jobs: runner.kind,
    time: services.now().toISOString(),
  };
}

export type HealthReport = Awaited<ReturnType<typeof checkHealth>>;

export const healthRouter = router({
  /**
   * The state of each dependency, within a few seconds whatever is down; never throws, so a monitor
   * always gets an answer (over HTTP, status 503 when `ok` is false).
   */
  check: publicProcedure.query(({ ctx }) => checkHealth(ctx.services, ctx.runner)),
});
