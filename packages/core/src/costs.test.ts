import { describe, expect, it } from 'vitest';
import { prepareSeries, runBacktest } from './backtest';
import { type CostModel, describeCosts, exitOrderType, fillCosts } from './costs';
import { backtestParamsSchema } from './params';
import { loadBinance2018 } from './testing/binance-2018';

const MODEL: CostModel = {
  slippage: 'range-volume',
  takerFeeRate: 0.0026,
  makerFeeRate: 0.0016,
  slippageRate: 0.0005,
};

describe('fill costs', () => {
  const calm = { high: 100.2, low: 99.8, close: 100, volume: 1_000 };
  const wild = { high: 103, low: 97, close: 100, volume: 1_000 };

  it('charges the maker fee and no slippage on a take-profit limit, the taker fee elsewhere', () => {
    expect(exitOrderType('take-profit')).toBe('limit');
    expect(exitOrderType('trailing-stop')).toBe('market');
    expect(fillCosts(MODEL, 'limit', wild, 1_000)).toEqual({ feeRate: 0.0016, slippageRate: 0 });
    expect(fillCosts(MODEL, 'market', calm, 1_000).feeRate).toBe(0.0026);
  });

  it('slips more on a wide bar and on an order that is a larger share of the bar', () => {
    const small = fillCosts(MODEL, 'market', wild, 100).slippageRate;
    expect(small).toBeCloseTo(0.1 * 0.06 * (1 + 100 / 100_000), 12);
    expect(fillCosts(MODEL, 'market', wild, 100_000).slippageRate).toBeCloseTo(0.012, 12);
    expect(fillCosts(MODEL, 'market', calm, 100).slippageRate).toBe(0.0005); // the floor
    expect(fillCosts(MODEL, 'market', { ...wild, high: 160, low: 60 }, 100).slippageRate).toBe(0.02); // the cap
    expect(fillCosts(MODEL, 'market', { ...wild, volume: 0 }, 100).slippageRate).toBeCloseTo(0.012, 12);
    expect(fillCosts({ ...MODEL, slippage: 'fixed' }, 'market', wild, 100).slippageRate).toBe(0.0005);
  });

  it('names the model in the backtest report', () => {
    const prepared = prepareSeries(loadBinance2018().slice(0, 2), '5m');
    const result = runBacktest(prepared, { params: backtestParamsSchema.parse({}) });
    expect(result.costModel).toBe(describeCosts(MODEL));
    expect(result.notes).toContain(result.costModel);
    expect(result.costModel).toMatch(/^range-volume costs: taker 0.26 %.*maker 0.16 %/);
  }, 120_000);
});
