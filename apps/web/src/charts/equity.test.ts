import { describe, expect, it } from 'vitest';
import { equityChartOption } from './equity';

type Line = {
  data: [number, number][];
  lineStyle: { color: string };
  markLine?: { data: { yAxis: number }[] };
};

describe('equityChartOption', () => {
  const t0 = Date.UTC(2018, 0, 10);
  const hour = 3_600_000;

  it('plots each point on a UTC time axis with the start equity as the reference line', () => {
    const option = equityChartOption([
      [t0, 10_000],
      [t0 + hour, 10_120.5],
      [t0 + 2 * hour, 10_080],
    ]);
    expect(option.useUTC).toBe(true);
    expect((option.xAxis as { type: string }).type).toBe('time');
    const [line] = option.series as Line[];
    expect(line!.data).toEqual([
      [t0, 10_000],
      [t0 + hour, 10_120.5],
      [t0 + 2 * hour, 10_080],
    ]);
    expect(line!.markLine?.data).toEqual([{ yAxis: 10_000 }]);
    expect(line!.lineStyle.color).toBe('#22c55e');
  });

  it('turns red when the run ends below where it started', () => {
    const [line] = equityChartOption([
      [t0, 10_000],
      [t0 + hour, 9_500],
    ]).series as Line[];
    expect(line!.lineStyle.color).toBe('#ef4444');
  });

  it('says so when there is nothing to plot', () => {
    const option = equityChartOption([]);
    const [line] = option.series as Line[];
    expect(line!.data).toEqual([]);
    expect(line!.markLine).toBeUndefined();
    expect(JSON.stringify(option.graphic)).toContain('No equity points');
  });

  it('formats tooltip values as dollars', () => {
    const tooltip = equityChartOption([[t0, 1]]).tooltip as { valueFormatter: (v: unknown) => string };
    expect(tooltip.valueFormatter(10_080.456)).toBe('$10080.46');
  });
});
