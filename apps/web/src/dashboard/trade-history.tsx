import { useInfiniteQuery } from '@tanstack/react-query';
import { QueryView } from '../components/states';
import { formatPct, formatPrice, formatUsd, formatUtc, signClass } from '../lib/format';
import { useTRPC } from '../trpc';

const PAGE_SIZE = 20;

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
            <div className="table-wrap">
              <table className="table">
                <thead>
                  <tr>
                    <th scope="col">Symbol</th>
                    <th scope="col">Status</th>
                    <th scope="col" className="num">
                      Entry → exit
                    </th>
                    <th scope="col" className="num">
                      Amount
                    </th>
                    <th scope="col" className="num">
                      P&amp;L
                    </th>
                    <th scope="col">Why</th>
                    <th scope="col">Closed</th>
                  </tr>
                </thead>
                <tbody>
                  {data.pages.flatMap((page) =>
                    page.items.map((t) => (
                      <tr key={t.id}>
                        <th scope="row">
                          {t.symbol}
                          {t.isPaper ? <span className="badge badge-paper">paper</span> : null}
                          {t.wasLowestPoint ? (
                            <span className="badge" title="Opened at a detected lowest point">
                              low
                            </span>
                          ) : null}
                        </th>
                        <td>
                          <span className={`status status-${t.status}`}>{t.status.replace('_', ' ')}</span>
                        </td>
                        <td className="num small">
                          {formatPrice(t.entryPrice)} → {formatPrice(t.exitPrice)}
                        </td>
                        <td className="num">{formatUsd(t.amount)}</td>
                        <td className={`num ${signClass(t.pnl)}`}>
                          {formatUsd(t.pnl, { signed: true })}
                          <br />
                          <small>{formatPct(t.pnlPct, { signed: true })}</small>
                        </td>
                        <td className="small">
                          {t.executionReason ?? '—'}
                          {t.exitReason ? <span className="muted"> · {t.exitReason}</span> : null}
                        </td>
                        <td className="small">{formatUtc(t.exitTime ?? t.entryTime)}</td>
                      </tr>
                    )),
                  )}
                </tbody>
              </table>
            </div>
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
