import { describe, expect, it } from 'vitest';
import { paramsToForm, validateParamsForm } from './params-form';

describe('params form', () => {
  it("starts a new set from the shared schema's defaults", () => {
    expect(paramsToForm()).toMatchObject({
      assetType: 'crypto',
      symbol: 'ALL',
      tradeAmount: '100',
      takeProfitPct: '3.99',
      stopLossPct: '3.09',
      trailingStopPct: '3.38',
      breakEvenAfterPct: '1.73',
      maxHoldingHours: '',
      maxConcurrentTrades: '3',
      tradingHoursStart: '00:00',
      tradingHoursEnd: '23:59',
    });
  });

  it('shows a stored set, decimal-string amount included', () => {
    const form = paramsToForm({ ...defaults(), tradeAmount: '250.50', symbol: 'BTC/USD' });
    expect(form.tradeAmount).toBe('250.50');
    expect(form.symbol).toBe('BTC/USD');
  });

  it('parses typed text into the input the server takes', () => {
    const result = validateParamsForm({
      ...paramsToForm(),
      symbol: 'btc/usd',
      tradeAmount: '250.5',
      stopLossPct: '1.5',
    });
    expect(result).toEqual({
      ok: true,
      input: expect.objectContaining({ symbol: 'BTC/USD', tradeAmount: 250.5, stopLossPct: 1.5 }),
    });
  });

  it("reports each bad field with the schema's message", () => {
    const result = validateParamsForm({
      ...paramsToForm(),
      tradeAmount: '12.345',
      takeProfitPct: '0',
      maxConcurrentTrades: '2.5',
      tradingHoursEnd: '24:00',
      symbol: 'not a symbol!',
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toEqual({
      tradeAmount: 'trade amount has at most 2 decimals',
      takeProfitPct: 'take-profit must be between 0.1 % and 100 %',
      maxConcurrentTrades: 'max concurrent trades must be a whole number',
      tradingHoursEnd: 'must be a UTC time as HH:MM (00:00 to 23:59)',
      symbol: 'must be ALL or a symbol such as BTC/USD or AAPL',
    });
  });

  it('treats an emptied box as missing, not as zero or the default', () => {
    const result = validateParamsForm({ ...paramsToForm(), stopLossPct: '  ' });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors.stopLossPct).toBe('stop-loss must be a number');
  });

  it('leaves a blank exit rule off, parses a filled one and explains a bad one', () => {
    const on = validateParamsForm({ ...paramsToForm(), trailingStopPct: '1.5', maxHoldingHours: '' });
    expect(on).toEqual({
      ok: true,
      input: expect.objectContaining({ trailingStopPct: 1.5, maxHoldingHours: null, stopLossAtr: null }),
    });
    const bad = validateParamsForm({ ...paramsToForm(), breakEvenAfterPct: 'abc', stopLossAtr: '30' });
    expect(bad.ok).toBe(false);
    if (bad.ok) return;
    expect(bad.errors.breakEvenAfterPct).toBe('break-even trigger must be a number');
    expect(bad.errors.stopLossAtr).toBe('stop-loss ATR multiple must be between 0.25 and 20');
    expect(paramsToForm({ ...defaults(), trailingStopPct: 2.5 }).trailingStopPct).toBe('2.5');
  });
});

function defaults() {
  return {
    assetType: 'crypto' as const,
    symbol: 'ALL',
    tradeAmount: '100.00',
    takeProfitPct: 3,
    stopLossPct: 2,
    maxConcurrentTrades: 3,
    buyAtLowestOnly: true,
    minSentimentScore: 0,
    requirePoliticalPositive: false,
    autoTradingEnabled: false,
    tradingHoursStart: '00:00',
    tradingHoursEnd: '23:59',
  };
}
