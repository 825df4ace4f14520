import { describe, expect, it } from 'vitest';
import { manualExitsFromRules, validateManualExits } from './manual-exits';

const ALL = {
  assetType: 'crypto',
  symbol: 'ALL',
  takeProfitPct: 4,
  stopLossPct: 2,
  trailingStopPct: 1.5,
  breakEvenAfterPct: null,
  maxHoldingHours: 6,
};

describe('manual trade exits', () => {
  it('fills the boxes from the rule that governs the symbol', () => {
    const own = { ...ALL, symbol: 'ETH/BTC', takeProfitPct: 5, trailingStopPct: null };
    expect(manualExitsFromRules([ALL, own], 'crypto', 'ETH/BTC')).toMatchObject({
      values: { takeProfitPct: '5', trailingStopPct: '', maxHoldingHours: '6' },
      source: 'your ETH/BTC parameters',
    });
    expect(manualExitsFromRules([ALL, own], 'crypto', 'LTC/BTC')).toMatchObject({
      values: { takeProfitPct: '4', trailingStopPct: '1.5', breakEvenAfterPct: '' },
      source: 'your ALL parameters',
    });
    expect(manualExitsFromRules([], 'crypto', 'LTC/BTC').source).toBe('the default parameters');
  });

  it('validates as the parameters do: blank optional rules are off, TP and SL are required', () => {
    const { values } = manualExitsFromRules([ALL], 'crypto', 'ETH/BTC');
    expect(validateManualExits(values)).toEqual({
      ok: true,
      exits: {
        takeProfitPct: 4,
        stopLossPct: 2,
        takeProfitAtr: null,
        stopLossAtr: null,
        trailingStopPct: 1.5,
        breakEvenAfterPct: null,
        maxHoldingHours: 6,
      },
    });
    const bad = validateManualExits({ ...values, stopLossPct: '', trailingStopPct: '0.05' });
    expect(bad).toEqual({
      ok: false,
      errors: {
        stopLossPct: 'stop-loss must be a number',
        trailingStopPct: 'trailing stop must be between 0.1 % and 50 %',
      },
    });
  });
});
