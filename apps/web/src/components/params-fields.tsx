import type { FieldErrors } from '../lib/errors';
import type { ParamsFormValues } from '../lib/params-form';
import { CheckboxField, SelectField, TextField } from './field';

/** Every trade-parameter input, labelled by its name, with its error; shared by settings and backtest. */
export function ParamsFields({
  values,
  errors,
  onChange,
  omit = [],
}: {
  values: ParamsFormValues;
  errors: FieldErrors;
  onChange: (next: ParamsFormValues) => void;
  omit?: readonly (keyof ParamsFormValues)[];
}) {
  const set = <K extends keyof ParamsFormValues>(key: K, value: ParamsFormValues[K]) =>
    onChange({ ...values, [key]: value });
  const text = (key: keyof ParamsFormValues) => ({
    name: key,
    value: String(values[key]),
    error: errors[key],
    onChange: (e: { target: { value: string } }) => set(key, e.target.value as never),
  });
  const check = (key: 'buyAtLowestOnly' | 'requirePoliticalPositive' | 'autoTradingEnabled') => ({
    name: key,
    checked: values[key],
    error: errors[key],
    onChange: (e: { target: { checked: boolean } }) => set(key, e.target.checked),
  });
  const shown = (key: keyof ParamsFormValues) => !omit.includes(key);

  return (
    <div className="params-grid">
      {shown('assetType') ? (
        <SelectField
          label="Asset type"
          name="assetType"
          value={values.assetType}
          error={errors.assetType}
          onChange={(e) => set('assetType', e.target.value as ParamsFormValues['assetType'])}
        >
          <option value="crypto">Crypto</option>
          <option value="stock">Stock</option>
        </SelectField>
      ) : null}
      {shown('symbol') ? (
        <TextField label="Symbol" hint="ALL, or one symbol such as BTC/USD or AAPL" {...text('symbol')} />
      ) : null}
      <TextField label="Trade amount (USD)" inputMode="decimal" {...text('tradeAmount')} />
      <TextField label="Take profit %" inputMode="decimal" {...text('takeProfitPct')} />
      <TextField label="Stop loss %" inputMode="decimal" {...text('stopLossPct')} />
      <TextField
        label="Take profit × ATR"
        inputMode="decimal"
        hint="Blank = off. Take profit at this many ATR(14) above entry, instead of the %"
        {...text('takeProfitAtr')}
      />
      <TextField
        label="Stop loss × ATR"
        inputMode="decimal"
        hint="Blank = off. Stop at this many ATR(14) below entry, instead of the %"
        {...text('stopLossAtr')}
      />
      <TextField
        label="Trailing stop %"
        inputMode="decimal"
        hint="Blank = off. Sells when the price falls this far below its highest since entry"
        {...text('trailingStopPct')}
      />
      <TextField
        label="Break-even after %"
        inputMode="decimal"
        hint="Blank = off. Once up this much, the stop moves to the entry price"
        {...text('breakEvenAfterPct')}
      />
      <TextField
        label="Max holding time (hours)"
        inputMode="decimal"
        hint="Blank = off. Sells at the first bar close after this long"
        {...text('maxHoldingHours')}
      />
      <TextField label="Max concurrent trades" inputMode="numeric" {...text('maxConcurrentTrades')} />
      <TextField
        label="Min sentiment score"
        inputMode="numeric"
        hint="−100 to 100; trades need at least this sentiment"
        {...text('minSentimentScore')}
      />
      {/* Text, not type="time": a time picker shows local 12-hour clocks, and these hours are UTC. */}
      <TextField label="Trading hours start (UTC)" placeholder="HH:MM" {...text('tradingHoursStart')} />
      <TextField label="Trading hours end (UTC)" placeholder="HH:MM" {...text('tradingHoursEnd')} />
      <CheckboxField label="Buy at lowest only" {...check('buyAtLowestOnly')} />
      <CheckboxField label="Require political positive" {...check('requirePoliticalPositive')} />
      {shown('autoTradingEnabled') ? (
        <CheckboxField label="Auto-trading enabled" {...check('autoTradingEnabled')} />
      ) : null}
    </div>
  );
}
