import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { profitChartOption } from '../charts/profit';
import { DataTable } from '../components/data-table';
import { EChart } from '../components/echart';
import { QueryView } from '../components/states';
import { formatMoney, formatShare, signClass } from '../lib/format';
import { centsToDecimal } from '../lib/pnl';
import { type RouterOutputs, useTRPC } from '../trpc';
import { accountCurrency } from './accounts-strip';

type AccountPerformance = RouterOutputs['signals']['performance'][number];

/** Closed-trade performance of each account that has traded: per pair, and daily plus cumulative. */
export function Performance() {
  const trpc = useTRPC();
  const performance = useQuery(trpc.signals.performance.queryOptions());
  return (
    <section className="card" aria-labelledby="performance-title" data-testid="performance">
      <header className="card-head">
        <h2 id="performance-title">Performance</h2>
      </header>
      <QueryView
        query={performance}
        isEmpty={(d) => d.every((a) => a.pairs.length === 0)}
        empty="No closed trades yet."
      >
        {(accounts) => (
          <>
            {accounts
              .filter((a) => a.pairs.length > 0)
              .map((a) => (
                <AccountPerformanceView key={a.accountId} account={a} />
              ))}
          </>
        )}
      </QueryView>
    </section>
  );
}

function AccountPerformanceView({ account }: { account: AccountPerformance }) {
  const currency = accountCurrency(account.pairs.map((p) => p.currency));
  const option = useMemo(() => profitChartOption(account.days, currency), [account.days, currency]);
  const money = (cents: number, signed = false) => formatMoney(centsToDecimal(cents), currency, { signed });
  return (
    <div className="performance-account">
      <h3 className="subhead">
        {account.assetType} · {account.mode}
      </h3>
      <DataTable
        rows={account.pairs}
        rowKey={(p) => p.symbol}
        columns={[
          { label: 'Pair', rowHeader: true, cell: (p) => p.symbol },
          {
            label: 'Trades',
            className: 'num',
            cell: (p) => `${p.trades} (${formatShare(p.wins / p.trades)} won)`,
          },
          { label: 'Fees', className: 'num', cell: (p) => money(p.feesCents) },
          {
            label: 'Net P&L',
            className: 'num',
            cellClassName: (p) => `num ${signClass(p.pnlCents)}`,
            cell: (p) => money(p.pnlCents, true),
          },
        ]}
      />
      <EChart
        option={option}
        className="chart-profit"
        role="img"
        aria-label={`Daily and cumulative profit, ${account.days.length} days`}
        data-testid="profit-chart"
      />
    </div>
  );
}
