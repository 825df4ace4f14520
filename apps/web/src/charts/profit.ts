import type { BarSeriesOption, LineSeriesOption } from 'echarts/charts';
import type {
  GraphicComponentOption,
  GridComponentOption,
  LegendComponentOption,
  TooltipComponentOption,
} from 'echarts/components';
import type { ComposeOption } from 'echarts/core';
import { axisLabelStyle, chartBase, emptyNotice, gridSplitLine, palette, tooltipFrame } from './theme';

/** The option shape of the daily profit chart. */
export type ProfitChartOption = ComposeOption<
  | BarSeriesOption
  | LineSeriesOption
  | GridComponentOption
  | TooltipComponentOption
  | LegendComponentOption
  | GraphicComponentOption
>;

/** One UTC day of closed trades: net P&L that day and the running total, in cents. */
export interface ProfitDay {
  day: string;
  pnlCents: number;
  cumulativeCents: number;
}

/**
 * Net profit per UTC day as bars (green gain, red loss) and the cumulative profit as a line, amounts in
 * `currency`. Pure; no days yields a "No closed trades" notice.
 */
export function profitChartOption(days: readonly ProfitDay[], currency: string): ProfitChartOption {
  const amount = (cents: number) => cents / 100;
  return {
    ...chartBase,
    grid: { left: 64, right: 16, top: 28, bottom: 28 },
    legend: {
      top: 0,
      left: 0,
      textStyle: { color: palette.text, fontSize: 10 },
      inactiveColor: palette.legendOff,
    },
    tooltip: {
      trigger: 'axis',
      ...tooltipFrame,
      valueFormatter: (v) => (typeof v === 'number' ? `${v.toFixed(2)} ${currency}` : String(v)),
    },
    xAxis: {
      type: 'category',
      data: days.map((d) => d.day),
      axisLine: { lineStyle: { color: palette.axis } },
      axisLabel: axisLabelStyle,
    },
    yAxis: { type: 'value', name: currency, axisLabel: axisLabelStyle, splitLine: gridSplitLine },
    ...(days.length === 0 ? emptyNotice('No closed trades yet', { top: 'middle', fontSize: 12 }) : {}),
    series: [
      {
        name: 'Daily profit',
        type: 'bar',
        data: days.map((d) => ({
          value: amount(d.pnlCents),
          itemStyle: { color: d.pnlCents >= 0 ? palette.up : palette.down },
        })),
      },
      {
        name: 'Cumulative',
        type: 'line',
        showSymbol: days.length < 40,
        data: days.map((d) => amount(d.cumulativeCents)),
        lineStyle: { width: 1.5, color: palette.sma9 },
        itemStyle: { color: palette.sma9 },
      },
    ],
  };
}
