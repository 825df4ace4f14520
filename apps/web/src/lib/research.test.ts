import { describe, expect, it } from 'vitest';
import { describeRecommended, returnText, shareText, summaryRows } from './research';

describe('research formatting', () => {
  it('shows estimates with their intervals, signed where it matters', () => {
    expect(returnText({ value: 0.012, low: -0.004, high: 0.028 })).toBe('+1.20% [−0.40, +2.80]');
    expect(shareText({ value: 14 / 19, low: 0.526, high: 0.894 })).toBe('74% [53, 89]');
    expect(returnText(null)).toBe('—');
  });

  it('lists a summary the same way for both sides', () => {
    const rows = summaryRows({
      trades: 5,
      winRate: 0.2,
      pnlCents: -431,
      feesCents: 261,
      profitFactor: 0.36,
      meanReturn: -0.009,
      winRateInterval: { value: 0.2, low: 0, high: 0.6 },
      pnlInterval: { value: -431, low: -1212, high: 473 },
      meanReturnInterval: { value: -0.009, low: -0.024, high: 0.009 },
    });
    expect(rows.map((r) => r.value)).toEqual([
      '5',
      '20% [0, 60]',
      '-4.31 [-12.12, 4.73]',
      '2.61',
      '0.36',
      '−0.90% [−2.40, +0.90]',
    ]);
  });

  it('describes recommended parameters in words', () => {
    expect(
      describeRecommended({
        takeProfitPct: 3.99,
        stopLossPct: 3.09,
        takeProfitAtr: null,
        stopLossAtr: 2,
        trailingStopPct: 3.38,
        breakEvenAfterPct: null,
        maxHoldingHours: 12,
        buyAtLowestOnly: false,
        maxConcurrentTrades: 3,
      }),
    ).toBe(
      'take profit 3.99%, stop 2× ATR, trailing 3.38%, hold at most 12 h, any confident signal, 3 open at most',
    );
  });
});
