import { barSeriesRows, indicatorTable, withIndicators } from '@tradehits/core/indicators';
import type { Bar, BarWithIndicators, Timeframe } from '@tradehits/core/types';
import { describe, expect, it } from 'vitest';
import { barRows, InvalidRowError, type RowSet } from './schema';

const HOUR = 3_600_000;

/** A deterministic walk with a flat stretch (RSI undefined), a day of no volume (no VWAP) and no trade counts. */
function walk(symbol: string, timeframe: Timeframe, n: number, scale = 1): Bar[] {
  let price = 100;
  return Array.from({ length: n }, (_, i) => {
    const flat = i >= 40 && i < 60;
    if (!flat) price += Math.sin(i * 1.7) * 2 + Math.cos(i * 0.3);
    const volume = i >= 96 && i < 120 ? 0 : 10 + (i % 7);
    return {
      symbol,
      timeframe,
      openTime: Date.UTC(2018, 0, 1) + i * HOUR,
      open: price * scale,
      high: (price + 1) * scale,
      low: (price - 1) * scale,
      close: price * scale,
      volume,
      tradeCount: i % 5 === 0 ? null : i,
    };
  });
}

const series = (bars: Bar[], from = 0) => ({ bars, indicators: indicatorTable(bars), from });

/** Every cell of every row set, by timeframe. */
function cells(sets: Map<Timeframe, RowSet>): Record<string, unknown[][]> {
  const out: Record<string, unknown[][]> = {};
  for (const [tf, rows] of sets) {
    out[tf] = Array.from({ length: rows.length }, (_, r) =>
      Array.from({ length: 22 }, (_, c) => rows.cell(r, c)),
    );
  }
  return out;
}

function errorOf(write: () => unknown): string {
  try {
    write();
  } catch (e) {
    expect(e).toBeInstanceOf(InvalidRowError);
    return (e as Error).message;
  }
  throw new Error('expected an InvalidRowError');
}

describe('bars held as columns', () => {
  const eth = walk('ETH/BTC', '1h', 700);
  const ada = walk('ADA/BTC', '1h', 300);
  const daily = walk('ETH/BTC', '1d', 40);
  const asObjects = [...withIndicators(eth).slice(500), ...withIndicators(ada), ...withIndicators(daily)];
  const asColumns = barSeriesRows([series(eth, 500), series(ada), series(daily)]);

  it('read as the same bars withIndicators gives, element by element', () => {
    expect(asColumns).toHaveLength(asObjects.length);
    expect(asColumns[0]).toEqual(asObjects[0]);
    expect([...asColumns]).toEqual(asObjects);
    expect(asColumns.map((b) => b.rsi14)).toEqual(asObjects.map((b) => b.rsi14));
    expect(asObjects.some((b) => b.rsi14 === null) && asObjects.some((b) => b.vwap === null)).toBe(true);
  });

  it('become the same table rows as the objects, cell by cell and in bulk', () => {
    const fromColumns = barRows('crypto', asColumns);
    expect(cells(fromColumns)).toEqual(cells(barRows('crypto', asObjects)));
    for (const rows of fromColumns.values()) {
      for (let c = 1; c < 22; c++) {
        const bulk = new Float64Array(rows.length - 3);
        rows.numbers!(c, 3, rows.length - 3, bulk);
        const expected = Array.from({ length: rows.length - 3 }, (_, r) => rows.cell(r + 3, c) ?? Number.NaN);
        expect([...bulk]).toEqual(expected);
      }
    }
  });

  it('reject a bad bar with the same message as the objects, before anything is returned', () => {
    const bad = eth.map((b, i) => (i === 650 ? { ...b, volume: -1 } : b));
    const objects = [...withIndicators(bad).slice(500), ...withIndicators(ada)];
    const message = errorOf(() => barRows('crypto', objects));
    expect(message).toMatch(/^bar row 150 is invalid \(volume: expected a non-negative number/);
    expect(errorOf(() => barRows('crypto', barSeriesRows([series(bad, 500), series(ada)])))).toBe(message);
  });

  it('reject an indicator that overflowed with the same message as the objects', () => {
    const huge = walk('XMR/BTC', '1h', 300, 1e305);
    const message = errorOf(() => barRows('crypto', withIndicators(huge)));
    expect(message).toMatch(/expected a finite number or null, received (Infinity|NaN)/);
    expect(errorOf(() => barRows('crypto', barSeriesRows([series(huge)])))).toBe(message);
    // A computed NaN stays NaN (not null), as in withIndicators.
    const [computed, expected] = [barSeriesRows([series(huge)])[25]!, withIndicators(huge)[25]!];
    expect(Number.isNaN(expected.bbLower)).toBe(true);
    expect(computed).toEqual(expected);
  });

  it('fall back to the object path when a series repeats, keeping the last of duplicate keys', () => {
    const changed = eth.slice(0, 20).map((b) => ({ ...b, close: b.close + 1 }));
    const twice = barSeriesRows([series(eth.slice(0, 30)), series(changed)]);
    const expected: BarWithIndicators[] = [...withIndicators(eth.slice(0, 30)), ...withIndicators(changed)];
    expect(cells(barRows('crypto', twice))).toEqual(cells(barRows('crypto', expected)));
    expect(barRows('crypto', twice).get('1h')!.length).toBe(30);
  });
});
