import { loadConfig } from '@tradehits/config';
import {
  closePosition,
  createUser,
  type DbHandle,
  ensurePaperAccounts,
  listReports,
  openPosition,
  updateUser,
} from '@tradehits/db';
import { createPostgresTestDb } from '@tradehits/db/testing';
import type { Services } from '@tradehits/trading';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryBus } from '../events';
import { createLogger } from '../log';
import { startTestSmtp } from '../testing/smtp';
import { runDailyReports } from './reports';

const DAY = 86_400_000;

describe('daily reports', () => {
  let db: DbHandle;
  let smtp: Awaited<ReturnType<typeof startTestSmtp>>;

  beforeAll(async () => {
    db = await createPostgresTestDb();
    smtp = await startTestSmtp();
  });
  afterAll(async () => {
    await smtp.close();
    await db.close();
  });

  it("reports yesterday's paper trading and each beta user, stores both, and mails them once", async () => {
    const now = new Date('2026-11-25T00:05:00Z');
    const yesterday = new Date(now.getTime() - DAY / 2);
    const services: Services = {
      config: loadConfig({ NODE_ENV: 'test', SMTP_URL: smtp.url, REPORT_EMAIL_TO: 'ops@example.test' }),
      db: db.db,
      analytics: undefined as never, // reports read only the relational store
      bus: createMemoryBus(),
      log: createLogger('silent'),
      market: undefined as never,
      now: () => now,
    };
    const beta = (await createUser(db.db, {
      username: 'betty',
      email: 'b@x.test',
      passwordHash: 'x',
      fullName: 'B',
      balance: 100_000,
    }))!;
    await updateUser(db.db, beta.id, { role: 'beta_user' });
    await ensurePaperAccounts(db.db, beta.id, 100_000);
    for (const [i, [exitPrice, proceeds]] of (
      [
        ['110', 11_000],
        ['95', 9500],
      ] as const
    ).entries()) {
      const opened = await openPosition(db.db, {
        userId: beta.id,
        assetType: 'crypto',
        mode: 'paper',
        symbol: 'ETH/BTC',
        clientOrderId: `r-${i}`,
        status: 'open',
        maxConcurrentTrades: 5,
        amount: 10_000,
        entryFee: 26,
        quantity: '1',
        entryPrice: '100',
        entryTime: yesterday,
        takeProfitPrice: '110',
        stopLossPrice: '95',
        currency: 'BTC',
        executionReason: 'lowest-point',
      });
      if (!opened.ok) throw new Error(opened.reason);
      await closePosition(db.db, {
        tradeId: opened.trade.id,
        exitPrice,
        exitTime: yesterday,
        exitFee: 30,
        proceeds,
        exitReason: 'x',
      });
    }

    const result = await runDailyReports(services, now);
    expect(result).toMatchObject({ day: '2026-11-24', paperTrades: 2, betaUsers: 1, emailed: 2 });
    const reports = await listReports(db.db);
    const paper = reports.find((r) => r.kind === 'paper-daily')!.body as Record<string, unknown>;
    // +9.44 and −5.56 net of fees
    expect(paper).toMatchObject({
      trades: 2,
      wins: 1,
      losses: 1,
      winRate: 0.5,
      totalPnl: '3.88',
      averagePnl: '1.94',
      costs: expect.stringMatching(/^range-volume costs: taker 0\.26 %/),
    });
    expect(paper.best).toMatchObject({ pnl: '9.44' });
    expect(paper.worst).toMatchObject({ pnl: '-5.56' });
    const betaReport = reports.find((r) => r.kind === 'beta-daily')!.body as {
      users: Record<string, unknown>[];
    };
    expect(betaReport.users).toEqual([
      expect.objectContaining({ username: 'betty', trades: 2, totalPnl: '3.88' }),
    ]);
    expect(smtp.mails).toHaveLength(2);
    expect(smtp.mails[0]!.to).toEqual(['ops@example.test']);
    const paperMail = smtp.mails.map((m) => m.body).find((b) => b.includes('paper trading on 2026-11-24'))!;
    // Readable in both forms, never the stored JSON.
    expect(paperMail).toMatch(/Content-Type: text\/plain/);
    expect(paperMail).toMatch(/Content-Type: text\/html/);
    expect(paperMail).toContain('3.88 USD');
    expect(paperMail).toContain('50.0 %');
    expect(paperMail).toContain('Fills costed by');
    expect(paperMail).not.toContain('"totalPnl"');

    // A re-run replaces the stored reports and does not mail them again.
    await runDailyReports(services, now);
    expect((await listReports(db.db)).filter((r) => r.day === '2026-11-24')).toHaveLength(2);
    expect(smtp.mails).toHaveLength(2);
  });
});
