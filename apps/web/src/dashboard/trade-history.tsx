import { useInfiniteQuery } from '@tanstack/react-query';
import { DataTable } from '../components/data-table';
import { QueryView } from '../components/states';
import { pnlColumn, TradeStatus } from '../components/trade-cells';
import { formatMoney, formatPrice, formatQuantity, formatUtc } from '../lib/format';
import { centsToDecimal } from '../lib/pnl';
import { type RouterOutputs, useTRPC } from '../trpc';

type ClosedTrade = RouterOutputs['trades']['history']['items'][number];

const PAGE_SIZE = 20;

/** Entry plus exit fee, summed in cents so decimal strings add exactly. */
function tradeFees(t: { entryFee: string; exitFee: string }): string {
  return centsToDecimal(Math.round(Number(t.entryFee) * 100) + Math.round(Number(t.exitFee) * 100));
}

/** Closed and settled trades, newest first, a page at a time. */
export function TradeHistory() {
  const trpc = useTRPC();
  const history = useInfiniteQuery(
    trpc.trades.history.infiniteQueryOptions(
      { limit: PAGE_SIZE },
      { getNextPageParam: (page) => page.nextCursor ?? undefined },
    ),
  );

  return (
    <section className="card" aria-labelledby="history-title" data-testid="trade-history">
      <header className="card-head">
        <h2 id="history-title">Trade history</h2>
      </header>
      <QueryView
        query={history}
        isEmpty={(d) => d.pages.every((p) => p.items.length === 0)}
        empty="No trades yet."
      >
        {(data) => (
          <>
            <DataTable
              rows={data.pages.flatMap((page) => page.items)}
              rowKey={(t) => t.id}
              columns={[
                {
                  label: 'Symbol',
                  rowHeader: true,
                  cell: (t) => (
                    <>
                      {t.symbol}
                      {t.isPaper ? <span className="badge badge-paper">paper</span> : null}
                      {t.wasLowestPoint ? (
                        <span className="badge" title="Opened at a detected lowest point">
                          low
                        </span>
                      ) : null}
                    </>
                  ),
                },
                { label: 'Status', cell: (t) => <TradeStatus status={t.status} /> },
                {
                  label: 'Entry → exit',
                  className: 'num',
                  cellClassName: 'num small',
                  cell: (t) => (
                    <>
                      {formatPrice(t.entryPrice)} → {formatPrice(t.exitPrice)}
                    </>
                  ),
                },
                {
                  label: 'Amount',
                  className: 'num',
                  cell: (t) => (
                    <>
                      {formatMoney(t.amount, t.currency)}
                      <br />
                      <small className="muted">qty {formatQuantity(t.quantity)}</small>
                    </>
                  ),
                },
                {
                  label: 'Fees',
                  className: 'num',
                  cell: (t) => <span data-testid="trade-fees">{formatMoney(tradeFees(t), t.currency)}</span>,
                },
                pnlColumn('P&L (net)', (t: ClosedTrade) => ({
                  usd: t.pnl,
                  pct: t.pnlPct,
                  currency: t.currency,
                })),
                {
                  label: 'Why',
                  cellClassName: 'small',
                  cell: (t) => (
                    <>
                      {t.executionReason ?? '—'}
                      {t.exitReason ? <span className="muted"> · {t.exitReason}</span> : null}
                    </>
                  ),
                },
                {
                  label: 'Closed',
                  cellClassName: 'small',
                  cell: (t) => formatUtc(t.exitTime ?? t.entryTime),
                },
              ]}
            />
            {history.hasNextPage ? (
              <button
                type="button"
                className="btn btn-small"
                onClick={() => void history.fetchNextPage()}
                disabled={history.isFetchingNextPage}
              >
                {history.isFetchingNextPage ? 'Loading…' : 'Load more'}
              </button>
            ) : null}
          </>
        )}
      </QueryView>
    </section>
  );
}
