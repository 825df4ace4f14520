import { useQuery } from '@tanstack/react-query';
import { Link, useNavigate, useSearch } from '@tanstack/react-router';
import { TIMEFRAMES } from '@tradehits/core/types';
import { SelectField } from '../components/field';
import { ErrorState, Loading } from '../components/states';
import { AccountsStrip, PaperBanner } from '../dashboard/accounts-strip';
import { ActiveTrades } from '../dashboard/active-trades';
import { ChartCard } from '../dashboard/chart-card';
import { LowestPoints } from '../dashboard/lowest-points';
import { MarketStatus } from '../dashboard/market-status';
import { NearSignal } from '../dashboard/near-signal';
import { Performance } from '../dashboard/performance';
import { SafetyStrip } from '../dashboard/safety-strip';
import { SentimentPanel } from '../dashboard/sentiment-panel';
import { TradeForm } from '../dashboard/trade-form';
import { TradeHistory } from '../dashboard/trade-history';
import { TradeSetup } from '../dashboard/trade-setup';
import { RANGES, type Range, TABS, type Tab } from '../lib/search';
import { useTRPC } from '../trpc';

const TAB_LABEL: Record<Tab, string> = { crypto: 'Crypto', stock: 'Stocks' };
const RANGE_LABEL: Record<Range, string> = {
  '1w': '1 week',
  '1m': '1 month',
  '3m': '3 months',
  '1y': '1 year',
};

/** The trader's dashboard: market tabs, three timeframes of the chosen symbol, signals and positions. */
export function DashboardPage() {
  const trpc = useTRPC();
  const navigate = useNavigate({ from: '/' });
  const search = useSearch({ from: '/app/' });
  const symbols = useQuery(trpc.markets.symbols.queryOptions({ assetType: search.tab }));
  const summary = useQuery(trpc.accounts.summary.queryOptions());
  const active = useQuery(trpc.trades.active.queryOptions());

  const symbol = search.symbol ?? symbols.data?.[0];
  const onPaper = summary.data?.paperOnly === true || (active.data ?? []).some((t) => t.isPaper);

  return (
    <div className="dashboard">
      <div className="toolbar">
        <div role="tablist" aria-label="Market" className="tabs">
          {TABS.map((tab) => (
            <Link
              key={tab}
              to="/"
              search={{ tab, range: search.range }}
              role="tab"
              aria-selected={search.tab === tab}
              className={search.tab === tab ? 'tab tab-on' : 'tab'}
              data-testid={`tab-${tab}`}
            >
              {TAB_LABEL[tab]}
            </Link>
          ))}
        </div>
        <SelectField
          label="Symbol"
          name="symbol"
          value={symbol ?? ''}
          disabled={!symbols.data || symbols.data.length === 0}
          onChange={(e) => void navigate({ search: (prev) => ({ ...prev, symbol: e.target.value }) })}
        >
          {symbol && !symbols.data?.includes(symbol) ? <option value={symbol}>{symbol}</option> : null}
          {(symbols.data ?? []).map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </SelectField>
        <SelectField
          label="Range"
          name="range"
          value={search.range}
          onChange={(e) => void navigate({ search: (prev) => ({ ...prev, range: e.target.value as Range }) })}
        >
          {RANGES.map((r) => (
            <option key={r} value={r}>
              {RANGE_LABEL[r]}
            </option>
          ))}
        </SelectField>
        {search.tab === 'stock' ? <MarketStatus /> : null}
      </div>

      {onPaper ? <PaperBanner /> : null}
      <SafetyStrip />
      <AccountsStrip />

      {/* Positions, history and performance belong to the account, not the symbol: they show even when
          a tab has no symbols to chart (the Stocks tab on a crypto-only replay). */}
      <div className="dash-grid">
        {symbols.isPending ? (
          <Loading label="Loading symbols…" />
        ) : symbols.error ? (
          <ErrorState error={symbols.error} onRetry={() => void symbols.refetch()} />
        ) : !symbol ? (
          <p className="state state-empty charts">No {search.tab} symbols are being tracked yet.</p>
        ) : (
          <>
            <div className="charts" data-testid="charts">
              {TIMEFRAMES.map((tf) => (
                <ChartCard key={tf} symbol={symbol} timeframe={tf} range={search.range} />
              ))}
            </div>
            <aside className="sidebar" aria-label="Trading">
              <TradeSetup assetType={search.tab} symbol={symbol} />
              <TradeForm assetType={search.tab} symbol={symbol} paperOnly={summary.data?.paperOnly ?? true} />
            </aside>
          </>
        )}
        <div className="panels">
          <ActiveTrades />
          <NearSignal assetType={search.tab} />
          <LowestPoints assetType={search.tab} />
          {symbol ? <SentimentPanel symbol={symbol} /> : null}
          <TradeHistory />
          <Performance />
        </div>
      </div>
    </div>
  );
}
