import { formatCents, toCents } from '@tradehits/core/money';
import { closedTradesBetween, listUsers, markReportEmailed, upsertReport } from '@tradehits/db';
import type { Services } from '@tradehits/trading';
import nodemailer from 'nodemailer';
import type { Processor } from '../runner';

const DAY_MS = 86_400_000;

type ClosedTrade = Awaited<ReturnType<typeof closedTradesBetween>>[number];

/** Totals over a set of closed trades, money in decimal strings summed as cents. */
export function summarizeTrades(trades: ClosedTrade[]) {
  const pnls = trades.map((t) => toCents(Number(t.pnl ?? 0)));
  const total = pnls.reduce((a, b) => a + b, 0);
  const wins = pnls.filter((p) => p > 0).length;
  const best = trades.length ? trades[pnls.indexOf(Math.max(...pnls))]! : null;
  const worst = trades.length ? trades[pnls.indexOf(Math.min(...pnls))]! : null;
  const pick = (t: ClosedTrade | null) => (t ? { id: t.id, symbol: t.symbol, pnl: t.pnl } : null);
  return {
    trades: trades.length,
    wins,
    losses: pnls.filter((p) => p < 0).length,
    winRate: trades.length ? wins / trades.length : null,
    totalPnl: formatCents(total),
    averagePnl: trades.length ? formatCents(Math.round(total / trades.length)) : null,
    best: pick(best),
    worst: pick(worst),
  };
}

/**
 * The daily reports for the UTC day before `now`: paper trading as a whole, and each beta user's
 * trades, P&L and balance. Stored once per kind and day (a re-run replaces them), mailed when SMTP is set.
 */
export async function runDailyReports(services: Services, now: Date) {
  const dayEnd = Math.floor(now.getTime() / DAY_MS) * DAY_MS;
  const from = new Date(dayEnd - DAY_MS);
  const day = from.toISOString().slice(0, 10);
  const closed = await closedTradesBetween(services.db, from, new Date(dayEnd));
  const paper = { day, ...summarizeTrades(closed.filter((t) => t.isPaper)) };
  const users = await listUsers(services.db);
  const beta = {
    day,
    users: users
      .filter((u) => u.role === 'beta_user')
      .map((u) => ({
        username: u.username,
        ...summarizeTrades(closed.filter((t) => t.userId === u.id)),
        cryptoBalance: u.cryptoBalance,
        stockBalance: u.stockBalance,
      })),
  };
  const stored = [
    await upsertReport(services.db, { kind: 'paper-daily', day, body: paper }),
    await upsertReport(services.db, { kind: 'beta-daily', day, body: beta }),
  ];
  let emailed = 0;
  const { SMTP_URL, REPORT_EMAIL_TO, REPORT_EMAIL_FROM } = services.config;
  if (SMTP_URL && REPORT_EMAIL_TO.length) {
    const transport = nodemailer.createTransport(SMTP_URL);
    for (const report of stored) {
      if (report.emailedAt) continue;
      await transport.sendMail({
        from: REPORT_EMAIL_FROM,
        to: REPORT_EMAIL_TO,
        subject: `TradeHits ${report.kind} report for ${day}`,
        text: JSON.stringify(report.body, null, 2),
      });
      await markReportEmailed(services.db, report.id, services.now());
      emailed++;
    }
    transport.close();
  }
  return { day, paperTrades: paper.trades, betaUsers: beta.users.length, emailed };
}

export const dailyReportsProcessor: Processor<'reports.daily'> = (_p, { services, now }) =>
  runDailyReports(services, now);
