import type { AssetType, Timeframe } from '@tradehits/core';
import { isMarketOpen } from '@tradehits/core/calendar';
import { formatCents } from '@tradehits/core/money';
import { TIMEFRAME_MS } from '@tradehits/core/types';
import {
  accountsNeedingAttention,
  failingJobStreaks,
  insertNotification,
  listApprovals,
  listUsers,
  markNotificationsEmailed,
  type NewNotification,
  type Notification,
  unmailedNotifications,
} from '@tradehits/db';
import type { Services } from '@tradehits/trading';
import { escapeHtml, type Mail, sendMails } from '../mail';
import type { Processor } from '../runner';

/** Failed runs in a row (since the last success) that make a failing-job alert. */
export const FAILING_STREAK = 3;
/** Grace after a bar is due before its absence counts as stale data. */
export const STALE_GRACE_MS = 10_000;
const DAY_MS = 86_400_000;

/**
 * Stores a notification once (by its dedupe key) and, when it is new, pushes it to every admin's live
 * feed and the log. Returns the stored row, or null when it was already known.
 */
export async function notify(services: Services, n: NewNotification): Promise<Notification | null> {
  const row = await insertNotification(services.db, n);
  if (!row) return null;
  services.log.warn({ alert: n.kind, severity: n.severity, key: n.dedupeKey }, n.title);
  services.bus.publish({
    type: 'notification',
    notification: {
      id: row.id,
      kind: row.kind,
      severity: row.severity,
      title: row.title,
      body: row.body,
      createdAt: row.createdAt.getTime(),
    },
  });
  return row;
}

function approvalNotification(a: {
  id: string;
  username?: string;
  symbol?: string;
  /** The cash held, in minor units of `currency`. */
  amount?: number;
  currency?: string;
}) {
  const what =
    a.symbol && a.amount !== undefined
      ? `${a.symbol} for ${formatCents(a.amount)} ${a.currency ?? 'USD'}`
      : 'a live order';
  return {
    kind: 'approval.pending',
    severity: 'warning' as const,
    title: 'A live order awaits approval',
    body: `${a.username ?? 'A user'}: ${what}. It expires unless an admin approves or rejects it.`,
    dedupeKey: `approval:${a.id}`,
    detail: { approvalId: a.id },
  };
}

/**
 * Turns pending approvals on the live feed into notifications as they happen (the scan in
 * `alertsProcessor` catches any this process did not see). Returns the unsubscribe function.
 */
export function watchApprovals(services: Services): () => void {
  return services.bus.subscribe((event) => {
    if (event.type !== 'approval' || event.approval.status !== 'pending') return;
    void notify(services, approvalNotification({ id: event.approval.id })).catch((err) =>
      services.log.error({ err: String(err) }, 'approval notification failed'),
    );
  });
}

/**
 * Whether a symbol's newest bar is overdue: the bar after it closes one bar after its own close, and
 * data is stale once that moment plus a grace has passed without it.
 */
export function isStale(lastOpenTime: number, timeframe: Timeframe, now: number): boolean {
  return now > lastOpenTime + 2 * TIMEFRAME_MS[timeframe] + STALE_GRACE_MS;
}

const TIMEFRAMES: Timeframe[] = ['5m', '1h', '1d'];

/** Outside the calendar's years (a replayed clock) no stock bar is due, so none can be late. */
function sessionOpen(instant: number): boolean {
  try {
    return isMarketOpen(instant);
  } catch {
    return false;
  }
}

/** Stale series: crypto at every timeframe; stocks only intraday while a regular session is open. */
async function staleSeries(services: Services, now: number) {
  const { config, analytics } = services;
  const checks: [AssetType, string[], Timeframe[]][] = [['crypto', config.CRYPTO_SYMBOLS, TIMEFRAMES]];
  // A stock bar is due only inside the session; judged an hour after the open so the first bars exist.
  if (sessionOpen(now) && sessionOpen(now - 3_600_000))
    checks.push(['stock', config.STOCK_SYMBOLS, ['5m', '1h']]);
  const stale: { assetType: AssetType; symbol: string; timeframe: Timeframe; lastOpenTime: number }[] = [];
  for (const [assetType, symbols, timeframes] of checks) {
    for (const timeframe of timeframes) {
      const last = await analytics.lastBarTimes(assetType, timeframe);
      for (const symbol of symbols) {
        // A symbol never ingested is a configuration matter, shown in the admin console, not an outage.
        const t = last.get(symbol);
        if (t !== undefined && isStale(t, timeframe, now))
          stale.push({ assetType, symbol, timeframe, lastOpenTime: t });
      }
    }
  }
  return stale;
}

/** Plain-text and HTML forms of the alert mail. */
export function alertMail(rows: Notification[], to: string[], publicUrl?: string): Mail {
  const subject =
    rows.length === 1
      ? `TradeHits alert: ${rows[0]!.title}`
      : `TradeHits: ${rows.length} alerts need attention`;
  const link = publicUrl ? `${publicUrl.replace(/\/$/, '')}/admin` : null;
  const text = [
    ...rows.map((r) => `[${r.severity}] ${r.title}\n${r.body}\n${r.createdAt.toISOString()}\n`),
    link ? `Admin console: ${link}` : '',
  ].join('\n');
  const items = rows
    .map(
      (r) =>
        `<li style="margin-bottom:12px"><strong>${escapeHtml(r.title)}</strong> <small>(${escapeHtml(r.severity)}, ${escapeHtml(r.createdAt.toISOString())})</small><br>${escapeHtml(r.body)}</li>`,
    )
    .join('');
  const html = `<!doctype html><html><body style="font-family:sans-serif"><h2>${escapeHtml(subject)}</h2><ul>${items}</ul>${
    link ? `<p><a href="${escapeHtml(link)}">Open the admin console</a></p>` : ''
  }</body></html>`;
  return { to, subject, text, html };
}

/** Mails every notification not yet mailed, in one message, to ALERT_EMAIL_TO or the active admins. */
export async function mailNotifications(services: Services): Promise<number> {
  const { config } = services;
  if (!config.SMTP_URL) return 0;
  const rows = await unmailedNotifications(services.db);
  if (rows.length === 0) return 0;
  const to = config.ALERT_EMAIL_TO.length
    ? config.ALERT_EMAIL_TO
    : (await listUsers(services.db)).filter((u) => u.role === 'admin' && u.active).map((u) => u.email);
  if (to.length === 0) return 0;
  await sendMails(config, [alertMail(rows, to, config.PUBLIC_URL)]);
  await markNotificationsEmailed(
    services.db,
    rows.map((r) => r.id),
    services.now(),
  );
  return rows.length;
}

/**
 * Every minute: finds what admins must know (pending approvals, failing job streaks, stale data,
 * quarantined accounts, users stopped by the daily loss limit), stores each once, and mails the new ones.
 */
export const alertsProcessor: Processor<'alerts.scan'> = async (_p, { services, now }) => {
  const t = now.getTime();
  const found: NewNotification[] = [];
  // A pending approval past its expiry can no longer be approved (the gate refuses it): no alert.
  for (const a of await listApprovals(services.db, 'pending'))
    if (a.expiresAt.getTime() > t) found.push(approvalNotification(a));
  for (const s of await failingJobStreaks(services.db, FAILING_STREAK, new Date(t - DAY_MS))) {
    found.push({
      kind: 'job.failing',
      severity: 'critical',
      title: `${s.job} keeps failing`,
      body: `${s.failures} failed runs in a row since ${s.startedAt.toISOString()}. Last error: ${s.lastError ?? 'none recorded'}`,
      dedupeKey: `job-streak:${s.job}:${s.startedAt.toISOString()}`,
      detail: s,
    });
  }
  for (const s of await staleSeries(services, t)) {
    found.push({
      kind: 'data.stale',
      severity: 'critical',
      title: `${s.symbol} ${s.timeframe} data is stale`,
      body: `The newest ${s.timeframe} bar opened at ${new Date(s.lastOpenTime).toISOString()}; the next one is overdue.`,
      dedupeKey: `stale:${s.symbol}:${s.timeframe}:${s.lastOpenTime}`,
      detail: s,
    });
  }
  for (const a of await accountsNeedingAttention(services.db)) {
    const which = `${a.username}'s ${a.mode} ${a.assetType} account (${a.venue})`;
    if (a.status === 'quarantined')
      found.push({
        kind: 'account.quarantined',
        severity: 'critical',
        title: 'An account was quarantined',
        body: `${which}: ${a.statusReason ?? 'the venue keeps refusing it'}. Its live orders stop until its keys are relinked.`,
        dedupeKey: `quarantine:${a.accountId}:${a.quarantineAuditId ?? a.statusReason ?? ''}`,
        detail: {
          accountId: a.accountId,
          userId: a.userId,
          reason: a.statusReason,
          auditId: a.quarantineAuditId,
        },
      });
    if (a.flaggedReason)
      found.push({
        kind: 'account.flagged',
        severity: 'critical',
        title: 'A fill cost more than the cash held',
        body: `${which}: ${a.flaggedReason}. The fill was booked; check the account's balance.`,
        dedupeKey: `flagged:${a.accountId}:${a.flagAuditId ?? a.flaggedReason}`,
        detail: { accountId: a.accountId, userId: a.userId, reason: a.flaggedReason, auditId: a.flagAuditId },
      });
  }
  for (const u of await listUsers(services.db)) {
    if (!u.pausedUntil || u.pausedUntil.getTime() <= t) continue;
    found.push({
      kind: 'user.loss-limit',
      severity: 'warning',
      title: `${u.username} hit the daily loss limit`,
      body: `No new trades for ${u.username} until ${u.pausedUntil.toISOString()}.`,
      dedupeKey: `loss-limit:${u.id}:${u.pausedUntil.toISOString()}`,
      detail: { userId: u.id, pausedUntil: u.pausedUntil.toISOString() },
    });
  }
  let created = 0;
  for (const n of found) if (await notify(services, n)) created++;
  const emailed = await mailNotifications(services);
  return { found: found.length, created, emailed };
};
