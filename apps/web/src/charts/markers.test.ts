import { withIndicators } from '@tradehits/core/indicators';
import { describe, expect, it } from 'vitest';
import { candleChartOption, candleTooltip, markerCounts } from './candles';
import { barIndexAt, type ChartMarkers, markerSeries } from './markers';

const H = 3_600_000;
const T0 = Date.UTC(2018, 0, 10);
const hourly = Array.from({ length: 5 }, (_, i) => T0 + i * H);

const markers: ChartMarkers = {
  detections: [
    {
      timeframe: '5m',
      barTime: T0 + 2 * H + 25 * 60_000,
      price: 0.09,
      confidence: 0.75,
      isLowestPoint: true,
      reasons: ['near24h', 'rsi', 'approaching'],
      notes: [],
    },
    {
      timeframe: '5m',
      barTime: T0 + 2 * H + 5 * 60_000,
      price: 0.091,
      confidence: 0.4,
      isLowestPoint: false,
      reasons: ['volume'],
      notes: [],
    },
  ],
  trades: [
    {
      id: 'a',
      status: 'closed',
      entryTime: new Date(T0 + 2 * H + 30 * 60_000),
      entryPrice: '0.0905',
      exitTime: new Date(T0 + 4 * H + 10 * 60_000).toISOString(),
      exitPrice: '0.0950',
      takeProfitPrice: '0.095',
      stopLossPrice: '0.088',
      executionReason: 'lowest-point',
      exitReason: 'take-profit',
    },
    {
      id: 'b',
      status: 'open',
      entryTime: new Date(T0 + 3 * H),
      entryPrice: '0.0920',
      exitTime: null,
      exitPrice: null,
      takeProfitPrice: '0.0966',
      stopLossPrice: '0.0874',
      executionReason: 'manual',
      exitReason: null,
    },
  ],
};

describe('barIndexAt', () => {
  it('finds the bar whose period holds an instant, and -1 outside the bars', () => {
    expect(barIndexAt(hourly, '1h', T0)).toBe(0);
    expect(barIndexAt(hourly, '1h', T0 + H - 1)).toBe(0);
    expect(barIndexAt(hourly, '1h', T0 + 4 * H + 59 * 60_000)).toBe(4);
    expect(barIndexAt(hourly, '1h', T0 + 5 * H)).toBe(-1);
    expect(barIndexAt(hourly, '1h', T0 - 1)).toBe(-1);
    expect(barIndexAt([], '1h', T0)).toBe(-1);
  });
});

describe('markerSeries', () => {
  const { series, notes } = markerSeries(hourly, '1h', markers);
  const byName = (name: string) => series.find((s) => s.name === name) as { data: { value: number[] }[] };

  it('draws the strongest detection of a bar, at its price, and lists every detection in the tooltip', () => {
    expect(byName('Detections').data.map((p) => p.value)).toEqual([[2, 0.09]]);
    expect(notes.get(2)).toEqual(
      expect.arrayContaining([
        'Lowest point (5m) 75%: near24h, rsi, approaching',
        'Detection (5m) 40%: volume',
        'Entry at 0.0905 (lowest-point)',
      ]),
    );
  });

  it('marks entries and exits on the bars that hold them, exits with their reason', () => {
    expect(byName('Entries').data.map((p) => p.value)).toEqual([
      [2, 0.0905],
      [3, 0.092],
    ]);
    expect(byName('Exits').data.map((p) => p.value)).toEqual([[4, 0.095]]);
    expect(notes.get(4)).toEqual(['Exit at 0.095 (take-profit)']);
  });

  it('draws TP and SL lines for open positions only', () => {
    const levels = series.find((s) => s.name === 'TP / SL') as { markLine: { data: { yAxis: number }[] } };
    expect(levels.markLine.data.map((l) => l.yAxis)).toEqual([0.0966, 0.0874]);
  });

  it('skips markers outside the bars shown', () => {
    const later = markerSeries(
      hourly.map((t) => t + 10 * H),
      '1h',
      markers,
    );
    expect(later.notes.size).toBe(0);
  });
});

describe('candleChartOption with markers', () => {
  const bars = withIndicators(
    hourly.map((openTime, i) => ({
      symbol: 'ETH/BTC',
      timeframe: '1h' as const,
      openTime,
      open: 0.09 + i / 1000,
      high: 0.092 + i / 1000,
      low: 0.089 + i / 1000,
      close: 0.091 + i / 1000,
      volume: 10,
      tradeCount: null,
    })),
  );
  const option = candleChartOption(bars, { timeframe: '1h', markers });

  it('counts what it draws', () => {
    expect(markerCounts(option)).toEqual({ detections: 1, entries: 2, exits: 1, levels: 2 });
  });

  it('writes OHLC and the markers into the tooltip instead of "Price —"', () => {
    const html = candleTooltip(bars, '1h', markerSeries(hourly, '1h', markers).notes, [
      { seriesName: 'Price', dataIndex: 2, value: [2, 0.092, 0.093, 0.091, 0.094] },
      { seriesName: 'SMA 9', dataIndex: 2, value: '-' },
    ]);
    expect(html).toContain('O 0.092 H 0.094 L 0.091 C 0.093');
    expect(html).not.toContain('Price —');
    expect(html).toContain('SMA 9 —');
    expect(html).toContain('Lowest point (5m) 75%: near24h, rsi, approaching');
  });

  it('explains an empty MACD pane', () => {
    expect(JSON.stringify(option.graphic)).toContain('MACD needs 34 bars; this range has 5');
  });

  it('shows hidden legend entries dimmer than shown ones', () => {
    const legend = option.legend as { inactiveColor: string; textStyle: { color: string } };
    expect(legend.inactiveColor).not.toBe(legend.textStyle.color);
    expect(legend.inactiveColor).toBe('#3b4656');
  });
});
