import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createDuckDbStore } from '@tradehits/analytics/duckdb-store';
import type { AnalyticsStore } from '@tradehits/analytics/store';
import { loadConfig } from '@tradehits/config';
import type { MarketDataSource } from '@tradehits/core';
import type { DbHandle } from '@tradehits/db';
import { createInProcessRunner, createLogger, createMemoryBus, processors } from '@tradehits/jobs';
import type { Services } from '@tradehits/trading';
import { SESSION_COOKIE, validateSessionToken } from './auth/session';
import { createCaller } from './root';
import { createContextInner } from './trpc';

/** A source with a fixed symbol list and no bars, for tests that never ingest. */
function staticSource(symbols: string[]): MarketDataSource {
  return { id: 'static', fetchBars: async () => [], symbols: async () => symbols };
}

/** What a test may bring to `createTestApi` instead of its defaults. */
export interface TestApiOptions {
  /** An analytics store the test opened, filled and will close (default: a fresh DuckDB file). */
  analytics?: AnalyticsStore;
  /** The market data sources (default: fixed symbol lists and no bars). */
  market?: Services['market'];
}

/**
 * A whole API over a real database (Postgres or PGlite) and a DuckDB file, callable in process the
 * way the HTTP edge calls it: `as(token)` resolves the session exactly as a request's cookie would.
 */
export async function createTestApi(
  db: DbHandle,
  env: Record<string, string> = {},
  options: TestApiOptions = {},
) {
  const dir = await mkdtemp(path.join(tmpdir(), 'tradehits-api-'));
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', DATA_DIR: dir, ...env });
  const analytics = options.analytics ?? (await createDuckDbStore(path.join(dir, 'analytics.duckdb')));
  if (!options.analytics) await analytics.migrate();
  let now = new Date();
  const services: Services = {
    config,
    db: db.db,
    analytics,
    bus: createMemoryBus(),
    log: createLogger('silent'),
    market: options.market ?? { crypto: staticSource(['BTC/USD', 'ETH/USD']), stock: staticSource(['AAPL']) },
    now: () => now,
  };
  const runner = createInProcessRunner(services, processors, { schedules: [] });

  /** A caller as an anonymous visitor; cookies it sets are collected in `cookies`. */
  function anonymous(ip = '203.0.113.7') {
    const cookies: string[] = [];
    const caller = createCaller(
      createContextInner({
        services,
        runner,
        req: { ip, userAgent: 'test', setCookie: (c) => cookies.push(c) },
      }),
    );
    return { caller, cookies };
  }

  /** A caller holding a session token, resolved like the HTTP edge does (null session when invalid). */
  async function as(token: string) {
    const s = await validateSessionToken(db.db, token, now, config.SESSION_DAYS);
    return createCaller(
      createContextInner({
        services,
        runner,
        req: { ip: '203.0.113.7', userAgent: 'test' },
        session: s ? { id: s.sessionId, expiresAt: s.expiresAt } : null,
        user: s?.user ?? null,
      }),
    );
  }

  /** Registers a user and returns a caller signed in as them, with the session token. */
  async function signUp(username: string, password = 'correct horse battery') {
    const { caller, cookies } = anonymous();
    const user = await caller.auth.register({
      username,
      email: `${username}@example.test`,
      password,
      fullName: `${username} Trader`,
    });
    const token = tokenFrom(cookies);
    return { user, token, caller: await as(token) };
  }

  return {
    services,
    runner,
    anonymous,
    as,
    signUp,
    setNow(d: Date) {
      now = d;
    },
    async close() {
      await runner.close();
      if (!options.analytics) await analytics.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** The session token from Set-Cookie headers. */
export function tokenFrom(cookies: string[]): string {
  const c = cookies.find((x) => x.startsWith(`${SESSION_COOKIE}=`));
  if (!c) throw new Error('no session cookie was set');
  return c.slice(SESSION_COOKIE.length + 1).split(';')[0]!;
}
