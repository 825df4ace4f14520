import { createAnalyticsStore } from '@tradehits/analytics';
import type { Config } from '@tradehits/config';
import { createDb } from '@tradehits/db';
import { createMarketDataSources } from '@tradehits/exchange';
import type { Services } from '@tradehits/trading';
import { createMemoryBus, createRedisBus } from './events';
import { createLogger } from './log';

/**
 * Builds every adapter the configuration names (Postgres or PGlite, BigQuery or DuckDB, Redis or
 * in-memory events), migrates the stores, and returns them with one `close`.
 */
export async function createServices(
  config: Config,
  overrides: Partial<Pick<Services, 'now' | 'market' | 'log'>> = {},
): Promise<Services & { close(): Promise<void> }> {
  const log = overrides.log ?? createLogger(config.LOG_LEVEL);
  const dbHandle = createDb(config.database, {
    statementTimeoutMs: config.DB_STATEMENT_TIMEOUT_MS,
    connectTimeoutMs: config.DB_CONNECT_TIMEOUT_MS,
    onConnectionError: (err) => log.warn({ err: err.message }, 'database connection lost; reconnecting'),
  });
  await dbHandle.migrate();
  const analytics = await createAnalyticsStore(config);
  await analytics.migrate();
  const bus = config.jobs.kind === 'bullmq' ? createRedisBus(config.jobs.redisUrl) : createMemoryBus();
  const market =
    overrides.market ??
    createMarketDataSources(config, {
      // A replay continues from the newest stored 5-minute bar, so bars arrive right away.
      replayStartAt: async () => {
        const times = [...(await analytics.lastBarTimes('crypto', '5m')).values()];
        return times.length ? Math.max(...times) + 5 * 60_000 : null;
      },
    });
  return {
    config,
    db: dbHandle.db,
    analytics,
    bus,
    log,
    market,
    now: overrides.now ?? (() => new Date()),
    async close() {
      await bus.close();
      await analytics.close();
      await dbHandle.close();
    },
  };
}
