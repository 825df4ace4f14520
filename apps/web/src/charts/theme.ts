import type { GraphicComponentOption } from 'echarts/components';

/** Terminal palette shared by every chart; kept in step with the CSS custom properties in styles.css. */
export const palette = {
  text: '#c9d4e3',
  muted: '#7a8799',
  grid: '#1f2a37',
  axis: '#334155',
  up: '#22c55e',
  down: '#ef4444',
  bbBand: '#64748b',
  bbMiddle: '#94a3b8',
  sma9: '#38bdf8',
  sma21: '#f59e0b',
  sma50: '#a78bfa',
  sma200: '#f472b6',
  ema9: '#2dd4bf',
  ema21: '#facc15',
  rsi: '#38bdf8',
  macd: '#38bdf8',
  signal: '#f59e0b',
  equity: '#22c55e',
  tooltipBg: '#0f172a',
  detection: '#e879f9',
  detectionWeak: '#a78bfa',
  legendOff: '#3b4656',
} as const;

/** Chart-wide text and tooltip defaults for the dark terminal look. */
export const baseTextStyle = { color: palette.text, fontFamily: 'inherit', fontSize: 11 } as const;

/** The option fields every chart starts from: drawn at once, over the card's own background. */
export const chartBase = {
  animation: false,
  backgroundColor: 'transparent',
  textStyle: baseTextStyle,
} as const;

/** The tooltip box every chart draws; each chart adds its trigger and how it formats values. */
export const tooltipFrame = {
  backgroundColor: palette.tooltipBg,
  borderColor: palette.axis,
  textStyle: { color: palette.text, fontSize: 11 },
} as const;

/** Tick labels and small captions on every axis. */
export const axisLabelStyle = { color: palette.muted, fontSize: 10 } as const;

/** Horizontal grid lines behind a value axis. */
export const gridSplitLine = { lineStyle: { color: palette.grid } } as const;

/** A UTC time axis along the bottom (equity, sentiment); the chart sets `useUTC` beside it. */
export const timeAxis = {
  type: 'time',
  axisLine: { lineStyle: { color: palette.axis } },
  axisLabel: axisLabelStyle,
  splitLine: { show: false },
} as const;

/** Dashed, unlabelled, non-interactive horizontal lines at the given values (RSI 30/70, zero, start equity). */
export function referenceLines(...values: number[]) {
  return {
    silent: true,
    symbol: 'none',
    label: { show: false },
    lineStyle: { color: palette.muted, type: 'dashed', width: 1 },
    data: values.map((yAxis) => ({ yAxis })),
  } as const;
}

/** The `graphic` that writes why a chart is empty across its middle; spread in only when it is. */
export function emptyNotice(
  text: string,
  at: { top: string; fontSize: number },
): { graphic: GraphicComponentOption[] } {
  return {
    graphic: [
      {
        type: 'text',
        left: 'center',
        top: at.top,
        style: { text, fill: palette.muted, fontSize: at.fontSize },
      },
    ],
  };
}
