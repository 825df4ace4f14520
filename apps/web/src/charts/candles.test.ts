import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { withIndicators } from '@tradehits/core/indicators';
import type { Bar, BarWithIndicators } from '@tradehits/core/types';
import { describe, expect, it } from 'vitest';
import { candleChartOption, INITIAL_VISIBLE_BARS, tooltipValue } from './candles';

const DATA = fileURLToPath(
  new URL('../../../../../shared/data/market/binance-2018-01/ETH_BTC-5m.json', import.meta.url),
);

function loadEthBtc(count: number): BarWithIndicators[] {
  const rows = JSON.parse(readFileSync(DATA, 'utf8')) as [number, number, number, number, number, number][];
  const bars: Bar[] = rows.slice(0, count).map(([openTime, open, high, low, close, volume]) => ({
    symbol: 'ETH/BTC',
    timeframe: '5m',
    openTime,
    open,
    high,
    low,
    close,
    volume,
    tradeCount: null,
  }));
  return withIndicators(bars);
}

type Series = { name: string; type: string; data: unknown[]; xAxisIndex: number; yAxisIndex: number };
const seriesOf = (option: ReturnType<typeof candleChartOption>) => option.series as Series[];
const byName = (option: ReturnType<typeof candleChartOption>, name: string) => {
  const found = seriesOf(option).find((s) => s.name === name);
  if (!found) throw new Error(`no series named ${name}`);
  return found;
};

describe('candleChartOption on real ETH/BTC 5m bars', () => {
  const bars = loadEthBtc(300);
  const option = candleChartOption(bars, { timeframe: '5m' });

  it('draws one candle per bar in ECharts order [open, close, low, high]', () => {
    const candles = byName(option, 'Price');
    expect(candles.type).toBe('candlestick');
    expect(candles.data).toHaveLength(300);
    const first = bars[0]!;
    expect(candles.data[0]).toEqual([first.open, first.close, first.low, first.high]);
  });

  it('labels the shared x axis with UTC times, one per bar, on all three panes', () => {
    const axes = option.xAxis as { data: string[]; gridIndex: number }[];
    expect(axes.map((a) => a.gridIndex)).toEqual([0, 1, 2]);
    for (const axis of axes) expect(axis.data).toHaveLength(300);
    // 2018-01-10 04:55 UTC is the file's first candle.
    expect(axes[0]!.data[0]).toBe('2018-01-10 04:55');
  });

  it('shows warm-up nulls as gaps, never as zero', () => {
    const sma200 = byName(option, 'SMA 200');
    expect(sma200.data[0]).toBe('-');
    expect(sma200.data[198]).toBe('-');
    expect(typeof sma200.data[199]).toBe('number');
    const rsi = byName(option, 'RSI 14');
    expect(rsi.data[0]).toBe('-');
    expect(rsi.data.filter((v) => typeof v === 'number').length).toBeGreaterThan(250);
  });

  it('puts overlays on the price pane, RSI on the second and MACD on the third', () => {
    for (const name of ['BB upper', 'BB lower', 'SMA 9', 'SMA 21', 'EMA 9', 'EMA 21']) {
      expect(byName(option, name)).toMatchObject({ xAxisIndex: 0, yAxisIndex: 0 });
    }
    expect(byName(option, 'RSI 14')).toMatchObject({ xAxisIndex: 1, yAxisIndex: 1 });
    for (const name of ['MACD', 'Signal', 'MACD hist']) {
      expect(byName(option, name)).toMatchObject({ xAxisIndex: 2, yAxisIndex: 2 });
    }
  });

  it('colours MACD histogram bars by sign', () => {
    const hist = byName(option, 'MACD hist').data as (
      | { value: number; itemStyle: { color: string } }
      | '-'
    )[];
    const bars = hist.filter((h) => h !== '-');
    expect(bars.length).toBeGreaterThan(0);
    for (const h of bars) expect(h.itemStyle.color).toBe(h.value >= 0 ? '#22c55e' : '#ef4444');
  });

  it('opens zoomed on the newest bars when there are many', () => {
    const zoom = option.dataZoom as { start: number; end: number }[];
    expect(zoom[0]!.end).toBe(100);
    expect(zoom[0]!.start).toBeCloseTo(100 - (INITIAL_VISIBLE_BARS / 300) * 100, 6);
  });

  it('is pure: the same bars give an equal option (and the same tooltip text)', () => {
    const again = candleChartOption(bars, { timeframe: '5m' });
    // The tooltip formatter is a fresh closure each time: compare what it writes, not its identity.
    const tip = (o: typeof option) => (o.tooltip as { formatter: (p: unknown) => string }).formatter;
    const params = [{ seriesName: 'Price', dataIndex: 10, value: [] }];
    expect(tip(again)(params)).toBe(tip(option)(params));
    expect(JSON.parse(JSON.stringify(again))).toEqual(JSON.parse(JSON.stringify(option)));
  });
});

describe('candleChartOption edge cases', () => {
  it('shows a notice and empty series when there are no bars', () => {
    const option = candleChartOption([], { timeframe: '1h' });
    expect(byName(option, 'Price').data).toEqual([]);
    expect(JSON.stringify(option.graphic)).toContain('No bars for this range');
    expect((option.dataZoom as { start: number }[])[0]!.start).toBe(0);
  });

  it('labels daily bars by date only', () => {
    const [bar] = loadEthBtc(1);
    const option = candleChartOption([{ ...bar!, openTime: Date.UTC(2024, 2, 5) }], { timeframe: '1d' });
    expect((option.xAxis as { data: string[] }[])[2]!.data).toEqual(['2024-03-05']);
    // One bar is too few for MACD: the pane says so instead of staying blank.
    expect(JSON.stringify(option.graphic)).toContain('MACD needs 34 bars; this range has 1');
  });

  it('treats a non-finite indicator as a gap', () => {
    const [bar] = loadEthBtc(1);
    const option = candleChartOption([{ ...bar!, sma9: Number.NaN }], { timeframe: '5m' });
    expect(byName(option, 'SMA 9').data).toEqual(['-']);
  });
});

describe('tooltipValue', () => {
  it('rounds float noise away and shows gaps as a dash', () => {
    expect(tooltipValue(1042.0013000000001)).toBe('1,042.00');
    expect(tooltipValue(1.0013000000001)).toBe('1.0013');
    expect(tooltipValue(0.0123456789)).toBe('0.012346');
    expect(tooltipValue('-')).toBe('—');
    expect(tooltipValue(Number.NaN)).toBe('—');
  });
});
