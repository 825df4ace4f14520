import type { Metrics } from '@tradehits/core/metrics';
import { describe, expect, it } from 'vitest';
import { metricRows, perPairRows, tradesAsMarkers } from './backtest';

const base: Metrics = {
  trades: 4,
  wins: 3,
  losses: 1,
  winRate: 0.75,
  totalPnlCents: 12_345,
  averagePnlCents: 3086.25,
  bestTradeCents: 9_000,
  worstTradeCents: -1_500,
  profitFactor: 2.345,
  maxDrawdownCents: 2_000,
  maxDrawdownPct: 0.0198,
  sharpe: 1.234,
  sortino: null,
  exposure: 0.42,
  startCents: 1_000_000,
  endCents: 1_012_345,
  returnPct: 0.012345,
  periodsPerYear: 105_192,
  perSymbol: [],
};

const value = (m: Metrics, label: string) => metricRows(m).find((r) => r.label === label);

describe('metricRows', () => {
  it('shows money from integer cents and fractions as percentages', () => {
    expect(value(base, 'Return')).toEqual({ label: 'Return', value: '+1.23%', tone: 'up' });
    expect(value(base, 'Total P&L')).toEqual({ label: 'Total P&L', value: '+$123.45', tone: 'up' });
    expect(value(base, 'Start → end equity')?.value).toBe('$10,000.00 → $10,123.45');
    expect(value(base, 'Average P&L per trade')?.value).toBe('+$30.86');
    expect(value(base, 'Worst trade')).toEqual({ label: 'Worst trade', value: '-$15.00', tone: 'down' });
    expect(value(base, 'Max drawdown')?.value).toBe('$20.00 (1.98%)');
    expect(value(base, 'Win rate')?.value).toBe('75%');
    expect(value(base, 'Time in market')?.value).toBe('42%');
    expect(value(base, 'Trades')?.value).toBe('4 (3 won, 1 lost)');
  });

  it('writes ratios to two places and a dash where there is none', () => {
    expect(value(base, 'Profit factor')?.value).toBe('2.35');
    expect(value(base, 'Sharpe')?.value).toBe('1.23');
    expect(value(base, 'Sortino')?.value).toBe('—');
  });

  it('says "no losses" rather than a blank profit factor when every trade won', () => {
    expect(value({ ...base, losses: 0, wins: 4, profitFactor: null }, 'Profit factor')?.value).toBe(
      'no losses',
    );
  });

  it('shows dashes for a run without trades', () => {
    const idle: Metrics = {
      ...base,
      trades: 0,
      wins: 0,
      losses: 0,
      winRate: null,
      totalPnlCents: 0,
      averagePnlCents: null,
      bestTradeCents: null,
      worstTradeCents: null,
      profitFactor: null,
      maxDrawdownCents: 0,
      maxDrawdownPct: 0,
      returnPct: 0,
      endCents: 1_000_000,
    };
    expect(value(idle, 'Win rate')?.value).toBe('—');
    expect(value(idle, 'Best trade')?.value).toBe('—');
    expect(value(idle, 'Profit factor')?.value).toBe('—');
    expect(value(idle, 'Total P&L')).toEqual({ label: 'Total P&L', value: '$0.00', tone: 'flat' });
  });
});

describe('perPairRows and tradesAsMarkers', () => {
  const trade = (symbol: string, pnlCents: number, entryTime = 1_000) => ({
    symbol,
    entryTime,
    exitTime: entryTime + 300_000,
    entryPrice: 0.09,
    exitPrice: 0.095,
    costCents: 10_000,
    feesCents: 52,
    pnlCents,
    exitReason: pnlCents > 0 ? 'take-profit' : 'stop-loss',
  });
  const trades = [trade('XMR/BTC', -120), trade('ETH/BTC', 300), trade('ETH/BTC', -50, 9_000)];

  it('sums each pair, and the pairs add up to the whole', () => {
    const rows = perPairRows(trades);
    expect(rows).toEqual([
      { symbol: 'ETH/BTC', trades: 2, wins: 1, feesCents: 104, pnlCents: 250 },
      { symbol: 'XMR/BTC', trades: 1, wins: 0, feesCents: 52, pnlCents: -120 },
    ]);
    expect(rows.reduce((s, r) => s + r.pnlCents, 0)).toBe(trades.reduce((s, t) => s + t.pnlCents, 0));
  });

  it("turns one symbol's trades into closed markers with their exit reasons", () => {
    const marks = tradesAsMarkers(trades, 'ETH/BTC');
    expect(marks).toHaveLength(2);
    expect(marks[0]).toMatchObject({ status: 'closed', entryPrice: '0.09', exitReason: 'take-profit' });
    expect(marks[1]!.exitTime).toEqual(new Date(9_000 + 300_000));
  });
});
