import type { LineSeriesOption } from 'echarts/charts';
import type {
  DataZoomComponentOption,
  GraphicComponentOption,
  GridComponentOption,
  TooltipComponentOption,
} from 'echarts/components';
import type { ComposeOption } from 'echarts/core';
import {
  axisLabelStyle,
  chartBase,
  emptyNotice,
  gridSplitLine,
  palette,
  referenceLines,
  timeAxis,
  tooltipFrame,
} from './theme';

/** The option shape of the equity-curve chart. */
export type EquityChartOption = ComposeOption<
  | LineSeriesOption
  | GridComponentOption
  | TooltipComponentOption
  | DataZoomComponentOption
  | GraphicComponentOption
>;

/** One point of an equity curve: UTC ms and account equity in USD. */
export type EquityPoint = readonly [time: number, equity: number];

/**
 * A backtest's equity over time on a UTC time axis, with the starting equity as a reference line so a
 * glance tells gain from loss. Pure; an empty curve yields a "No trades" notice.
 */
export function equityChartOption(curve: readonly EquityPoint[]): EquityChartOption {
  const first = curve[0]?.[1];
  const last = curve.at(-1)?.[1];
  const color = first !== undefined && last !== undefined && last < first ? palette.down : palette.equity;
  return {
    ...chartBase,
    useUTC: true,
    grid: { left: 64, right: 16, top: 16, bottom: 48 },
    tooltip: {
      trigger: 'axis',
      ...tooltipFrame,
      valueFormatter: (v) => (typeof v === 'number' ? `$${v.toFixed(2)}` : String(v)),
    },
    xAxis: timeAxis,
    yAxis: {
      type: 'value',
      scale: true,
      axisLabel: axisLabelStyle,
      splitLine: gridSplitLine,
    },
    dataZoom: [{ type: 'inside' }, { type: 'slider', height: 14, bottom: 4, borderColor: palette.axis }],
    ...(curve.length === 0 ? emptyNotice('No equity points', { top: 'middle', fontSize: 13 }) : {}),
    series: [
      {
        name: 'Equity',
        type: 'line',
        showSymbol: false,
        data: curve.map(([t, equity]) => [t, equity]),
        lineStyle: { width: 1.5, color },
        itemStyle: { color },
        areaStyle: { color, opacity: 0.08 },
        ...(first !== undefined ? { markLine: referenceLines(first) } : {}),
      },
    ],
  };
}
