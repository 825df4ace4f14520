import { describe, expect, it } from 'vitest';
import { barColumns, barRows, parseBarColumns } from './bar-columns';
import { withIndicators } from './indicators';
import { binance2018Pair } from './testing/binance-2018';

describe('bar columns', () => {
  const bars = withIndicators(binance2018Pair('ETH/BTC').slice(0, 300));

  it('round-trips real bars through columns and JSON, nulls included', () => {
    const columns = barColumns('ETH/BTC', '5m', bars);
    expect(columns.openTime).toHaveLength(300);
    // The first bars have no RSI yet: null survives the trip, it does not become 0 or NaN.
    expect(columns.rsi14[0]).toBeNull();
    expect(barRows(parseBarColumns(JSON.stringify(columns)))).toEqual(bars);
  });

  it('is smaller than the same bars as objects', () => {
    expect(JSON.stringify(barColumns('ETH/BTC', '5m', bars)).length).toBeLessThan(
      JSON.stringify(bars).length * 0.7,
    );
  });

  it('refuses columns of different lengths and text that is not columns', () => {
    const columns = barColumns('ETH/BTC', '5m', bars);
    columns.close.pop();
    expect(() => barRows(columns)).toThrow(/close has 299 rows, not 300/);
    expect(() => parseBarColumns('[1,2]')).toThrow(/not bar columns/);
    expect(() => parseBarColumns('null')).toThrow(/not bar columns/);
  });
});
