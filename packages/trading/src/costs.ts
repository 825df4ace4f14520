import type { Config } from '@tradehits/config';
import { type CostModel, describeCosts, fillCosts, type OrderType } from '@tradehits/core/costs';
import type { FillCosts } from '@tradehits/core/paper';
import type { Bar } from '@tradehits/core/types';

/** The part of a bar the cost model reads; a tick's bar carries it, a manual fill may have none. */
export type CostBar = Pick<Bar, 'high' | 'low' | 'close' | 'volume'>;

/** Paper fills' cost model: the backtester's, with the venue's fees and slippage from the config. */
export function paperCostModel(config: Config): CostModel {
  return {
    slippage: config.SLIPPAGE_MODEL,
    takerFeeRate: config.FEE_RATE,
    makerFeeRate: config.MAKER_FEE_RATE,
    slippageRate: config.SLIPPAGE_RATE,
  };
}

/** The paper cost model in words, for reports and the audit. */
export function paperCostsDescribed(config: Config): string {
  return describeCosts(paperCostModel(config));
}

/**
 * Fee and slippage of one paper fill of `notional` at `price`. Without a bar (a manual order between
 * ticks) the order meets no known range: slippage is the model's floor.
 */
export function paperFillCosts(
  config: Config,
  orderType: OrderType,
  bar: CostBar | null | undefined,
  price: number,
  notional: number,
): FillCosts {
  const met = bar ?? { high: price, low: price, close: price, volume: Number.POSITIVE_INFINITY };
  return fillCosts(paperCostModel(config), orderType, met, notional);
}
