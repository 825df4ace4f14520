import type { SentimentAggregate } from '@tradehits/core/types';
import type { BarSeriesOption, LineSeriesOption } from 'echarts/charts';
import type {
  GraphicComponentOption,
  GridComponentOption,
  MarkLineComponentOption,
  TooltipComponentOption,
} from 'echarts/components';
import type { ComposeOption } from 'echarts/core';
import { baseTextStyle, palette } from './theme';

/** The option shape of the sentiment timeline. */
export type SentimentChartOption = ComposeOption<
  | LineSeriesOption
  | BarSeriesOption
  | GridComponentOption
  | TooltipComponentOption
  | GraphicComponentOption
  | MarkLineComponentOption
>;

/**
 * Hourly sentiment of one symbol: the average score (−100…100) as a line over zero, and how many
 * items each hour rests on as faint bars, so a swing on two posts reads differently from one on two
 * hundred. Hours with no evidence are gaps. Pure.
 */
export function sentimentChartOption(points: readonly SentimentAggregate[]): SentimentChartOption {
  const sorted = [...points].sort((a, b) => a.asOf - b.asOf);
  return {
    animation: false,
    backgroundColor: 'transparent',
    textStyle: baseTextStyle,
    useUTC: true,
    grid: { left: 40, right: 36, top: 10, bottom: 24 },
    tooltip: {
      trigger: 'axis',
      backgroundColor: palette.tooltipBg,
      borderColor: palette.axis,
      textStyle: { color: palette.text, fontSize: 11 },
      valueFormatter: (v) => (typeof v === 'number' ? v.toFixed(0) : '—'),
    },
    xAxis: {
      type: 'time',
      axisLine: { lineStyle: { color: palette.axis } },
      axisLabel: { color: palette.muted, fontSize: 10 },
      splitLine: { show: false },
    },
    yAxis: [
      {
        type: 'value',
        min: -100,
        max: 100,
        interval: 50,
        axisLabel: { color: palette.muted, fontSize: 10 },
        splitLine: { lineStyle: { color: palette.grid } },
      },
      { type: 'value', min: 0, axisLabel: { show: false }, splitLine: { show: false } },
    ],
    ...(sorted.length === 0
      ? {
          graphic: [
            {
              type: 'text',
              left: 'center',
              top: 'middle',
              style: { text: 'No sentiment history', fill: palette.muted, fontSize: 12 },
            },
          ],
        }
      : {}),
    series: [
      {
        name: 'Items',
        type: 'bar',
        yAxisIndex: 1,
        data: sorted.map((p) => [p.asOf, p.total]),
        itemStyle: { color: palette.axis, opacity: 0.5 },
        barMaxWidth: 6,
      },
      {
        name: 'Sentiment',
        type: 'line',
        yAxisIndex: 0,
        showSymbol: false,
        connectNulls: false,
        data: sorted.map((p) => [p.asOf, p.average ?? '-']),
        lineStyle: { width: 1.5, color: palette.rsi },
        itemStyle: { color: palette.rsi },
        markLine: {
          silent: true,
          symbol: 'none',
          label: { show: false },
          lineStyle: { color: palette.muted, type: 'dashed', width: 1 },
          data: [{ yAxis: 0 }],
        },
      },
    ],
  };
}
