import { sql } from 'drizzle-orm';
import { publicProcedure, router } from '../trpc';

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
    const [db, analytics] = await Promise.all([
      probe(() => ctx.db.execute(sql`select 1`)),
      probe(() => ctx.analytics.countBars({ timeframe: '1d' })),
    ]);
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
