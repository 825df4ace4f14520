import { useQuery } from '@tanstack/react-query';
import { formatUsd, signClass } from '../lib/format';
import { useTRPC } from '../trpc';

/** Tells the user, unmistakably, that trades are simulated. */
export function PaperBanner() {
  return (
    <div className="paper-banner" role="status" data-testid="paper-banner">
      <strong>Paper trading.</strong> Orders are simulated against live prices; no real money moves.
    </div>
  );
}

/** Balance, equity and P&L per account (paper/live × crypto/stock). */
export function AccountsStrip() {
  const trpc = useTRPC();
  const summary = useQuery(trpc.accounts.summary.queryOptions());
  if (!summary.data) return null;
  return (
    <ul className="accounts" aria-label="Accounts">
      {summary.data.accounts.map((a) => (
        <li key={`${a.mode}-${a.assetType}`} className={`account account-${a.mode}`}>
          <span className="account-name">
            {a.assetType} · {a.mode}
          </span>
          <span className="account-equity">{formatUsd(a.equity)}</span>
          <span className="small muted">cash {formatUsd(a.balance)}</span>
          <span className={`small ${signClass(a.unrealizedPnl)}`}>
            open {formatUsd(a.unrealizedPnl, { signed: true })}
          </span>
          <span className={`small ${signClass(a.realizedPnl)}`}>
            realized {formatUsd(a.realizedPnl, { signed: true })}
          </span>
        </li>
      ))}
    </ul>
  );
}
