import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { AssetType } from '@tradehits/core/types';
import { type FormEvent, useMemo, useState } from 'react';
import { FormError, SelectField, TextField } from '../components/field';
import { errorMessage, type FieldErrors, serverFieldErrors } from '../lib/errors';
import { formatMoney, formatPrice, formatQuantity } from '../lib/format';
import {
  type ManualExitKey,
  type ManualExitValues,
  manualExitsFromRules,
  validateManualExits,
} from '../lib/manual-exits';
import { useTRPC } from '../trpc';

const USD_AMOUNT = /^\d+(\.\d{1,2})?$/;

/**
 * Checks a typed amount (in USD, the account's currency) the way the server will: a positive number with
 * at most two decimals.
 */
export function amountError(amount: string, currency = 'USD'): string | undefined {
  const text = amount.trim();
  if (text === '') return `Enter an amount in ${currency}.`;
  if (!USD_AMOUNT.test(text)) return 'Use a plain amount such as 250 or 99.50.';
  if (Number(text) <= 0) return 'The amount must be greater than 0.';
  return undefined;
}

/** Manual buy (by an amount in USD) or sell (an open position) of the selected symbol, on paper or live. */
export function TradeForm({
  assetType,
  symbol,
  paperOnly,
}: {
  assetType: AssetType;
  symbol: string;
  paperOnly: boolean;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [side, setSide] = useState<'buy' | 'sell'>('buy');
  const [amount, setAmount] = useState('100');
  const [tradeId, setTradeId] = useState('');
  const [mode, setMode] = useState<'paper' | 'live'>('paper');
  const [clientError, setClientError] = useState<string | undefined>();
  // One key per intended order: a retry after a lost response resends it, so the buy happens once.
  const [orderKey, setOrderKey] = useState(() => crypto.randomUUID());
  const active = useQuery(trpc.trades.active.queryOptions());
  // The exits start as the trader's rule for this symbol; edits hold until the symbol or the rules change.
  const rules = useQuery(trpc.me.parameters.list.queryOptions());
  const ruleExits = useMemo(
    () => manualExitsFromRules(rules.data ?? [], assetType, symbol),
    [rules.data, assetType, symbol],
  );
  // Keyed by the rule's values, not by the fetch: a refetch that brings the same rule keeps the edits.
  const exitsKey = `${assetType}|${symbol}|${JSON.stringify(ruleExits.values)}`;
  const [edited, setEdited] = useState<{ key: string; values: ManualExitValues } | null>(null);
  const exitValues = edited?.key === exitsKey ? edited.values : ruleExits.values;
  const [exitErrors, setExitErrors] = useState<FieldErrors>({});
  const [exitsOpen, setExitsOpen] = useState(false);
  // Amounts are in the account's currency: a paper order on ETH/BTC is converted at the recorded BTC/USD
  // rate, and a live one on a pair not quoted in USD is refused.
  const currency = 'USD';
  const sellable = (active.data ?? []).filter((t) => t.symbol === symbol && t.status === 'open');

  const execute = useMutation(
    trpc.trades.execute.mutationOptions({
      onSuccess: () => {
        setOrderKey(crypto.randomUUID());
        void queryClient.invalidateQueries(trpc.trades.pathFilter());
        void queryClient.invalidateQueries(trpc.accounts.summary.pathFilter());
      },
    }),
  );
  const fieldErrors = serverFieldErrors(execute.error);
  const effectiveMode = paperOnly ? 'paper' : mode;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (side === 'buy') {
      const problem = amountError(amount, currency);
      setClientError(problem);
      const exits = validateManualExits(exitValues);
      setExitErrors(exits.ok ? {} : exits.errors);
      if (!exits.ok) setExitsOpen(true);
      if (problem || !exits.ok) return;
      execute.mutate({
        side,
        assetType,
        symbol,
        amount: amount.trim(),
        mode: effectiveMode,
        idempotencyKey: orderKey,
        ...exits.exits,
      });
    } else {
      const chosen = tradeId || sellable[0]?.id;
      if (!chosen) {
        setClientError('There is no open position in this symbol to sell.');
        return;
      }
      setClientError(undefined);
      execute.mutate({ side, tradeId: chosen });
    }
  };

  const result = execute.data;
  return (
    <section className="card" aria-labelledby="trade-form-title">
      <header className="card-head">
        <h2 id="trade-form-title">Manual trade</h2>
        <span className="muted small">{symbol}</span>
      </header>
      <form className="form" onSubmit={submit} noValidate data-testid="trade-form">
        <Segmented
          legend="Side"
          name="side"
          value={side}
          onChange={setSide}
          options={[
            { value: 'buy', label: 'Buy' },
            { value: 'sell', label: 'Sell' },
          ]}
        />
        {side === 'buy' ? (
          <TextField
            label={`Amount (${currency})`}
            name="amount"
            inputMode="decimal"
            value={amount}
            onChange={(e) => setAmount(e.target.value)}
            error={clientError ?? fieldErrors.amount}
          />
        ) : (
          <SelectField
            label="Position to sell"
            name="tradeId"
            value={tradeId || sellable[0]?.id || ''}
            onChange={(e) => setTradeId(e.target.value)}
            error={clientError ?? fieldErrors.tradeId}
            disabled={sellable.length === 0}
          >
            {sellable.length === 0 ? <option value="">No open position in {symbol}</option> : null}
            {sellable.map((t) => (
              <option key={t.id} value={t.id}>
                {formatQuantity(t.quantity)} @ {formatPrice(t.entryPrice)} ({t.isPaper ? 'paper' : 'live'})
              </option>
            ))}
          </SelectField>
        )}
        {side === 'buy' ? (
          <ExitFields
            open={exitsOpen}
            onToggle={setExitsOpen}
            source={ruleExits.source}
            values={exitValues}
            errors={{ ...exitErrors, ...fieldErrors }}
            onChange={(values) => setEdited({ key: exitsKey, values })}
          />
        ) : null}
        <Segmented
          legend="Mode"
          name="mode"
          value={effectiveMode}
          onChange={setMode}
          options={[
            { value: 'paper', label: 'Paper' },
            { value: 'live', label: 'Live', onClass: 'seg-live', disabled: paperOnly },
          ]}
        />
        {paperOnly ? <p className="muted small">Your account trades on paper only.</p> : null}
        <FormError message={execute.error ? errorMessage(execute.error) : undefined} />
        {result ? (
          <output className="form-ok" data-testid="trade-result">
            {result.status === 'pending_approval'
              ? `Order for ${result.symbol} sent for admin approval.`
              : `${side === 'buy' ? 'Bought' : 'Sold'} ${result.symbol} for ${formatMoney(result.amount, result.currency)} (${result.status}).`}
          </output>
        ) : null}
        <button
          type="submit"
          className={side === 'buy' ? 'btn btn-buy' : 'btn btn-sell'}
          disabled={execute.isPending || (side === 'sell' && sellable.length === 0)}
        >
          {execute.isPending ? 'Sending…' : `${side === 'buy' ? 'Buy' : 'Sell'} ${symbol}`}
        </button>
      </form>
    </section>
  );
}

const EXIT_FIELDS: readonly { key: ManualExitKey; label: string; hint?: string }[] = [
  { key: 'takeProfitPct', label: 'Take profit %' },
  { key: 'stopLossPct', label: 'Stop loss %' },
  { key: 'takeProfitAtr', label: 'Take profit × ATR', hint: 'Blank = off; replaces the % when set' },
  { key: 'stopLossAtr', label: 'Stop loss × ATR', hint: 'Blank = off; replaces the % when set' },
  { key: 'trailingStopPct', label: 'Trailing stop %', hint: 'Blank = off' },
  { key: 'breakEvenAfterPct', label: 'Break-even after %', hint: 'Blank = off' },
  { key: 'maxHoldingHours', label: 'Max holding time (hours)', hint: 'Blank = off' },
];

/** The order's exit rules, folded away under the rule they come from until the trader opens them. */
function ExitFields({
  open,
  onToggle,
  source,
  values,
  errors,
  onChange,
}: {
  open: boolean;
  onToggle: (open: boolean) => void;
  source: string;
  values: ManualExitValues;
  errors: FieldErrors;
  onChange: (values: ManualExitValues) => void;
}) {
  const summary = `TP ${values.takeProfitPct || '—'} %, SL ${values.stopLossPct || '—'} %${
    values.trailingStopPct ? `, trailing ${values.trailingStopPct} %` : ''
  }${values.maxHoldingHours ? `, at most ${values.maxHoldingHours} h` : ''}`;
  return (
    <details
      className="exit-rules"
      open={open}
      onToggle={(e) => onToggle(e.currentTarget.open)}
      data-testid="trade-exits"
    >
      <summary>
        Exit rules{' '}
        <span className="muted small">
          ({summary}; from {source})
        </span>
      </summary>
      <div className="params-grid">
        {EXIT_FIELDS.map((f) => (
          <TextField
            key={f.key}
            label={f.label}
            name={f.key}
            inputMode="decimal"
            hint={f.hint}
            value={values[f.key]}
            error={errors[f.key]}
            onChange={(e) => onChange({ ...values, [f.key]: e.target.value })}
          />
        ))}
      </div>
    </details>
  );
}

/** A row of radio buttons drawn as one segmented control; the chosen segment is highlighted. */
function Segmented<V extends string>({
  legend,
  name,
  value,
  onChange,
  options,
}: {
  legend: string;
  name: string;
  value: V;
  onChange: (next: V) => void;
  options: readonly { value: V; label: string; onClass?: string; disabled?: boolean }[];
}) {
  return (
    <fieldset className="segmented">
      <legend>{legend}</legend>
      {options.map((o) => (
        <label
          key={o.value}
          className={o.value !== value ? 'seg' : o.onClass ? `seg seg-on ${o.onClass}` : 'seg seg-on'}
        >
          <input
            type="radio"
            name={name}
            value={o.value}
            checked={o.value === value}
            onChange={() => onChange(o.value)}
            disabled={o.disabled}
          />
          {o.label}
        </label>
      ))}
    </fieldset>
  );
}
