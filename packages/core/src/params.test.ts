import { describe, expect, it } from 'vitest';
import {
  backtestParamsSchema,
  minutesOfDay,
  tradeParametersSchema,
  tradeParametersUpdateSchema,
} from './params';

const messages = (input: unknown) =>
  tradeParametersSchema.safeParse(input).error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`) ?? [];

describe('tradeParametersSchema', () => {
  it('fills safe defaults: auto-trading off, whole day, all symbols', () => {
    const p = tradeParametersSchema.parse({});
    expect(p).toMatchObject({ symbol: 'ALL', autoTradingEnabled: false, tradingHoursStart: '00:00' });
  });

  it('normalises a symbol and accepts ALL', () => {
    expect(tradeParametersSchema.parse({ symbol: ' btc/usd ' }).symbol).toBe('BTC/USD');
    expect(tradeParametersSchema.parse({ symbol: 'all' }).symbol).toBe('ALL');
  });

  it.each([
    [{ takeProfitPct: 0.05 }, 'takeProfitPct: take-profit must be between 0.1 % and 100 %'],
    [{ takeProfitPct: 101 }, 'takeProfitPct: take-profit must be between 0.1 % and 100 %'],
    [{ stopLossPct: 60 }, 'stopLossPct: stop-loss must be between 0.1 % and 50 %'],
    [{ maxConcurrentTrades: 0 }, 'maxConcurrentTrades: max concurrent trades must be between 1 and 50'],
    [{ maxConcurrentTrades: 2.5 }, 'maxConcurrentTrades: max concurrent trades must be a whole number'],
    [{ tradeAmount: 0 }, 'tradeAmount: trade amount must be greater than 0'],
    [{ tradeAmount: 10.005 }, 'tradeAmount: trade amount has at most 2 decimals'],
    [{ tradingHoursEnd: '24:00' }, 'tradingHoursEnd: must be a UTC time as HH:MM (00:00 to 23:59)'],
    [{ minSentimentScore: -101 }, 'minSentimentScore: min sentiment must be between -100 and 100'],
    [{ symbol: 'BTC USD' }, 'symbol: must be ALL or a symbol such as BTC/USD or AAPL'],
    [{ assetType: 'bond' }, 'assetType: must be crypto or stock'],
    [{ takeProfitPct: 2.555 }, 'takeProfitPct: take-profit has at most 2 decimals'],
    [{ stopLossPct: 1.001 }, 'stopLossPct: stop-loss has at most 2 decimals'],
    [{ minSentimentScore: 10.5 }, 'minSentimentScore: min sentiment must be a whole number'],
  ])('rejects %o with a clear message', (input, message) => {
    expect(messages(input)).toContain(message);
  });
});

describe('tradeParametersUpdateSchema', () => {
  it('keeps only the fields given: no defaults fill the rest', () => {
    expect(tradeParametersUpdateSchema.parse({ takeProfitPct: 4 })).toEqual({ takeProfitPct: 4 });
    expect(tradeParametersUpdateSchema.parse({})).toEqual({});
  });

  it('checks each field as the full schema does', () => {
    const r = tradeParametersUpdateSchema.safeParse({ takeProfitPct: 2.555, symbol: 'btc/usd' });
    expect(r.error?.issues.map((i) => i.path.join('.'))).toEqual(['takeProfitPct']);
    expect(tradeParametersUpdateSchema.parse({ symbol: ' btc/usd ' })).toEqual({ symbol: 'BTC/USD' });
    expect(Object.keys(tradeParametersUpdateSchema.shape)).toEqual(Object.keys(tradeParametersSchema.shape));
  });
});

describe('backtestParamsSchema', () => {
  it('turns auto-trading on and ignores sentiment by default', () => {
    const p = backtestParamsSchema.parse({ params: { takeProfitPct: 5 } });
    expect(p.params.autoTradingEnabled).toBe(true);
    expect(p.params.takeProfitPct).toBe(5);
    expect(p.sentiment).toBe('ignore');
    expect(p.detector.evidenceWindow).toBe(12);
    expect(p.feeRate).toBe(0.0026);
  });

  it('rejects an unknown sentiment mode', () => {
    expect(backtestParamsSchema.safeParse({ sentiment: 'maybe' }).success).toBe(false);
  });
});

describe('minutesOfDay', () => {
  it('parses HH:MM and refuses anything else', () => {
    expect(minutesOfDay('13:45')).toBe(825);
    expect(() => minutesOfDay('7:5')).toThrow(/HH:MM/);
  });
});
