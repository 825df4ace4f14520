import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { quoteCurrency } from '@tradehits/core/symbols';
import type { AssetType } from '@tradehits/core/types';
import { DataTable } from '../components/data-table';
import { ErrorState, QueryView } from '../components/states';
import { pnlColumn, TradeStatus } from '../components/trade-cells';
import { formatMoney, formatPrice, formatQuantity, formatUtc } from '../lib/format';
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
          <DataTable
            rows={trades.map((t) => withLivePnl(t, prices.get(t.symbol)))}
            rowKey={(r) => r.trade.id}
            rowData={(r) => ({ 'data-testid': 'active-trade', 'data-trade-id': r.trade.id })}
            columns={[
              {
                label: 'Symbol',
                rowHeader: true,
                cell: ({ trade }) => (
                  <>
                    {trade.symbol}
                    {trade.isPaper ? (
                      <span className="badge badge-paper">paper</span>
                    ) : (
                      <span className="badge badge-live">live</span>
                    )}
                  </>
                ),
              },
              { label: 'Status', cell: (r) => <TradeStatus status={r.trade.status} /> },
              {
                label: 'Entry',
                className: 'num',
                cell: (r) => (
                  <>
                    {formatPrice(r.trade.entryPrice)}
                    <br />
                    <small className="muted">
                      qty {formatQuantity(r.trade.quantity)} · fee{' '}
                      {formatMoney(r.trade.entryFee, r.trade.currency)}
                    </small>
                  </>
                ),
              },
              { label: 'Last', className: 'num', cell: (r) => formatPrice(r.last) },
              {
                ...pnlColumn('P&L', (r: LiveTrade) => ({
                  usd: r.pnl,
                  pct: r.pnlPct,
                  currency: r.trade.currency,
                })),
                cellTestId: 'trade-pnl',
              },
              {
                label: 'TP / SL',
                className: 'num',
                cellClassName: 'num small',
                cell: ({ trade }) => (
                  <>
                    {formatPrice(trade.takeProfitPrice)}
                    <br />
                    {formatPrice(trade.stopLossPrice)}
                  </>
                ),
              },
              { label: 'Opened', cellClassName: 'small', cell: (r) => formatUtc(r.trade.entryTime) },
              {
                label: 'Actions',
                hideLabel: true,
                cell: ({ trade }) => {
                  if (trade.status !== 'open') return null;
                  const closing = close.isPending && close.variables?.tradeId === trade.id;
                  return (
                    <button
                      type="button"
                      className="btn btn-small btn-danger"
                      onClick={() => close.mutate({ tradeId: trade.id })}
                      disabled={closing}
                      aria-label={`Close ${trade.symbol} position`}
                    >
                      {closing ? 'Closing…' : 'Close'}
                    </button>
                  );
                },
              },
            ]}
          />
        )}
      </QueryView>
    </section>
  );
}

/** A row of the table: the trade, the latest price of its symbol, and the P&L to show. */
interface LiveTrade {
  trade: Trade;
  last: number | undefined;
  pnl: Trade['pnl'];
  pnlPct: Trade['pnlPct'] | number;
}

/** An open position's P&L at the latest price; any other keeps the P&L the server stored. */
function withLivePnl(trade: Trade, last: number | undefined): LiveTrade {
  // A position booked in another currency than its pair's quote (paper ETH/BTC in USD) is not valued
  // from the pair's price alone: its stored figures stand.
  const valued = trade.status === 'open' && quoteCurrency(trade.symbol) === trade.currency;
  const live = valued ? unrealizedPnl(trade.entryPrice, trade.quantity, last) : null;
  return live
    ? { trade, last, pnl: centsToDecimal(live.cents), pnlPct: live.pct }
    : { trade, last, pnl: trade.pnl, pnlPct: trade.pnlPct };
}
