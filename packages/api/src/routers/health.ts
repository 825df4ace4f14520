import type { AnalyticsStore } from '@tradehits/analytics';
import type { Db } from '@tradehits/db';
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

export const healthRouter = router({
  /** Liveness of each dependency; never throws, so a monitor always gets an answer. */
  check: publicProcedure.query(async ({ ctx }) => {
    const probe = async (fn: () => Promise<unknown>) => {
      try {
        await fn();
        return 'ok';
      } catch (err) {
        return err instanceof Error ? err.message : 'unavailable';
      }
    };
    const [db, analytics] = await Promise.all([probe(dbCheck(ctx.db)), probe(analyticsCheck(ctx.analytics))]);
    return {
      ok: db === 'ok' && analytics === 'ok',
      db,
      analytics,
      analyticsKind: ctx.analytics.kind,
      jobs: ctx.runner.kind,
      time: ctx.services.now().toISOString(),
    };
  }),
});
