import { existsSync } from 'node:fs';
import {
  type AnalyticsStore,
  createAnalyticsStore,
  createRemoteAnalyticsStore,
  waitForAnalyticsStore,
} from '@tradehits/analytics';
import type { Config } from '@tradehits/config';
import { createDb } from '@tradehits/db';
import { createMarketDataSources } from '@tradehits/exchange';
import type { Logger, Services } from '@tradehits/trading';
import { createMemoryBus, createRedisBus } from './events';
import { createLogger } from './log';

/**
 * Builds every adapter the configuration names (Postgres or PGlite, BigQuery or DuckDB, Redis or
 * in-memory events), migrates the stores, and returns them with one `close`.
 */
export async function createServices(
  config: Config,
  overrides: Partial<Pick<Services, 'now' | 'market' | 'log' | 'analytics'>> = {},
): Promise<Services & { close(): Promise<void> }> {
  const log: Logger = overrides.log ?? createLogger(config.LOG_LEVEL);
  const dbHandle = createDb(config.database, {
    statementTimeoutMs: config.DB_STATEMENT_TIMEOUT_MS,
    connectTimeoutMs: config.DB_CONNECT_TIMEOUT_MS,
    onConnectionError: (err) => log.warn({ err: err.message }, 'database connection lost; reconnecting'),
  });
  await dbHandle.migrate();
  const analytics = overrides.analytics ?? (await createAnalyticsStore(config));
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

/**
 * The analytics store for a process beside the server (the worker, a CLI): with DuckDB, the server
 * owns the file and serves it on its socket, so this process reaches it there; waits up to `waitMs`
 * for the socket when `required`. Null means: open the store directly (BigQuery, or no server running).
 */
export async function sharedAnalyticsStore(
  config: Config,
  options: { required: boolean; waitMs?: number },
): Promise<AnalyticsStore | null> {
  if (config.analytics.kind !== 'duckdb') return null;
  const { socket } = config.analytics;
  if (!options.required && !existsSync(socket)) return null;
  try {
    await waitForAnalyticsStore(socket, options.required ? (options.waitMs ?? 60_000) : 2_000);
  } catch (err) {
    if (options.required) throw err;
    return null;
  }
  return createRemoteAnalyticsStore(socket);
}
