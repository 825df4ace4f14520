import type { AnalyticsStore } from '@tradehits/analytics';
import type { DbHandle } from '@tradehits/db';
import { createPostgresTestDb } from '@tradehits/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApi } from './testing';

/** The store with its `countBars` (the health lookup) counted, and made to fail while `failing` is set. */
function watched(store: AnalyticsStore) {
  const state = { lookups: 0, failing: null as Error | null };
  const proxy = new Proxy(store, {
    get(target, key, receiver) {
      if (key !== 'countBars') return Reflect.get(target, key, receiver);
      return async (filter?: Parameters<AnalyticsStore['countBars']>[0]) => {
        state.lookups++;
        if (state.failing) throw state.failing;
        return target.countBars(filter);
      };
    },
  });
  return { store: proxy, state };
}

describe('health.check', () => {
  let db: DbHandle;
  let api: Awaited<ReturnType<typeof createTestApi>>;
  let real: AnalyticsStore;
  beforeAll(async () => {
    db = await createPostgresTestDb();
    api = await createTestApi(db);
    real = api.services.analytics;
  });
  afterAll(async () => {
    api.services.analytics = real;
    await api?.close();
    await db?.close();
  });

  it('answers a burst of anonymous probes with one analytics lookup', async () => {
    const { store, state } = watched(real);
    api.services.analytics = store;
    const answers = await Promise.all(
      Array.from({ length: 40 }, () => api.anonymous().caller.health.check()),
    );
    for (const answer of answers) {
      expect(answer).toEqual({
        ok: true,
        db: 'ok',
        analytics: 'ok',
        queue: 'ok',
        analyticsKind: 'duckdb',
        jobs: 'in-process',
        time: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
      });
    }
    // And the probes after the burst are answered from it too.
    await api.anonymous().caller.health.check();
    expect(state.lookups).toBe(1);
  });

  it('reports a failing store on every probe and sees it recover, without caching the failure', async () => {
    const { store, state } = watched(real);
    api.services.analytics = store;
    state.failing = new Error('analytics store unreachable');
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => api.anonymous().caller.health.check()),
    );
    for (const answer of answers) {
      expect(answer).toMatchObject({ ok: false, db: 'ok', analytics: 'analytics store unreachable' });
    }
    expect(state.lookups).toBe(1);

    state.failing = null;
    expect(await api.anonymous().caller.health.check()).toMatchObject({ ok: true, analytics: 'ok' });
    expect(state.lookups).toBe(2);
  });
});
