import { describe, expect, it } from 'vitest';
import { profitChartOption } from './profit';

describe('profitChartOption', () => {
  const option = profitChartOption(
    [
      { day: '2018-01-10', pnlCents: 150, cumulativeCents: 150 },
      { day: '2018-01-11', pnlCents: -62, cumulativeCents: 88 },
    ],
    'BTC',
  );
  const series = option.series as { name: string; data: unknown[] }[];

  it('draws daily bars coloured by sign and the running total', () => {
    expect(series[0]!.data).toEqual([
      { value: 1.5, itemStyle: { color: '#22c55e' } },
      { value: -0.62, itemStyle: { color: '#ef4444' } },
    ]);
    expect(series[1]!.data).toEqual([1.5, 0.88]);
  });

  it('labels amounts in the account currency, never dollars for BTC', () => {
    const format = (option.tooltip as { valueFormatter: (v: unknown) => string }).valueFormatter;
    expect(format(-0.62)).toBe('-0.62 BTC');
    expect((option.yAxis as { name: string }).name).toBe('BTC');
  });

  it('says so when nothing has closed', () => {
    expect(JSON.stringify(profitChartOption([], 'USD').graphic)).toContain('No closed trades yet');
  });
});
