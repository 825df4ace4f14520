import { describe, expect, it } from 'vitest';
import { computeMetrics, type TradeRecord } from './metrics';

const H = 3_600_000;

function trade(symbol: string, entryTime: number, exitTime: number, pnlCents: number): TradeRecord {
  return {
    symbol,
    entryTime,
    exitTime,
    entryPrice: 1,
    exitPrice: 1,
    quantity: 1,
    costCents: 100,
    proceedsCents: 100 + pnlCents,
    feesCents: 0,
    pnlCents,
    exitReason: pnlCents > 0 ? 'take-profit' : 'stop-loss',
  };
}

describe('computeMetrics', () => {
  const trades = [trade('A', 0, 2 * H, 300), trade('B', H, 3 * H, -100), trade('A', 6 * H, 7 * H, -200)];
  const equity = [10_000, 10_300, 10_200, 10_000, 10_100].map((e, i) => ({
    time: (i + 1) * H,
    equityCents: e,
  }));
  const m = computeMetrics({ trades, equity, startCents: 10_000, barMs: H, from: 0, to: 10 * H });

  it('counts trades, wins, losses and P&L', () => {
    expect(m).toMatchObject({
      trades: 3,
      wins: 1,
      losses: 2,
      totalPnlCents: 0,
      bestTradeCents: 300,
      worstTradeCents: -200,
      profitFactor: 1,
      endCents: 10_100,
      returnPct: 0.01,
    });
    expect(m.winRate).toBeCloseTo(1 / 3, 12);
    expect(m.perSymbol).toEqual([
      { symbol: 'A', trades: 2, wins: 1, losses: 1, winRate: 0.5, pnlCents: 100 },
      { symbol: 'B', trades: 1, wins: 0, losses: 1, winRate: 0, pnlCents: -100 },
    ]);
  });

  it('measures drawdown from the peak and exposure as the union of time in market', () => {
    expect(m.maxDrawdownCents).toBe(300);
    expect(m.maxDrawdownPct).toBeCloseTo(300 / 10_300, 12);
    expect(m.exposure).toBeCloseTo(4 / 10, 12); // [0, 3h] ∪ [6h, 7h] over 10h
  });

  it('annualises Sharpe and Sortino by the bar spacing', () => {
    const r = [0, 0.03, -100 / 10_300, -200 / 10_200, 0.01];
    const mean = r.reduce((a, b) => a + b, 0) / r.length;
    const sd = Math.sqrt(r.reduce((a, x) => a + (x - mean) ** 2, 0) / (r.length - 1));
    const dd = Math.sqrt(r.reduce((a, x) => a + (x < 0 ? x * x : 0), 0) / r.length);
    expect(m.periodsPerYear).toBeCloseTo(8766, 6);
    expect(m.sharpe).toBeCloseTo((mean / sd) * Math.sqrt(8766), 9);
    expect(m.sortino).toBeCloseTo((mean / dd) * Math.sqrt(8766), 9);
  });

  it('reports nulls rather than made-up ratios when there is nothing to measure', () => {
    const empty = computeMetrics({ trades: [], equity: [], startCents: 100, barMs: H, from: 0, to: H });
    expect(empty).toMatchObject({
      trades: 0,
      winRate: null,
      averagePnlCents: null,
      profitFactor: null,
      sharpe: null,
      exposure: 0,
    });
  });
});
