import type { FillCosts } from './paper';
import type { Bar, ExitReason } from './types';

/**
 * Trading costs per fill, pure. The fee follows the order type: a take-profit rests on the book as a
 * limit order and pays the maker fee with no slippage; entries, stops, the holding deadline and the end
 * of a run are market (or stop-market) orders that pay the taker fee and slip.
 *
 * 'range-volume' slippage reads the bar the order meets: a tenth of its high–low range (a proxy for the
 * spread and the move while the order works), scaled up to twice that as the order's size approaches
 * the bar's whole traded value, and never below the floor `slippageRate`. 'fixed' slips by
 * `slippageRate` on every market fill, as the paper broker does.
 */

export const SLIPPAGE_MODELS = ['fixed', 'range-volume'] as const;
export type SlippageModel = (typeof SLIPPAGE_MODELS)[number];

/** A run's cost model: the venue's fees by order type and how slippage is judged. */
export interface CostModel {
  slippage: SlippageModel;
  takerFeeRate: number;
  makerFeeRate: number;
  /** 'fixed': the slippage of every market fill; 'range-volume': its floor. */
  slippageRate: number;
}

/** Share of the bar's range a market order gives up. */
const RANGE_SHARE = 0.1;
/** Slippage never exceeds this, whatever the bar (a halted or broken bar must not book a ruinous fill). */
const MAX_SLIPPAGE = 0.02;

export type OrderType = 'market' | 'limit';

/** The order type an exit uses: a take-profit rests as a limit order, everything else is a market order. */
export function exitOrderType(reason: ExitReason): OrderType {
  return reason === 'take-profit' ? 'limit' : 'market';
}

/**
 * The fee and slippage rates for one fill of `notional` (quote currency) against `bar`, the bar the
 * order meets (for an entry decided at a close: that signal bar, the last one known).
 */
export function fillCosts(
  model: CostModel,
  orderType: OrderType,
  bar: Pick<Bar, 'high' | 'low' | 'close' | 'volume'>,
  notional: number,
): FillCosts {
  if (orderType === 'limit') return { feeRate: model.makerFeeRate, slippageRate: 0 };
  if (model.slippage === 'fixed') return { feeRate: model.takerFeeRate, slippageRate: model.slippageRate };
  const range = bar.close > 0 ? (bar.high - bar.low) / bar.close : 0;
  const traded = bar.volume * bar.close;
  const participation = traded > 0 ? Math.min(1, notional / traded) : 1;
  const slip = Math.max(model.slippageRate, RANGE_SHARE * range * (1 + participation));
  return { feeRate: model.takerFeeRate, slippageRate: Math.min(MAX_SLIPPAGE, slip) };
}

/** The model in words, printed in every report that used it. */
export function describeCosts(model: CostModel): string {
  const pct = (r: number) => `${(r * 100).toFixed(2)} %`;
  const fees = `taker ${pct(model.takerFeeRate)} on market fills, maker ${pct(model.makerFeeRate)} on take-profit limits`;
  return model.slippage === 'fixed'
    ? `fixed costs: ${fees}, slippage ${pct(model.slippageRate)} on market fills`
    : `range-volume costs: ${fees}; market fills slip ${RANGE_SHARE} × the bar's high–low range, up to twice that as the order nears the bar's traded value (floor ${pct(model.slippageRate)}, cap ${pct(MAX_SLIPPAGE)})`;
}
