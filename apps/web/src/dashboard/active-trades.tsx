import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { AssetType } from '@tradehits/core/types';
import { ErrorState, QueryView } from '../components/states';
import { formatPct, formatPrice, formatUsd, formatUtc, signClass } from '../lib/format';
import { centsToDecimal, unrealizedPnl } from '../lib/pnl';
import { type RouterOutputs, useTRPC } from '../trpc';

type Trade = RouterOutputs['trades']['active'][number];

/** Latest close per symbol for the asset types that have open positions. */
function useLatestPrices(assetTypes: AssetType[]): Map<string, number> {
  const trpc = useTRPC();
  const crypto = useQuery({
    ...trpc.markets.latest.queryOptions({ assetType: 'crypto' }),
    enabled: assetTypes.includes('crypto'),
  });
  const stock = useQuery({
    ...trpc.markets.latest.queryOptions({ assetType: 'stock' }),
    enabled: assetTypes.includes('stock'),
  });
  const prices = new Map<string, number>();
  for (const bar of [...(crypto.data ?? []), ...(stock.data ?? [])]) prices.set(bar.symbol, bar.close);
  return prices;
}

/** Open positions with P&L at the latest price, updated by live bar events; each can be closed. */
export function ActiveTrades() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const active = useQuery(trpc.trades.active.queryOptions());
  const assetTypes = [...new Set((active.data ?? []).map((t) => t.assetType))];
  const prices = useLatestPrices(assetTypes);
  const close = useMutation(
    trpc.trades.close.mutationOptions({
      onSettled: () => {
        void queryClient.invalidateQueries(trpc.trades.pathFilter());
        void queryClient.invalidateQueries(trpc.accounts.summary.pathFilter());
      },
    }),
  );

  return (
    <section className="card" aria-labelledby="active-title" data-testid="active-trades">
      <header className="card-head">
        <h2 id="active-title">Active positions</h2>
        {active.data ? <span className="muted small">{active.data.length} open</span> : null}
      </header>
      {close.error ? <ErrorState error={close.error} /> : null}
      <QueryView query={active} isEmpty={(d) => d.length === 0} empty="No open positions.">
        {(trades) => (
          <div className="table-wrap">
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">Symbol</th>
                  <th scope="col">Status</th>
                  <th scope="col" className="num">
                    Entry
                  </th>
                  <th scope="col" className="num">
                    Last
                  </th>
                  <th scope="col" className="num">
                    P&amp;L
                  </th>
                  <th scope="col" className="num">
                    TP / SL
                  </th>
                  <th scope="col">Opened</th>
                  <th scope="col">
                    <span className="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {trades.map((t) => (
                  <ActiveRow
                    key={t.id}
                    trade={t}
                    last={prices.get(t.symbol)}
                    onClose={() => close.mutate({ tradeId: t.id })}
                    closing={close.isPending && close.variables?.tradeId === t.id}
                  />
                ))}
              </tbody>
            </table>
          </div>
        )}
      </QueryView>
    </section>
  );
}

function ActiveRow({
  trade,
  last,
  onClose,
  closing,
}: {
  trade: Trade;
  last: number | undefined;
  onClose: () => void;
  closing: boolean;
}) {
  const live = trade.status === 'open' ? unrealizedPnl(trade.entryPrice, trade.quantity, last) : null;
  const pnl = live ? centsToDecimal(live.cents) : trade.pnl;
  const pnlPct = live ? live.pct : trade.pnlPct;
  return (
    <tr data-testid="active-trade" data-trade-id={trade.id}>
      <th scope="row">
        {trade.symbol}
        {trade.isPaper ? (
          <span className="badge badge-paper">paper</span>
        ) : (
          <span className="badge badge-live">live</span>
        )}
      </th>
      <td>
        <span className={`status status-${trade.status}`}>{trade.status.replace('_', ' ')}</span>
      </td>
      <td className="num">{formatPrice(trade.entryPrice)}</td>
      <td className="num">{formatPrice(last)}</td>
      <td className={`num ${signClass(pnl)}`} data-testid="trade-pnl">
        {formatUsd(pnl, { signed: true })}
        <br />
        <small>{formatPct(pnlPct, { signed: true })}</small>
      </td>
      <td className="num small">
        {formatPrice(trade.takeProfitPrice)}
        <br />
        {formatPrice(trade.stopLossPrice)}
      </td>
      <td className="small">{formatUtc(trade.entryTime)}</td>
      <td>
        {trade.status === 'open' ? (
          <button
            type="button"
            className="btn btn-small btn-danger"
            onClick={onClose}
            disabled={closing}
            aria-label={`Close ${trade.symbol} position`}
          >
            {closing ? 'Closing…' : 'Close'}
          </button>
        ) : null}
      </td>
    </tr>
  );
}
