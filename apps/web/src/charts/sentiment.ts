import type { SentimentAggregate } from '@tradehits/core/types';
import type { BarSeriesOption, LineSeriesOption } from 'echarts/charts';
import type {
  GraphicComponentOption,
  GridComponentOption,
  MarkLineComponentOption,
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
    ...chartBase,
    useUTC: true,
    grid: { left: 40, right: 36, top: 10, bottom: 24 },
    tooltip: {
      trigger: 'axis',
      ...tooltipFrame,
      valueFormatter: (v) => (typeof v === 'number' ? v.toFixed(0) : '—'),
    },
    xAxis: timeAxis,
    yAxis: [
      {
        type: 'value',
        min: -100,
        max: 100,
        interval: 50,
        axisLabel: axisLabelStyle,
        splitLine: gridSplitLine,
      },
      { type: 'value', min: 0, axisLabel: { show: false }, splitLine: { show: false } },
    ],
    ...(sorted.length === 0 ? emptyNotice('No sentiment history', { top: 'middle', fontSize: 12 }) : {}),
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
        markLine: referenceLines(0),
      },
    ],
  };
}
