import { useQuery } from '@tanstack/react-query';
import { formatUsd, formatUtc } from '../lib/format';
import { centsToDecimal } from '../lib/pnl';
import { useTRPC } from '../trpc';

/**
 * What stops the trader's entries right now, pushed live: the kill switch, a pause and a quarantined
 * account (as alerts), today's loss against the live limit, and whether sentiment is judged at all.
 */
export function SafetyStrip() {
  const trpc = useTRPC();
  const safety = useQuery(trpc.signals.safety.queryOptions());
  const s = safety.data;
  if (!s) return null;
  const halted = s.killSwitch || s.paused || s.pausedUntil !== null || s.quarantined.length > 0;
  return (
    <div
      className={halted ? 'safety-strip safety-halted' : 'safety-strip'}
      data-testid="safety-strip"
      data-kill-switch={s.killSwitch}
      data-paused={s.paused || s.pausedUntil !== null}
      data-quarantined={s.quarantined.length}
    >
      {s.killSwitch ? (
        <strong role="alert" data-testid="kill-switch-on">
          Trading halted: the kill switch is on. No new entries for anyone.
        </strong>
      ) : s.paused ? (
        <strong role="alert">Your trading is paused by an admin. No new entries.</strong>
      ) : s.pausedUntil ? (
        <strong role="alert">Paused after today's loss limit until {formatUtc(s.pausedUntil)}.</strong>
      ) : s.quarantined.length === 0 ? (
        <span>Auto-trading allowed</span>
      ) : null}
      {s.quarantined.map((q) => (
        <strong role="alert" key={`${q.mode}-${q.assetType}`} data-testid="account-quarantined">
          Your {q.mode} {q.assetType} account is quarantined: {q.reason ?? 'the venue refused it'}. Relink
          your keys in Settings to trade it again.
        </strong>
      ))}
      <span className="muted small">
        live loss today {formatUsd(centsToDecimal(s.dailyLoss.liveUsedCents))} of{' '}
        {formatUsd(centsToDecimal(s.dailyLoss.liveLimitCents))}
      </span>
      <span className="muted small" data-testid="sentiment-state">
        {s.sentiment.label}
      </span>
    </div>
  );
}
