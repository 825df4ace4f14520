import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import type { AssetType } from '@tradehits/core/types';
import { DataTable } from '../components/data-table';
import { QueryView } from '../components/states';
import { formatShare, formatUtc } from '../lib/format';
import { useTRPC } from '../trpc';

/**
 * The watchlist a trader checks first: how near each symbol is to a lowest point — its newest
 * confidence against the threshold, and which conditions hold and which are missing.
 */
export function NearSignal({ assetType }: { assetType: AssetType }) {
  const trpc = useTRPC();
  const near = useQuery(trpc.signals.near.queryOptions({ assetType }));
  return (
    <section className="card" aria-labelledby="near-title" data-testid="near-signal">
      <header className="card-head">
        <h2 id="near-title">Near a signal</h2>
        {near.data ? (
          <span className="muted small">
            needs {formatShare(near.data.threshold)} · {near.data.sentiment.label}
          </span>
        ) : null}
      </header>
      <QueryView
        query={near}
        isEmpty={(d) => d.rows.length === 0}
        empty="The detector has not judged any bar yet."
      >
        {(data) => (
          <DataTable
            rows={data.rows}
            rowKey={(r) => `${r.symbol}|${r.timeframe}`}
            rowData={(r) => ({ 'data-testid': 'near-row', 'data-symbol': r.symbol })}
            columns={[
              {
                label: 'Symbol',
                rowHeader: true,
                cell: (r) => (
                  <>
                    <Link
                      to="/"
                      search={(prev) => ({ ...prev, tab: assetType, symbol: r.symbol })}
                      className="symbol-link"
                    >
                      {r.symbol}
                    </Link>{' '}
                    <span className="badge">{r.timeframe}</span>
                  </>
                ),
              },
              {
                label: 'Confidence',
                className: 'num',
                cell: (r) => (
                  <span title={`as of ${formatUtc(r.barTime)}`}>
                    <meter
                      min={0}
                      max={1}
                      low={data.threshold - 0.1}
                      high={data.threshold}
                      optimum={1}
                      value={r.confidence}
                      aria-label={`Confidence ${formatShare(r.confidence)} of ${formatShare(data.threshold)}`}
                    />{' '}
                    <strong className={r.confidence >= data.threshold ? 'up' : undefined}>
                      {formatShare(r.confidence)}
                    </strong>
                  </span>
                ),
              },
              {
                label: 'Met · missing',
                cellClassName: 'small',
                cell: (r) => (
                  <ul className="chips" aria-label="Conditions">
                    {r.met.map((c) => (
                      <li key={c} className="chip chip-met">
                        {c}
                      </li>
                    ))}
                    {r.missing.map((c) => (
                      <li key={c} className="chip chip-missing" aria-label={`${c} missing`}>
                        {c}
                      </li>
                    ))}
                  </ul>
                ),
              },
            ]}
          />
        )}
      </QueryView>
    </section>
  );
}
