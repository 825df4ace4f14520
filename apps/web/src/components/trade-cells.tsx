import { formatMoney, formatPct, signClass } from '../lib/format';
import type { Column } from './data-table';

type Amount = string | number | null | undefined;

/** A trade's status as a coloured tag; "pending_approval" reads "pending approval". */
export function TradeStatus({ status }: { status: string }) {
  return <span className={`status status-${status}`}>{status.replace('_', ' ')}</span>;
}

/**
 * A right-aligned P&L column: the signed amount in the trade's quote currency over the signed
 * percentage, green or red by the sign.
 */
export function pnlColumn<T>(
  label: string,
  pnl: (row: T) => { usd: Amount; pct: Amount; currency?: string },
): Column<T> {
  return {
    label,
    className: 'num',
    cellClassName: (row) => `num ${signClass(pnl(row).usd)}`,
    cell: (row) => {
      const { usd, pct, currency } = pnl(row);
      return (
        <>
          {formatMoney(usd, currency ?? 'USD', { signed: true })}
          <br />
          <small>{formatPct(pct, { signed: true })}</small>
        </>
      );
    },
  };
}
