import { formatCents } from '@tradehits/core/money';
import { closedTradesBetween, listUsers, markReportEmailed, upsertReport } from '@tradehits/db';
import { paperCostsDescribed, type Services } from '@tradehits/trading';
import { escapeHtml, type Mail, sendMails } from '../mail';
import type { Processor } from '../runner';

const DAY_MS = 86_400_000;

type ClosedTrade = Awaited<ReturnType<typeof closedTradesBetween>>[number];

/** Totals over a set of closed trades, summed in minor units and reported as decimal strings. */
export function summarizeTrades(trades: ClosedTrade[]) {
  const pnls = trades.map((t) => t.pnl ?? 0);
  const total = pnls.reduce((a, b) => a + b, 0);
  const wins = pnls.filter((p) => p > 0).length;
  const best = trades.length ? trades[pnls.indexOf(Math.max(...pnls))]! : null;
  const worst = trades.length ? trades[pnls.indexOf(Math.min(...pnls))]! : null;
  const pick = (t: ClosedTrade | null) =>
    t ? { id: t.id, symbol: t.symbol, pnl: t.pnl === null ? null : formatCents(t.pnl) } : null;
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
  // Paper results depend on the fees and slippage they were filled with: the report names the model.
  const paper = {
    day,
    ...summarizeTrades(closed.filter((t) => t.isPaper)),
    costs: paperCostsDescribed(services.config),
  };
  const users = await listUsers(services.db);
  const beta = {
    day,
    users: users
      .filter((u) => u.role === 'beta_user')
      .map((u) => ({
        username: u.username,
        ...summarizeTrades(closed.filter((t) => t.userId === u.id)),
        cryptoBalance: formatCents(u.cryptoBalance),
        stockBalance: formatCents(u.stockBalance),
      })),
  };
  const stored = [
    await upsertReport(services.db, { kind: 'paper-daily', day, body: paper }),
    await upsertReport(services.db, { kind: 'beta-daily', day, body: beta }),
  ];
  let emailed = 0;
  const { SMTP_URL, REPORT_EMAIL_TO } = services.config;
  if (SMTP_URL && REPORT_EMAIL_TO.length) {
    for (const report of stored) {
      if (report.emailedAt) continue;
      const body = report.kind === 'paper-daily' ? paperMail(paper) : betaMail(beta);
      await sendMails(services.config, [{ to: REPORT_EMAIL_TO, ...body }]);
      await markReportEmailed(services.db, report.id, services.now());
      emailed++;
    }
  }
  return { day, paperTrades: paper.trades, betaUsers: beta.users.length, emailed };
}

type Summary = ReturnType<typeof summarizeTrades>;
const pct = (share: number | null) => (share === null ? '—' : `${(share * 100).toFixed(1)} %`);
const usd = (amount: string | null | undefined) => (amount == null ? '—' : `${amount} USD`);

/** The rows both forms of a report mail show for one set of trades. */
function summaryRows(s: Summary): [string, string][] {
  return [
    ['Closed trades', String(s.trades)],
    ['Wins / losses', `${s.wins} / ${s.losses}`],
    ['Win rate', pct(s.winRate)],
    ['Total P&L', usd(s.totalPnl)],
    ['Average P&L', usd(s.averagePnl)],
    ['Best', s.best ? `${s.best.symbol} ${usd(s.best.pnl)}` : '—'],
    ['Worst', s.worst ? `${s.worst.symbol} ${usd(s.worst.pnl)}` : '—'],
  ];
}

const textTable = (rows: [string, string][]) => rows.map(([k, v]) => `  ${k.padEnd(16)} ${v}`).join('\n');
const htmlTable = (rows: [string, string][]) =>
  `<table cellpadding="4" style="border-collapse:collapse">${rows
    .map(([k, v]) => `<tr><th align="left">${escapeHtml(k)}</th><td align="right">${escapeHtml(v)}</td></tr>`)
    .join('')}</table>`;
const page = (title: string, inner: string) =>
  `<!doctype html><html><body style="font-family:sans-serif"><h2>${escapeHtml(title)}</h2>${inner}</body></html>`;

/** The paper-trading report as a readable mail (text and HTML). */
export function paperMail(paper: Summary & { day: string; costs: string }): Omit<Mail, 'to'> {
  const subject = `TradeHits paper trading on ${paper.day}`;
  const rows: [string, string][] = [...summaryRows(paper), ['Fills costed by', paper.costs]];
  return { subject, text: `${subject}\n\n${textTable(rows)}\n`, html: page(subject, htmlTable(rows)) };
}

/** The beta users' report: one section per user with their results and balances. */
export function betaMail(beta: {
  day: string;
  users: (Summary & { username: string; cryptoBalance: string; stockBalance: string })[];
}): Omit<Mail, 'to'> {
  const subject = `TradeHits beta users on ${beta.day}`;
  const sections = beta.users.map((u) => ({
    title: u.username,
    rows: [
      ...summaryRows(u),
      ['Crypto balance', usd(u.cryptoBalance)],
      ['Stock balance', usd(u.stockBalance)],
    ] as [string, string][],
  }));
  const empty = 'No beta users yet.';
  return {
    subject,
    text: `${subject}\n\n${sections.length ? sections.map((s) => `${s.title}\n${textTable(s.rows)}`).join('\n\n') : empty}\n`,
    html: page(
      subject,
      sections.length
        ? sections.map((s) => `<h3>${escapeHtml(s.title)}</h3>${htmlTable(s.rows)}`).join('')
        : `<p>${empty}</p>`,
    ),
  };
}

export const dailyReportsProcessor: Processor<'reports.daily'> = (_p, { services, now }) =>
  runDailyReports(services, now);
