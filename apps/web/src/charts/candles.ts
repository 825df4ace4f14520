import type { BarWithIndicators, Timeframe } from '@tradehits/core/types';
import type {
  BarSeriesOption,
  CandlestickSeriesOption,
  LineSeriesOption,
  ScatterSeriesOption,
} from 'echarts/charts';
import type {
  DataZoomComponentOption,
  GraphicComponentOption,
  GridComponentOption,
  LegendComponentOption,
  MarkLineComponentOption,
  TooltipComponentOption,
} from 'echarts/components';
import type { ComposeOption } from 'echarts/core';
import { formatPrice } from '../lib/format';
import type { ChartBar } from './forming';
import { type ChartMarkers, MARKER_SERIES, type MarkerNotes, markerSeries } from './markers';
import {
  axisLabelStyle,
  chartBase,
  emptyNotice,
  gridSplitLine,
  palette,
  referenceLines,
  tooltipFrame,
} from './theme';
import { formatBarTime } from './time';

/** The option shape the candlestick chart produces; only the chart and component types it registers. */
export type CandleChartOption = ComposeOption<
  | CandlestickSeriesOption
  | LineSeriesOption
  | BarSeriesOption
  | ScatterSeriesOption
  | GridComponentOption
  | TooltipComponentOption
  | DataZoomComponentOption
  | LegendComponentOption
  | GraphicComponentOption
  | MarkLineComponentOption
>;

/** The indicator fields a candle chart may draw over price, each with its legend name and colour. */
const PRICE_OVERLAYS = [
  { field: 'bbUpper', name: 'BB upper', color: palette.bbBand, dashed: true },
  { field: 'bbMiddle', name: 'BB middle', color: palette.bbMiddle, dashed: true },
  { field: 'bbLower', name: 'BB lower', color: palette.bbBand, dashed: true },
  { field: 'sma9', name: 'SMA 9', color: palette.sma9, dashed: false },
  { field: 'sma21', name: 'SMA 21', color: palette.sma21, dashed: false },
  { field: 'sma50', name: 'SMA 50', color: palette.sma50, dashed: false },
  { field: 'sma200', name: 'SMA 200', color: palette.sma200, dashed: false },
  { field: 'ema9', name: 'EMA 9', color: palette.ema9, dashed: false },
  { field: 'ema21', name: 'EMA 21', color: palette.ema21, dashed: false },
] as const satisfies readonly {
  field: keyof BarWithIndicators;
  name: string;
  color: string;
  dashed: boolean;
}[];

/** Legend entries shown at first; the rest start hidden so a narrow chart stays readable. */
const SHOWN_BY_DEFAULT = new Set(['BB upper', 'BB lower', 'SMA 9', 'SMA 21']);

/** A tooltip number at a precision that fits its size; warm-up gaps read as a dash. */
export function tooltipValue(value: unknown): string {
  return typeof value === 'number' && Number.isFinite(value) ? formatPrice(value) : '—';
}

const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** One series' entry in an axis tooltip, as ECharts passes it to a formatter. */
export interface TooltipParam {
  seriesName?: string;
  dataIndex: number;
  value?: unknown;
  marker?: unknown;
}

/**
 * The axis tooltip of a candle chart: the bar's time and OHLC, each shown indicator's value, then what
 * happened at that bar (detections with confidence and reasons, entries, exits with their reason).
 */
export function candleTooltip(
  bars: readonly ChartBar[],
  timeframe: Timeframe,
  notes: MarkerNotes,
  params: readonly TooltipParam[],
): string {
  const index = params[0]?.dataIndex;
  const bar = index === undefined ? undefined : bars[index];
  if (!bar || index === undefined) return '';
  const lines = [
    `<strong>${formatBarTime(bar.openTime, timeframe)}</strong>${bar.forming ? ` ${FORMING_LABEL[bar.forming]}` : ''}`,
    `O ${formatPrice(bar.open)} H ${formatPrice(bar.high)} L ${formatPrice(bar.low)} C ${formatPrice(bar.close)}`,
  ];
  const markerNames = new Set<string>(Object.values(MARKER_SERIES));
  for (const p of params) {
    if (!p.seriesName || p.seriesName === 'Price' || markerNames.has(p.seriesName)) continue;
    const value =
      typeof p.value === 'object' && p.value !== null && 'value' in p.value ? p.value.value : p.value;
    const marker = typeof p.marker === 'string' ? p.marker : '';
    lines.push(`${marker}${escapeHtml(p.seriesName)} ${tooltipValue(value)}`);
  }
  for (const note of notes.get(index) ?? []) lines.push(escapeHtml(note));
  return lines.join('<br/>');
}

/** How the tooltip names a bar built from 5-minute bars. */
const FORMING_LABEL: Record<NonNullable<ChartBar['forming']>, string> = {
  current: '<em>forming</em>',
  pending: '<em>from 5-minute bars, not stored yet</em>',
};

/** A candle in ECharts order [open, close, low, high]; a bar built from 5m bars is drawn hollow. */
function candle(bar: ChartBar) {
  const value = [bar.open, bar.close, bar.low, bar.high];
  if (!bar.forming) return value;
  return {
    value,
    itemStyle: { color: 'transparent', color0: 'transparent', opacity: 0.8, borderType: 'dashed' as const },
  };
}

/** Bars MACD(12, 26, 9) needs before its signal line has a value. */
const MACD_WARMUP_BARS = 34;

/** Bars the zoom window shows at first: enough to read the candles, the rest a scroll away. */
export const INITIAL_VISIBLE_BARS = 120;

// ECharts draws a gap for '-', which is what a warm-up null means: no value, not zero.
type Cell = number | '-';
const cell = (value: number | null): Cell => (value === null || !Number.isFinite(value) ? '-' : value);

/** A 1px indicator line in one pane (0 price, 1 RSI, 2 MACD), with gaps where the field is null. */
function thinLine(
  name: string,
  pane: number,
  color: string,
  bars: readonly BarWithIndicators[],
  field: (bar: BarWithIndicators) => number | null,
  type?: 'dashed' | 'solid',
): LineSeriesOption {
  return {
    name,
    type: 'line',
    xAxisIndex: pane,
    yAxisIndex: pane,
    data: bars.map((b) => cell(field(b))),
    showSymbol: false,
    lineStyle: { width: 1, color, ...(type ? { type } : {}) },
    itemStyle: { color },
  };
}

/**
 * Candles with Bollinger and moving-average overlays, and RSI and MACD panes below on a shared x axis.
 * Pure: same bars in, same option out. Empty input yields axes with a "No bars" notice.
 */
export function candleChartOption(
  bars: readonly ChartBar[],
  opts: { timeframe: Timeframe; title?: string; markers?: ChartMarkers },
): CandleChartOption {
  const marks = markerSeries(
    bars.map((b) => b.openTime),
    opts.timeframe,
    opts.markers ?? { detections: [], trades: [] },
  );
  // Indicators come with stored bars only; bars built from 5m bars never have them.
  const storedCount = bars.filter((b) => !b.forming).length;
  const macdEmpty = storedCount > 0 && bars.every((b) => b.macd === null);
  const categories = bars.map((b) => formatBarTime(b.openTime, opts.timeframe));
  const candles = bars.map(candle);
  const xIndexes = [0, 1, 2];
  const start = bars.length > INITIAL_VISIBLE_BARS ? 100 - (INITIAL_VISIBLE_BARS / bars.length) * 100 : 0;

  const axisCommon = {
    type: 'category' as const,
    data: categories,
    boundaryGap: true,
    axisLine: { lineStyle: { color: palette.axis } },
    axisTick: { show: false },
    splitLine: { show: false },
  };
  // Pane names sit rotated in the left margin, clear of the pane above.
  const paneName = (name: string) => ({
    name,
    nameLocation: 'middle' as const,
    nameGap: 44,
    nameTextStyle: axisLabelStyle,
  });
  const valueAxisCommon = {
    scale: true,
    axisLine: { show: false },
    axisLabel: axisLabelStyle,
    splitLine: gridSplitLine,
  };

  return {
    ...chartBase,
    ...(opts.title ? { title: { text: opts.title } } : {}),
    legend: {
      top: 0,
      left: 0,
      type: 'scroll',
      // Shown entries in full text colour, hidden ones dimmed (the default grey read brighter than shown).
      textStyle: { color: palette.text, fontSize: 10 },
      inactiveColor: palette.legendOff,
      inactiveBorderColor: palette.legendOff,
      itemWidth: 14,
      itemHeight: 8,
      data: [...PRICE_OVERLAYS.map((o) => o.name), ...Object.values(MARKER_SERIES)],
      selected: Object.fromEntries(PRICE_OVERLAYS.map((o) => [o.name, SHOWN_BY_DEFAULT.has(o.name)])),
    },
    tooltip: {
      trigger: 'axis',
      axisPointer: { type: 'cross', link: [{ xAxisIndex: 'all' }] },
      ...tooltipFrame,
      confine: true,
      formatter: (params: unknown) =>
        candleTooltip(
          bars,
          opts.timeframe,
          marks.notes,
          (Array.isArray(params) ? params : [params]) as TooltipParam[],
        ),
    },
    grid: [
      { left: 60, right: 12, top: 28, height: '50%' },
      { left: 60, right: 12, top: '64%', height: '11%' },
      { left: 60, right: 12, top: '78%', height: '11%' },
    ],
    xAxis: [
      { ...axisCommon, gridIndex: 0, axisLabel: { show: false } },
      { ...axisCommon, gridIndex: 1, axisLabel: { show: false } },
      { ...axisCommon, gridIndex: 2, axisLabel: axisLabelStyle },
    ],
    yAxis: [
      { ...valueAxisCommon, gridIndex: 0 },
      {
        ...valueAxisCommon,
        ...paneName('RSI'),
        gridIndex: 1,
        scale: false,
        min: 0,
        max: 100,
        splitNumber: 2,
      },
      { ...valueAxisCommon, ...paneName('MACD'), gridIndex: 2, splitNumber: 2 },
    ],
    dataZoom: [
      { type: 'inside', xAxisIndex: xIndexes, start, end: 100 },
      {
        type: 'slider',
        xAxisIndex: xIndexes,
        start,
        end: 100,
        height: 14,
        bottom: 2,
        borderColor: palette.axis,
        textStyle: { color: palette.muted },
      },
    ],
    ...(bars.length === 0
      ? emptyNotice('No bars for this range', { top: '30%', fontSize: 13 })
      : macdEmpty
        ? // MACD(12, 26, 9) needs 34 bars before its first value: say so rather than draw an empty pane.
          emptyNotice(`MACD needs ${MACD_WARMUP_BARS} bars; this range has ${storedCount}`, {
            top: '82%',
            fontSize: 11,
          })
        : {}),
    series: [
      {
        name: 'Price',
        type: 'candlestick',
        xAxisIndex: 0,
        yAxisIndex: 0,
        data: candles,
        itemStyle: {
          color: palette.up,
          color0: palette.down,
          borderColor: palette.up,
          borderColor0: palette.down,
        },
      },
      ...PRICE_OVERLAYS.map((o) =>
        thinLine(o.name, 0, o.color, bars, (b) => b[o.field], o.dashed ? 'dashed' : 'solid'),
      ),
      { ...thinLine('RSI 14', 1, palette.rsi, bars, (b) => b.rsi14), markLine: referenceLines(30, 70) },
      {
        name: 'MACD hist',
        type: 'bar',
        xAxisIndex: 2,
        yAxisIndex: 2,
        data: bars.map((b) =>
          b.macdHist === null
            ? '-'
            : { value: b.macdHist, itemStyle: { color: b.macdHist >= 0 ? palette.up : palette.down } },
        ),
      },
      thinLine('MACD', 2, palette.macd, bars, (b) => b.macd),
      thinLine('Signal', 2, palette.signal, bars, (b) => b.macdSignal),
      ...marks.series,
    ],
  };
}

/** How many detections, entries, exits and TP/SL lines an option draws (for labels and tests). */
export function markerCounts(option: CandleChartOption) {
  const series = (option.series ?? []) as {
    name?: string;
    data?: unknown[];
    markLine?: { data?: unknown[] };
  }[];
  const count = (name: string) => series.find((s) => s.name === name)?.data?.length ?? 0;
  return {
    detections: count(MARKER_SERIES.detections),
    entries: count(MARKER_SERIES.entries),
    exits: count(MARKER_SERIES.exits),
    levels: series.find((s) => s.name === MARKER_SERIES.levels)?.markLine?.data?.length ?? 0,
  };
}
