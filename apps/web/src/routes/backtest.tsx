import { useMutation, useQuery } from '@tanstack/react-query';
import { quoteCurrency } from '@tradehits/core/symbols';
import type { AssetType } from '@tradehits/core/types';
import { type FormEvent, useEffect, useMemo, useState } from 'react';
import { candleChartOption, markerCounts } from '../charts/candles';
import { type EquityPoint, equityChartOption } from '../charts/equity';
import { DataTable } from '../components/data-table';
import { EChart } from '../components/echart';
import { FormError, SelectField, TextField } from '../components/field';
import { ParamsFields } from '../components/params-fields';
import { QueryView } from '../components/states';
import { pnlColumn } from '../components/trade-cells';
import { accountCurrency } from '../dashboard/accounts-strip';
import { metricRows, perPairRows, tradesAsMarkers } from '../lib/backtest';
import { fromDateInput } from '../lib/dates';
import { type FieldErrors, formErrorMessage, serverFieldErrors } from '../lib/errors';
import { formatMoney, formatPrice, formatShare, formatUtc } from '../lib/format';
import { barsFromAnswer } from '../lib/live';
import { type ParamsFormValues, paramsToForm, validateParamsForm } from '../lib/params-form';
import { centsToDecimal } from '../lib/pnl';
import { OptimizerRuns } from '../research/optimizer-runs';
import { type RouterOutputs, useTRPC } from '../trpc';

type BacktestResult = RouterOutputs['backtest']['run'];
type SimulatedTrade = BacktestResult['trades'][number];

/** A finished run as the page keeps it: the latest two are shown side by side. */
interface Run {
  id: string;
  result: BacktestResult;
}

/** Where the live feed leaves a run's progress (see useLiveEvents). */
export const backtestProgressKey = (runId: string) => ['backtest-progress', runId] as const;

/** Replay chosen symbols over a period with a set of parameters and see what would have happened. */
export function BacktestPage() {
  const trpc = useTRPC();
  const [assetType, setAssetType] = useState<AssetType>('crypto');
  const [chosen, setChosen] = useState<string[]>([]);
  // Blank dates mean all stored history: the server knows what it holds, the browser does not.
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [timeframe, setTimeframe] = useState<'5m' | '1h'>('5m');
  const [values, setValues] = useState<ParamsFormValues>(() => paramsToForm());
  const [edited, setEdited] = useState(false);
  const [startBalance, setStartBalance] = useState('10000');
  const [clientErrors, setClientErrors] = useState<FieldErrors>({});
  const [runId, setRunId] = useState<string | null>(null);
  const [runs, setRuns] = useState<Run[]>([]);
  const symbols = useQuery(trpc.markets.symbols.queryOptions({ assetType }));
  const saved = useQuery(trpc.me.parameters.list.queryOptions());
  const run = useMutation(
    trpc.backtest.run.mutationOptions({
      onSuccess: (result, input) => setRuns((r) => [{ id: input.runId ?? '', result }, ...r].slice(0, 2)),
    }),
  );
  const progress = useQuery({
    queryKey: backtestProgressKey(runId ?? 'none'),
    queryFn: () => null as { done: number; total: number } | null,
    enabled: false,
  });

  // The trader's own saved parameters for this asset type (their ALL row) are the starting point,
  // until they edit the form.
  const savedRow = saved.data?.find((p) => p.assetType === assetType && p.symbol === 'ALL');
  useEffect(() => {
    if (!edited) setValues(paramsToForm(savedRow));
  }, [savedRow, edited]);
  const errors = { ...serverFieldErrors(run.error), ...clientErrors };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const problems: FieldErrors = {};
    const fromMs = from === '' ? undefined : fromDateInput(from);
    const toMs = to === '' ? undefined : fromDateInput(to, { endOfDay: true });
    if (chosen.length === 0) problems.symbols = 'Choose at least one symbol.';
    if (fromMs === null) problems.from = 'Enter a real date, or leave it blank.';
    if (toMs === null) problems.to = 'Enter a real date, or leave it blank.';
    if (fromMs != null && toMs != null && fromMs >= toMs) problems.to = 'The end must be after the start.';
    const params = validateParamsForm({ ...values, assetType, symbol: 'ALL', autoTradingEnabled: true });
    if (!params.ok) Object.assign(problems, params.errors);
    const balance = Number(startBalance);
    if (!/^\d+(\.\d{1,2})?$/.test(startBalance.trim()) || !(balance > 0))
      problems.startBalance = 'Enter a start balance greater than 0, at most 2 decimals.';
    setClientErrors(problems);
    if (Object.keys(problems).length > 0 || !params.ok || fromMs === null || toMs === null) return;
    const id = crypto.randomUUID();
    setRunId(id);
    run.mutate({
      symbols: chosen,
      runId: id,
      ...(fromMs != null ? { from: fromMs } : {}),
      ...(toMs != null ? { to: toMs } : {}),
      params: { params: params.input, timeframe, sentiment: 'ignore', startBalance: balance },
    });
  };

  return (
    <div className="backtest">
      <header className="page-head">
        <h1>Backtest</h1>
      </header>
      <form className="card form" onSubmit={submit} noValidate data-testid="backtest-form">
        <div className="params-grid">
          <SelectField
            label="Asset type"
            name="assetType"
            value={assetType}
            onChange={(e) => {
              setAssetType(e.target.value as AssetType);
              setChosen([]);
            }}
          >
            <option value="crypto">Crypto</option>
            <option value="stock">Stock</option>
          </SelectField>
          <TextField
            label="From (UTC)"
            type="date"
            name="from"
            value={from}
            onChange={(e) => setFrom(e.target.value)}
            hint="Blank: from the first stored bar"
            error={errors.from}
          />
          <TextField
            label="To (UTC)"
            type="date"
            name="to"
            value={to}
            onChange={(e) => setTo(e.target.value)}
            hint="Blank: to the newest stored bar"
            error={errors.to}
          />
          <SelectField
            label="Timeframe"
            name="timeframe"
            value={timeframe}
            onChange={(e) => setTimeframe(e.target.value as '5m' | '1h')}
            error={errors.timeframe}
          >
            <option value="5m">5 minutes</option>
            <option value="1h">1 hour</option>
          </SelectField>
          <TextField
            label="Start balance"
            name="startBalance"
            inputMode="decimal"
            value={startBalance}
            onChange={(e) => setStartBalance(e.target.value)}
            hint="In the pairs' quote currency"
            error={errors.startBalance}
          />
        </div>
        <fieldset className="symbol-picker" aria-describedby={errors.symbols ? 'symbols-error' : undefined}>
          <legend>Symbols</legend>
          <QueryView
            query={symbols}
            isEmpty={(d) => d.length === 0}
            empty="No symbols of this type are tracked."
          >
            {(list) => (
              <div className="checks">
                {list.map((s) => (
                  <label key={s} className={chosen.includes(s) ? 'check check-on' : 'check'}>
                    <input
                      type="checkbox"
                      name="symbols"
                      value={s}
                      checked={chosen.includes(s)}
                      onChange={(e) =>
                        setChosen((c) => (e.target.checked ? [...c, s] : c.filter((x) => x !== s)))
                      }
                    />
                    {s}
                  </label>
                ))}
              </div>
            )}
          </QueryView>
          {errors.symbols ? (
            <small id="symbols-error" className="error">
              {errors.symbols}
            </small>
          ) : null}
        </fieldset>
        <details className="params-details" open>
          <summary>Trade parameters</summary>
          <p className="muted small" data-testid="params-source">
            {edited
              ? 'Edited for this run.'
              : savedRow
                ? `Your saved ${assetType} parameters.`
                : 'Defaults: you have no saved parameters for this asset type.'}
          </p>
          <ParamsFields
            values={values}
            errors={errors}
            onChange={(next) => {
              setEdited(true);
              setValues(next);
            }}
            omit={['assetType', 'symbol', 'autoTradingEnabled']}
          />
        </details>
        <p className="muted small">
          Sentiment is ignored: history has no sentiment record, so those conditions drop out.
        </p>
        <FormError message={formErrorMessage(run.error)} />
        <button type="submit" className="btn btn-primary" disabled={run.isPending}>
          {run.isPending ? 'Running…' : 'Run backtest'}
        </button>
        {run.isPending ? (
          <progress
            data-testid="backtest-progress"
            max={progress.data?.total ?? 1}
            value={progress.data?.done ?? 0}
            aria-label="Backtest progress"
          />
        ) : null}
      </form>
      <OptimizerRuns />
      {runs.length > 0 ? (
        <div className={runs.length > 1 ? 'backtest-compare' : undefined}>
          {runs.map((r, i) => (
            <BacktestReport
              key={r.id}
              result={r.result}
              title={runs.length > 1 ? (i === 0 ? 'Latest run' : 'Previous run') : 'Result'}
            />
          ))}
        </div>
      ) : null}
    </div>
  );
}

function BacktestReport({ result, title }: { result: BacktestResult; title: string }) {
  // Dollars for display only; the figures themselves stay integer cents.
  const curve = useMemo(
    () => result.equity.map((p): EquityPoint => [p.time, p.equityCents / 100]),
    [result.equity],
  );
  const option = useMemo(() => equityChartOption(curve), [curve]);
  // A run's figures are in the quote currency its pairs share (BTC for a replay of BTC pairs).
  const currency = accountCurrency(result.symbols.map(quoteCurrency));
  return (
    <section className="backtest-result" aria-label={title} data-testid="backtest-result">
      <h2>{title}</h2>
      <p className="muted small">
        {result.symbols.join(', ')} · {formatUtc(result.from)} → {formatUtc(result.to)} ·{' '}
        {result.barsEvaluated} bars judged · {result.signals} buy signals
      </p>
      {result.notes.length > 0 ? (
        <ul className="notes">
          {result.notes.map((n) => (
            <li key={n}>{n}</li>
          ))}
        </ul>
      ) : null}
      <dl className="card metrics" data-testid="backtest-metrics">
        {metricRows(result.metrics, currency).map((row) => (
          <div key={row.label}>
            <dt>{row.label}</dt>
            <dd className={row.tone}>{row.value}</dd>
          </div>
        ))}
      </dl>
      <div className="card">
        <h3>Equity</h3>
        <EChart
          option={option}
          className="chart-equity"
          role="img"
          aria-label={`Equity curve, ${curve.length} points`}
          data-testid="chart-equity"
          data-points={curve.length}
        />
      </div>
      <div className="card">
        <h3>Per pair</h3>
        <DataTable
          rows={perPairRows(result.trades)}
          rowKey={(p) => p.symbol}
          rowData={() => ({ 'data-testid': 'pair-row' })}
          columns={[
            { label: 'Pair', rowHeader: true, cell: (p) => p.symbol },
            {
              label: 'Trades',
              className: 'num',
              cell: (p) => `${p.trades} (${formatShare(p.wins / p.trades)} won)`,
            },
            {
              label: 'Fees',
              className: 'num',
              cell: (p) => formatMoney(centsToDecimal(p.feesCents), quoteCurrency(p.symbol)),
            },
            pnlColumn('Net P&L', (p: { symbol: string; pnlCents: number }) => ({
              usd: centsToDecimal(p.pnlCents),
              pct: null,
              currency: quoteCurrency(p.symbol),
            })),
          ]}
        />
      </div>
      <TradesChart result={result} />
      <div className="card">
        <h3>Trades ({result.trades.length})</h3>
        {result.trades.length === 0 ? (
          <p className="state state-empty">No trades: the entry rules never held in this period.</p>
        ) : (
          <DataTable
            rows={result.trades}
            rowKey={(t) => `${t.symbol}-${t.entryTime}`}
            columns={[
              { label: 'Symbol', rowHeader: true, cell: (t) => t.symbol },
              { label: 'Entry', cellClassName: 'small', cell: (t) => formatUtc(t.entryTime) },
              { label: 'Exit', cellClassName: 'small', cell: (t) => formatUtc(t.exitTime) },
              {
                label: 'Prices',
                className: 'num',
                cellClassName: 'num small',
                cell: (t) => (
                  <>
                    {formatPrice(t.entryPrice)} → {formatPrice(t.exitPrice)}
                  </>
                ),
              },
              {
                label: 'Cost',
                className: 'num',
                cell: (t) => formatMoney(centsToDecimal(t.costCents), quoteCurrency(t.symbol)),
              },
              pnlColumn('P&L after fees', (t: SimulatedTrade) => ({
                usd: centsToDecimal(t.pnlCents),
                pct: t.costCents === 0 ? null : (t.pnlCents / t.costCents) * 100,
                currency: quoteCurrency(t.symbol),
              })),
              { label: 'Exit reason', cellClassName: 'small', cell: (t) => t.exitReason },
            ]}
          />
        )}
      </div>
    </section>
  );
}

/** One symbol of a run on candles, its simulated entries and exits marked. */
function TradesChart({ result }: { result: BacktestResult }) {
  const trpc = useTRPC();
  const traded = [...new Set(result.trades.map((t) => t.symbol))];
  const [symbol, setSymbol] = useState(traded[0] ?? result.symbols[0] ?? '');
  const timeframe = result.params.timeframe;
  const bars = useQuery({
    ...trpc.markets.bars.queryOptions(
      { symbol, timeframe, from: result.from, to: result.to, limit: 5000 },
      { enabled: symbol !== '' && result.to > 0 },
    ),
    select: barsFromAnswer,
  });
  const option = useMemo(
    () =>
      candleChartOption(bars.data ?? [], {
        timeframe,
        markers: { detections: [], trades: tradesAsMarkers(result.trades, symbol) },
      }),
    [bars.data, timeframe, result.trades, symbol],
  );
  const drawn = markerCounts(option);
  return (
    <div className="card">
      <header className="card-head">
        <h3>Trades on the chart</h3>
        <SelectField
          label="Symbol"
          name="chartSymbol"
          value={symbol}
          onChange={(e) => setSymbol(e.target.value)}
        >
          {result.symbols.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </SelectField>
      </header>
      <QueryView query={bars} isEmpty={(d) => d.length === 0} empty="No bars stored for this period.">
        {() => (
          <EChart
            option={option}
            className="chart-candles"
            role="img"
            aria-label={`${symbol} with ${drawn.entries} simulated entries and ${drawn.exits} exits`}
            data-testid="backtest-chart"
            data-entries={drawn.entries}
            data-exits={drawn.exits}
          />
        )}
      </QueryView>
    </div>
  );
}
