import { useQuery } from '@tanstack/react-query';
import { formatMoney, signClass } from '../lib/format';
import { centsToDecimal } from '../lib/pnl';
import { useTRPC } from '../trpc';

/** Tells the user, unmistakably, that trades are simulated. */
export function PaperBanner() {
  return (
    <div className="paper-banner" role="status" data-testid="paper-banner">
      <strong>Paper trading.</strong> Orders are simulated against live prices; no real money moves.
    </div>
  );
}

/**
 * The currency an account's figures are in: the one currency its trades share (a replay of BTC-quoted
 * pairs trades in BTC), or USD when it has traded none or several.
 */
export function accountCurrency(currencies: readonly string[]): string {
  const distinct = new Set(currencies);
  return distinct.size === 1 ? [...distinct][0]! : 'USD';
}

/**
 * Balance, equity and P&L per account (paper/live × crypto/stock). Realized P&L is the sum of the
 * closed trades' net P&L, fees included, so it equals what the trade table adds up to.
 */
export function AccountsStrip() {
  const trpc = useTRPC();
  const summary = useQuery(trpc.accounts.summary.queryOptions());
  const performance = useQuery(trpc.signals.performance.queryOptions());
  if (!summary.data) return null;
  return (
    <ul className="accounts" aria-label="Accounts">
      {summary.data.accounts.map((a) => {
        const perf = performance.data?.find((p) => p.accountId === a.id);
        const currency = accountCurrency(perf?.pairs.map((p) => p.currency) ?? []);
        const realized = perf ? centsToDecimal(perf.realizedCents) : null;
        return (
          <li
            key={`${a.mode}-${a.assetType}`}
            className={`account account-${a.mode}`}
            data-testid={`account-${a.assetType}-${a.mode}`}
          >
            <span className="account-name">
              {a.assetType} · {a.mode}
            </span>
            <span className="account-equity">{formatMoney(a.equity, currency)}</span>
            <span className="small muted">cash {formatMoney(a.balance, currency)}</span>
            <span className={`small ${signClass(a.unrealizedPnl)}`}>
              open {formatMoney(a.unrealizedPnl, currency, { signed: true })}
            </span>
            <span className={`small ${signClass(realized)}`} data-testid="account-realized">
              realized {formatMoney(realized, currency, { signed: true })}
            </span>
            <span className="small muted" data-testid="account-fees">
              fees (closed) {perf ? formatMoney(centsToDecimal(perf.feesCents), currency) : '—'}
            </span>
          </li>
        );
      })}
    </ul>
  );
}
