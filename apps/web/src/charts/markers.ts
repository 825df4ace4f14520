import { TIMEFRAME_MS, type Timeframe } from '@tradehits/core/types';
import type { LineSeriesOption, ScatterSeriesOption } from 'echarts/charts';
import { formatPrice, formatShare } from '../lib/format';
import { palette } from './theme';

/** One scatter point: [bar index, price] with optional per-point style. */
interface Point {
  value: [number, number];
  symbolSize?: number;
  itemStyle?: { color: string };
}

/** A detector judgement as a chart marks it. */
export interface DetectionMarker {
  timeframe: string;
  barTime: number;
  price: number;
  confidence: number;
  isLowestPoint: boolean;
  reasons: readonly string[];
  notes: readonly string[];
}

/** A trade as a chart marks it: numbers arrive as the ledger's decimal strings. */
export interface TradeMarker {
  id: string;
  status: string;
  entryTime: Date | string | null;
  entryPrice: string | null;
  exitTime: Date | string | null;
  exitPrice: string | null;
  takeProfitPrice: string | null;
  stopLossPrice: string | null;
  executionReason: string;
  exitReason: string | null;
}

/** What the markers of one chart come from. */
export interface ChartMarkers {
  detections: readonly DetectionMarker[];
  trades: readonly TradeMarker[];
}

/** The lines a marker adds to the bar's tooltip, by bar index. */
export type MarkerNotes = Map<number, string[]>;

/** Names of the marker series, also their legend entries. */
export const MARKER_SERIES = {
  detections: 'Detections',
  entries: 'Entries',
  exits: 'Exits',
  levels: 'TP / SL',
} as const;

const time = (t: Date | string | number | null): number | null => {
  if (t === null) return null;
  const ms = t instanceof Date ? t.getTime() : typeof t === 'number' ? t : Date.parse(t);
  return Number.isFinite(ms) ? ms : null;
};
const num = (s: string | null): number | null => {
  if (s === null) return null;
  const n = Number(s);
  return Number.isFinite(n) ? n : null;
};

/**
 * The index of the bar whose period holds instant `t`, or -1 when it falls outside the bars shown.
 * Bars are oldest first; a 5-minute detection lands on the hour or day bar that contains it.
 */
export function barIndexAt(openTimes: readonly number[], timeframe: Timeframe, t: number): number {
  let lo = 0;
  let hi = openTimes.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (openTimes[mid]! <= t) lo = mid + 1;
    else hi = mid;
  }
  const i = lo - 1;
  if (i < 0 || t >= openTimes[i]! + TIMEFRAME_MS[timeframe]) return -1;
  return i;
}

function addNote(notes: MarkerNotes, index: number, line: string) {
  const list = notes.get(index);
  if (list) list.push(line);
  else notes.set(index, [line]);
}

const OPEN_STATES = new Set(['open', 'opening', 'held', 'pending_approval', 'closing']);

/**
 * Scatter series for detections, entries and exits, and dashed TP/SL lines for open positions, all on
 * the price pane's category axis, plus the text each marked bar's tooltip adds. Pure: the same bars and
 * markers give the same series.
 */
export function markerSeries(
  openTimes: readonly number[],
  timeframe: Timeframe,
  markers: ChartMarkers,
): { series: (ScatterSeriesOption | LineSeriesOption)[]; notes: MarkerNotes } {
  const notes: MarkerNotes = new Map();
  const detections: Point[] = [];
  // Only the strongest detection of a bar is drawn; every one is listed in the tooltip.
  const drawn = new Map<number, number>();
  for (const d of markers.detections) {
    const i = barIndexAt(openTimes, timeframe, d.barTime);
    if (i < 0) continue;
    const why = d.reasons.length ? d.reasons.join(', ') : 'no condition held';
    const kind = d.isLowestPoint ? 'Lowest point' : 'Detection';
    addNote(notes, i, `${kind} (${d.timeframe}) ${formatShare(d.confidence)}: ${why}`);
    const best = drawn.get(i);
    if (best === undefined || d.confidence > best) drawn.set(i, d.confidence);
  }
  for (const d of markers.detections) {
    const i = barIndexAt(openTimes, timeframe, d.barTime);
    if (i < 0 || drawn.get(i) !== d.confidence) continue;
    drawn.delete(i);
    detections.push({
      value: [i, d.price],
      symbolSize: d.isLowestPoint ? 12 : 8,
      itemStyle: { color: d.isLowestPoint ? palette.detection : palette.detectionWeak },
    });
  }

  const entries: Point[] = [];
  const exits: Point[] = [];
  const levels: { yAxis: number; name: string; lineStyle: { color: string } }[] = [];
  for (const t of markers.trades) {
    const entryAt = time(t.entryTime);
    const entryPrice = num(t.entryPrice);
    if (entryAt !== null && entryPrice !== null) {
      const i = barIndexAt(openTimes, timeframe, entryAt);
      if (i >= 0) {
        entries.push({ value: [i, entryPrice] });
        addNote(notes, i, `Entry at ${formatPrice(entryPrice)} (${t.executionReason})`);
      }
    }
    const exitAt = time(t.exitTime);
    const exitPrice = num(t.exitPrice);
    if (exitAt !== null && exitPrice !== null) {
      const i = barIndexAt(openTimes, timeframe, exitAt);
      if (i >= 0) {
        exits.push({ value: [i, exitPrice] });
        addNote(notes, i, `Exit at ${formatPrice(exitPrice)} (${t.exitReason ?? 'closed'})`);
      }
    }
    if (OPEN_STATES.has(t.status)) {
      const tp = num(t.takeProfitPrice);
      const sl = num(t.stopLossPrice);
      if (tp !== null) levels.push({ yAxis: tp, name: 'TP', lineStyle: { color: palette.up } });
      if (sl !== null) levels.push({ yAxis: sl, name: 'SL', lineStyle: { color: palette.down } });
    }
  }

  const scatter = (
    name: string,
    data: Point[],
    symbol: string,
    color: string,
    extra: Partial<ScatterSeriesOption> = {},
  ): ScatterSeriesOption => ({
    name,
    type: 'scatter',
    xAxisIndex: 0,
    yAxisIndex: 0,
    data,
    symbol,
    symbolSize: 11,
    itemStyle: { color, borderColor: palette.tooltipBg, borderWidth: 1 },
    z: 5,
    ...extra,
  });
  const series: (ScatterSeriesOption | LineSeriesOption)[] = [
    scatter(MARKER_SERIES.detections, detections, 'diamond', palette.detection),
    scatter(MARKER_SERIES.entries, entries, 'triangle', palette.up, { symbolOffset: [0, 8] }),
    scatter(MARKER_SERIES.exits, exits, 'pin', palette.signal, { symbolSize: 16 }),
    {
      // An empty line series that only carries the TP/SL mark lines, so the legend can hide them.
      name: MARKER_SERIES.levels,
      type: 'line',
      xAxisIndex: 0,
      yAxisIndex: 0,
      data: [],
      itemStyle: { color: palette.muted },
      markLine: {
        silent: true,
        symbol: 'none',
        lineStyle: { type: 'dashed', width: 1 },
        label: {
          show: true,
          position: 'insideEndTop',
          color: palette.text,
          fontSize: 10,
          formatter: '{b} {c}',
        },
        data: levels,
      },
    },
  ];
  return { series, notes };
}
