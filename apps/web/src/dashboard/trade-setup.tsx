import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import type { AssetType } from '@tradehits/core/types';
import { QueryView } from '../components/states';
import { formatUsd } from '../lib/format';
import { useTRPC } from '../trpc';

/** The user's trading rules that apply to the selected symbol (its own, or the asset type's ALL). */
export function TradeSetup({ assetType, symbol }: { assetType: AssetType; symbol: string }) {
  const trpc = useTRPC();
  const params = useQuery(trpc.me.parameters.list.queryOptions());

  return (
    <section className="card" aria-labelledby="setup-title" data-testid="trade-setup">
      <header className="card-head">
        <h2 id="setup-title">Trade setup</h2>
        <Link to="/settings" className="small">
          Edit
        </Link>
      </header>
      <QueryView
        query={params}
        isEmpty={(list) =>
          !list.some((p) => p.assetType === assetType && (p.symbol === symbol || p.symbol === 'ALL'))
        }
        empty={
          <>
            No rules for {symbol} yet. <Link to="/settings">Add trade parameters</Link>
          </>
        }
      >
        {(list) => (
          <div className="setups">
            {list
              .filter((p) => p.assetType === assetType && (p.symbol === symbol || p.symbol === 'ALL'))
              .map((p) => (
                <dl key={p.id} className="kv">
                  <div>
                    <dt>Applies to</dt>
                    <dd>{p.symbol === 'ALL' ? `all ${assetType}` : p.symbol}</dd>
                  </div>
                  <div>
                    <dt>Auto-trading</dt>
                    <dd className={p.autoTradingEnabled ? 'up' : 'muted'}>
                      {p.autoTradingEnabled ? 'on' : 'off'}
                    </dd>
                  </div>
                  <div>
                    <dt>Amount</dt>
                    <dd>{formatUsd(p.tradeAmount)}</dd>
                  </div>
                  <div>
                    <dt>Take profit / stop loss</dt>
                    <dd>
                      <span className="up">{p.takeProfitPct}%</span> /{' '}
                      <span className="down">{p.stopLossPct}%</span>
                    </dd>
                  </div>
                  <div>
                    <dt>Max open trades</dt>
                    <dd>{p.maxConcurrentTrades}</dd>
                  </div>
                  <div>
                    <dt>Entry</dt>
                    <dd>{p.buyAtLowestOnly ? 'lowest points only' : 'any confident signal'}</dd>
                  </div>
                  <div>
                    <dt>Min sentiment</dt>
                    <dd>
                      {p.minSentimentScore}
                      {p.requirePoliticalPositive ? ', no negative political posts' : ''}
                    </dd>
                  </div>
                  <div>
                    <dt>Hours (UTC)</dt>
                    <dd>
                      {p.tradingHoursStart}–{p.tradingHoursEnd}
                    </dd>
                  </div>
                </dl>
              ))}
          </div>
        )}
      </QueryView>
    </section>
  );
}
