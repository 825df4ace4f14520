import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { withIndicators } from '@tradehits/core/indicators';
import { resampleBars } from '@tradehits/core/resample';
import { type Bar, TIMEFRAME_MS } from '@tradehits/core/types';
import { describe, expect, it } from 'vitest';
import { candleChartOption, markerCounts } from './candles';
import { withFormingBars } from './forming';
import type { TradeMarker } from './markers';

const DATA = fileURLToPath(
  new URL('../../../../../shared/data/market/binance-2018-01/ETH_BTC-5m.json', import.meta.url),
);
const HOUR = TIMEFRAME_MS['1h'];
const DAY = TIMEFRAME_MS['1d'];

// The recorded ETH/BTC 5-minute bars, oldest first, starting on a UTC day boundary.
const rows = JSON.parse(readFileSync(DATA, 'utf8')) as [number, number, number, number, number, number][];
const all5m: Bar[] = rows.map(([openTime, open, high, low, close, volume]) => ({
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
const firstDay = Math.ceil(all5m[0]!.openTime / DAY) * DAY;
const fiveMinute = all5m.filter((b) => b.openTime >= firstDay && b.openTime < firstDay + 3 * DAY);

/** The 5m bars up to (not including) `until`, and the hourly bars the ingest would have stored by then. */
function storedAt(until: number, hourlyUntil = Math.floor(until / HOUR) * HOUR) {
  const bars5m = fiveMinute.filter((b) => b.openTime < until);
  const hourly = withIndicators(resampleBars(bars5m, '1h', { until: hourlyUntil }));
  return { bars5m, hourly };
}

describe('withFormingBars', () => {
  it('ends an hourly series with the running hour built from its 5m bars, with no indicators', () => {
    const hour = firstDay + 30 * HOUR;
    const { bars5m, hourly } = storedAt(hour + 35 * 60_000);
    const shown = withFormingBars(hourly, bars5m, '1h');

    expect(shown.slice(0, -1)).toEqual(hourly);
    const forming = shown.at(-1)!;
    const inHour = bars5m.filter((b) => b.openTime >= hour);
    expect(inHour).toHaveLength(7);
    expect(forming).toMatchObject({
      openTime: hour,
      timeframe: '1h',
      forming: 'current',
      open: inHour[0]!.open,
      high: Math.max(...inHour.map((b) => b.high)),
      low: Math.min(...inHour.map((b) => b.low)),
      close: inHour.at(-1)!.close,
      rsi14: null,
      macd: null,
      bbUpper: null,
      sma9: null,
      vwap: null,
    });
    expect(forming.volume).toBeCloseTo(
      inHour.reduce((sum, b) => sum + b.volume, 0),
      8,
    );
    // The same numbers the ingest stores once the hour closes.
    const real = resampleBars(
      fiveMinute.filter((b) => b.openTime >= hour && b.openTime < hour + 35 * 60_000),
      '1h',
    )[0]!;
    expect(forming).toMatchObject({ open: real.open, high: real.high, low: real.low, close: real.close });
  });

  it('builds a thinner bar over missing 5m bars, from the first one present', () => {
    const hour = firstDay + 40 * HOUR;
    const { bars5m, hourly } = storedAt(hour + 50 * 60_000);
    // The hour's first 5m bar and two in the middle never arrived.
    const missing = new Set([hour, hour + 15 * 60_000, hour + 20 * 60_000]);
    const gappy = bars5m.filter((b) => !missing.has(b.openTime));
    const present = gappy.filter((b) => b.openTime >= hour);
    expect(present).toHaveLength(7);

    const forming = withFormingBars(hourly, gappy, '1h').at(-1)!;
    expect(forming).toMatchObject({
      openTime: hour,
      forming: 'current',
      open: present[0]!.open,
      high: Math.max(...present.map((b) => b.high)),
      low: Math.min(...present.map((b) => b.low)),
      close: present.at(-1)!.close,
    });
  });

  it('adds no bar for a period with no 5m bar yet: the newest stored bar ends the series', () => {
    const hour = firstDay + 20 * HOUR;
    // The hour has closed and been stored; the next hour's first 5m bar has not closed yet.
    const { bars5m, hourly } = storedAt(hour + HOUR);
    expect(hourly.at(-1)!.openTime).toBe(hour);
    expect(withFormingBars(hourly, bars5m, '1h')).toEqual(hourly);
  });

  it('is replaced by the real bar once the period is stored', () => {
    const hour = firstDay + 20 * HOUR;
    const before = storedAt(hour + 55 * 60_000);
    expect(withFormingBars(before.hourly, before.bars5m, '1h').at(-1)).toMatchObject({
      openTime: hour,
      forming: 'current',
    });
    const after = storedAt(hour + HOUR + 5 * 60_000);
    const shown = withFormingBars(after.hourly, after.bars5m, '1h');
    // The stored hour, then the next hour's forming bar from its one 5m bar.
    expect(shown.at(-2)).toEqual(after.hourly.at(-1));
    expect(shown.at(-2)!.forming).toBeUndefined();
    expect(shown.at(-1)).toMatchObject({ openTime: hour + HOUR, forming: 'current' });
  });

  it('builds closed hours not stored yet as pending, then the forming one', () => {
    const hour = firstDay + 50 * HOUR;
    // The ingest lags: the last two closed hours are not stored yet.
    const { bars5m, hourly } = storedAt(hour + 10 * 60_000, hour - 2 * HOUR);
    const shown = withFormingBars(hourly, bars5m, '1h');
    expect(shown.slice(-3).map((b) => [b.openTime - hour, b.forming])).toEqual([
      [-2 * HOUR, 'pending'],
      [-HOUR, 'pending'],
      [0, 'current'],
    ]);
  });

  it('ends a daily series with the running day', () => {
    const day = firstDay + 2 * DAY;
    const bars5m = fiveMinute.filter((b) => b.openTime < day + 15 * HOUR);
    const daily = withIndicators(resampleBars(bars5m, '1d', { until: day }));
    const forming = withFormingBars(daily, bars5m, '1d').at(-1)!;
    const inDay = bars5m.filter((b) => b.openTime >= day);
    expect(inDay).toHaveLength(180);
    expect(forming).toMatchObject({
      openTime: day,
      timeframe: '1d',
      forming: 'current',
      open: inDay[0]!.open,
      high: Math.max(...inDay.map((b) => b.high)),
      low: Math.min(...inDay.map((b) => b.low)),
      close: inDay.at(-1)!.close,
    });
  });

  it('follows each live 5m bar: the forming bar takes its close, extremes and volume', () => {
    const hour = firstDay + 60 * HOUR;
    const before = storedAt(hour + 20 * 60_000);
    const after = storedAt(hour + 25 * 60_000);
    const newest = after.bars5m.at(-1)!;
    const was = withFormingBars(before.hourly, before.bars5m, '1h').at(-1)!;
    const now = withFormingBars(after.hourly, after.bars5m, '1h').at(-1)!;
    expect(now).toMatchObject({
      openTime: hour,
      open: was.open,
      close: newest.close,
      high: Math.max(was.high, newest.high),
      low: Math.min(was.low, newest.low),
    });
    expect(now.volume).toBeCloseTo(was.volume + newest.volume, 8);
  });

  it("starts a stock's day where its stored days start (New York midnight), not at UTC midnight", () => {
    const nyMidnight = 5 * HOUR;
    const days = [0, 1].map((d) => firstDay + d * DAY + nyMidnight);
    const session = (day: number) =>
      fiveMinute
        .filter(
          (b) => b.openTime >= day - nyMidnight + 14.5 * HOUR && b.openTime < day - nyMidnight + 21 * HOUR,
        )
        .map((b) => ({ ...b, symbol: 'AAPL' }));
    const daily = withIndicators(
      days.map((openTime) => {
        const [bar] = resampleBars(session(openTime), '1d');
        return { ...bar!, openTime };
      }),
    );
    const today = firstDay + 2 * DAY + nyMidnight;
    const bars5m = [...session(days[1]!), ...session(today).slice(0, 30)];
    const shown = withFormingBars(daily, bars5m, '1d');
    expect(shown).toHaveLength(3);
    expect(shown.at(-1)).toMatchObject({ openTime: today, forming: 'current', close: bars5m.at(-1)!.close });
  });

  it('leaves out a period that began before the first 5m bar given, whose open is unknown', () => {
    // The 5m series starts at noon: the day's open is not among them.
    const bars5m = fiveMinute.filter(
      (b) => b.openTime >= firstDay + 12 * HOUR && b.openTime < firstDay + DAY,
    );
    expect(withFormingBars([], bars5m, '1d')).toEqual([]);
    // Hours are whole from noon on.
    const hours = withFormingBars([], bars5m, '1h');
    expect(hours[0]!.openTime).toBe(firstDay + 12 * HOUR);
    expect(hours).toHaveLength(12);
  });

  it('returns a 5m series, or a series with no 5m bars, as it is', () => {
    const { bars5m, hourly } = storedAt(firstDay + 10 * HOUR + 30 * 60_000);
    const five = withIndicators(bars5m);
    expect(withFormingBars(five, bars5m, '5m')).toEqual(five);
    expect(withFormingBars(hourly, [], '1h')).toEqual(hourly);
  });
});

describe('the forming bar on a candle chart', () => {
  const hour = firstDay + 30 * HOUR;
  const { bars5m, hourly } = storedAt(hour + 45 * 60_000);
  const shown = withFormingBars(hourly, bars5m, '1h');
  const trade: TradeMarker = {
    id: 't1',
    status: 'closed',
    entryTime: new Date(hour - 20 * 60_000).toISOString(),
    entryPrice: String(bars5m.at(-8)!.close),
    exitTime: new Date(hour + 40 * 60_000).toISOString(),
    exitPrice: String(bars5m.at(-1)!.close),
    takeProfitPrice: null,
    stopLossPrice: null,
    executionReason: 'auto',
    exitReason: 'max-holding',
  };
  const option = candleChartOption(shown, { timeframe: '1h', markers: { detections: [], trades: [trade] } });
  const series = option.series as { name: string; data: unknown[] }[];

  it('draws it hollow after the stored candles, and marks a trade that closed inside it', () => {
    const candles = series.find((s) => s.name === 'Price')!.data;
    expect(candles).toHaveLength(hourly.length + 1);
    expect(Array.isArray(candles.at(-2))).toBe(true);
    expect(candles.at(-1)).toMatchObject({
      value: [shown.at(-1)!.open, shown.at(-1)!.close, shown.at(-1)!.low, shown.at(-1)!.high],
      itemStyle: { color: 'transparent', color0: 'transparent' },
    });
    expect(markerCounts(option)).toMatchObject({ entries: 1, exits: 1 });
    const exits = series.find((s) => s.name === 'Exits')!.data as { value: [number, number] }[];
    expect(exits[0]!.value[0]).toBe(hourly.length);
  });

  it('leaves its indicators empty and says "forming" in the tooltip', () => {
    expect(series.find((s) => s.name === 'SMA 9')!.data.at(-1)).toBe('-');
    expect(series.find((s) => s.name === 'RSI 14')!.data.at(-1)).toBe('-');
    expect(series.find((s) => s.name === 'MACD hist')!.data.at(-1)).toBe('-');
    const formatter = (option.tooltip as { formatter: (p: unknown) => string }).formatter;
    const tip = (dataIndex: number) => formatter([{ seriesName: 'Price', dataIndex }]);
    expect(tip(hourly.length)).toMatch(/forming/);
    expect(tip(hourly.length)).toMatch(/Exit at/);
    expect(tip(hourly.length - 1)).not.toMatch(/forming/);
  });
});
