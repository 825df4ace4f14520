import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createDuckDbStore } from '@tradehits/analytics/duckdb-store';
import type { AnalyticsStore } from '@tradehits/analytics/store';
import { sharedBars } from '@tradehits/analytics/testing/store-contract';
import { loadConfig } from '@tradehits/config';
import {
  audit,
  countUnreadNotifications,
  type DbHandle,
  getAccountById,
  listNotifications,
  markNotificationsRead,
  quarantineAccount,
  recordJobRuns,
  updateUser,
  upsertLiveAccount,
} from '@tradehits/db';
import { createPostgresTestDb } from '@tradehits/db/testing';
import type { LiveEvent, Services } from '@tradehits/trading';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryBus } from '../events';
import { createLogger } from '../log';

import { createPaperUser } from '../testing';
import { startTestSmtp } from '../testing/smtp';
import { alertsProcessor, FAILING_STREAK, isStale, watchApprovals } from './alerts';

const MIN = 60_000;

describe('alerts', () => {
  let db: DbHandle;
  let dir: string;
  let analytics: AnalyticsStore;
  let smtp: Awaited<ReturnType<typeof startTestSmtp>>;
  let services: Services;
  const events: LiveEvent[] = [];
  const bars = sharedBars('ETH', 50);
  const lastOpen = bars.at(-1)!.openTime;
  let now = new Date(lastOpen + 5 * MIN);

  beforeAll(async () => {
    db = await createPostgresTestDb();
    dir = await mkdtemp(path.join(tmpdir(), 'tradehits-alerts-'));
    analytics = await createDuckDbStore(path.join(dir, 'a.duckdb'));
    await analytics.migrate();
    await analytics.upsertBars('crypto', bars);
    smtp = await startTestSmtp();
    const bus = createMemoryBus();
    bus.subscribe((e) => events.push(e));
    services = {
      config: loadConfig({
        NODE_ENV: 'test',
        SMTP_URL: smtp.url,
        ALERT_EMAIL_TO: 'oncall@example.test',
        CRYPTO_SYMBOLS: 'ETH/BTC',
      }),
      db: db.db,
      analytics,
      bus,
      log: createLogger('silent'),
      market: undefined as never,
      now: () => now,
    };
  }, 60_000);

  afterAll(async () => {
    await smtp?.close();
    await analytics?.close();
    await db?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const run = () =>
    alertsProcessor({}, { services, now, attempt: 1, enqueue: async () => undefined }) as Promise<{
      created: number;
      emailed: number;
    }>;

  it('judges data stale one bar and ten seconds after the next bar was due', () => {
    const open = Date.UTC(2026, 0, 1, 12);
    expect(isStale(open, '5m', open + 10 * MIN + 10_000)).toBe(false);
    expect(isStale(open, '5m', open + 10 * MIN + 10_001)).toBe(true);
    expect(isStale(open, '1h', open + 2 * 60 * MIN)).toBe(false);
  });

  it('tells admins at once of a pending approval on the live feed', async () => {
    const stop = watchApprovals(services);
    const started = performance.now();
    services.bus.publish({
      type: 'approval',
      userId: 'u',
      approval: { id: crypto.randomUUID(), status: 'pending', tradeId: 't' },
    });
    await expect
      .poll(() => events.some((e) => e.type === 'notification'), { timeout: 1_000, interval: 10 })
      .toBe(true);
    expect(performance.now() - started).toBeLessThan(1_000);
    stop();
    const [n] = await listNotifications(db.db, 10);
    expect(n).toMatchObject({ kind: 'approval.pending', severity: 'warning', readAt: null });
  });

  it('finds failing streaks, stale data, quarantines and loss limits once each, and mails them', async () => {
    const alice = await createPaperUser(db.db, 'alice');
    const pausedUntil = new Date(now.getTime() + 3_600_000);
    await updateUser(db.db, alice.id, { pausedUntil });
    // As trading records a quarantine: the account's status, then the audit row.
    const live = await upsertLiveAccount(db.db, {
      userId: alice.id,
      assetType: 'crypto',
      venue: 'kraken',
      credentials: 'sealed',
      startBalance: 0,
    });
    await quarantineAccount(db.db, live.id, 'invalid-key');
    await audit(db.db, {
      actorId: null,
      action: 'account.quarantined',
      targetType: 'account',
      targetId: live.id,
      details: { reason: 'invalid-key' },
    });
    await recordJobRuns(db.db, [
      { job: 'market.ingest', status: 'ok', startedAt: new Date(now.getTime() - 10 * MIN) },
      ...Array.from({ length: FAILING_STREAK }, (_, i) => ({
        job: 'market.ingest',
        status: 'failed' as const,
        error: 'ETIMEDOUT',
        startedAt: new Date(now.getTime() - (5 - i) * MIN),
      })),
      // A per-symbol refusal is not a run of the job: it neither breaks nor makes a streak.
      { job: 'engine.tick', symbol: 'ETH/BTC', status: 'skipped', error: 'kill-switch' },
    ]);

    // Fresh bars: nothing stale yet.
    let result = await run();
    let kinds = (await listNotifications(db.db, 50)).map((n) => n.kind).sort();
    expect(kinds).toEqual(['account.quarantined', 'approval.pending', 'job.failing', 'user.loss-limit']);
    expect(result.emailed).toBe(4);
    expect(smtp.mails).toHaveLength(1);
    expect(smtp.mails[0]!.to).toEqual(['oncall@example.test']);
    expect(smtp.mails[0]!.body).toMatch(/Content-Type: text\/html/);
    expect(smtp.mails[0]!.body).toContain('market.ingest keeps failing');

    // Eleven minutes on, the 5m series is overdue; the known alerts are not raised or mailed again.
    now = new Date(lastOpen + 10 * MIN + 11_000);
    result = await run();
    kinds = (await listNotifications(db.db, 50)).map((n) => n.kind);
    expect(kinds.filter((k) => k === 'data.stale')).toHaveLength(1);
    expect(result).toMatchObject({ created: 1, emailed: 1 });
    expect(smtp.mails).toHaveLength(2);
    expect(smtp.mails[1]!.body).toContain('ETH/BTC 5m data is stale');
    result = await run();
    expect(result).toMatchObject({ created: 0, emailed: 0 });

    expect(await countUnreadNotifications(db.db)).toBe(5);
    expect(await markNotificationsRead(db.db, now)).toBe(5);
    expect(await countUnreadNotifications(db.db)).toBe(0);
  });

  it('tells admins of an over-hold fill and of a new quarantine after a relink, once each', async () => {
    const bob = await createPaperUser(db.db, 'bob');
    const live = await upsertLiveAccount(db.db, {
      userId: bob.id,
      assetType: 'crypto',
      venue: 'kraken',
      credentials: 'sealed',
      startBalance: 0,
    });
    await db.db.execute(
      sql`update accounts set flagged_reason = 'a fill of ETH/USD cost 1.00 USD more than the cash held for it' where id = ${live.id}`,
    );
    await audit(db.db, {
      actorId: null,
      action: 'account.flagged',
      targetType: 'account',
      targetId: live.id,
    });
    expect(await run()).toMatchObject({ created: 1, emailed: 1 });
    expect((await listNotifications(db.db, 1))[0]).toMatchObject({ kind: 'account.flagged' });

    // Alice relinks her keys (lifting the quarantine), then the venue refuses them again.
    const [alice] = (await listNotifications(db.db, 50)).filter((n) => n.kind === 'account.quarantined');
    const accountId = (alice!.detail as { accountId: string }).accountId;
    const relinked = (await getAccountById(db.db, accountId))!;
    await upsertLiveAccount(db.db, {
      userId: relinked.userId,
      assetType: relinked.assetType,
      venue: relinked.venue,
      credentials: 'resealed',
      startBalance: relinked.startBalance,
    });
    expect((await getAccountById(db.db, accountId))!.status).toBe('active');
    expect(await run()).toMatchObject({ created: 0 });
    await quarantineAccount(db.db, accountId, 'invalid-key');
    await audit(db.db, {
      actorId: null,
      action: 'account.quarantined',
      targetType: 'account',
      targetId: accountId,
    });
    expect(await run()).toMatchObject({ created: 1, emailed: 1 });
    expect(await run()).toMatchObject({ created: 0, emailed: 0 });
  });
});
