/**
 * Test fixture: the seed's entry and exit rules (lowest points only, fixed 3 % take-profit and 2 %
 * stop-loss, no trailing or break-even), which the engine and backtest cases are written against.
 */
export const SEED_RULES = {
  buyAtLowestOnly: true,
  takeProfitPct: 3,
  stopLossPct: 2,
  trailingStopPct: null,
  breakEvenAfterPct: null,
};
