import { describe, expect, it } from 'vitest';
import { barsWindow, MAX_BARS, parseDashboardSearch } from './search';

describe('parseDashboardSearch', () => {
  it('defaults to the crypto tab, one month, no symbol', () => {
    expect(parseDashboardSearch({})).toEqual({ tab: 'crypto', range: '1m' });
  });

  it('keeps valid values', () => {
    expect(parseDashboardSearch({ tab: 'stock', symbol: 'AAPL', range: '1y' })).toEqual({
      tab: 'stock',
      symbol: 'AAPL',
      range: '1y',
    });
    expect(parseDashboardSearch({ symbol: 'BTC/USD' }).symbol).toBe('BTC/USD');
  });

  it('drops each bad value on its own and keeps the rest', () => {
    expect(parseDashboardSearch({ tab: 'forex', symbol: 'BTC/USD', range: '5y' })).toEqual({
      tab: 'crypto',
      symbol: 'BTC/USD',
      range: '1m',
    });
    expect(parseDashboardSearch({ tab: 'stock', symbol: '<script>' })).toEqual({ tab: 'stock', range: '1m' });
    expect(parseDashboardSearch({ symbol: 42 }).symbol).toBeUndefined();
  });
});

describe('barsWindow', () => {
  const now = Date.UTC(2024, 5, 14, 15, 37, 12);
  const HOUR = 3_600_000;

  it('reaches back the whole range when that is under the cap', () => {
    const { from, limit } = barsWindow('1m', '1d', now);
    expect(from).toBe(Date.UTC(2024, 4, 15, 15, 0));
    expect(limit).toBe(MAX_BARS['1d'] + 1);
  });

  it('caps the reach at the newest MAX_BARS bars', () => {
    const { from, limit } = barsWindow('1y', '5m', now);
    const capped = now - MAX_BARS['5m'] * 5 * 60_000;
    expect(from).toBe(Math.floor(capped / HOUR) * HOUR);
    // Room for the up-to-an-hour of bars that flooring adds, so the newest are never cut.
    expect(limit).toBeGreaterThanOrEqual((now - from) / (5 * 60_000));
  });

  it('stays the same within the hour, so the query key does not churn', () => {
    expect(barsWindow('1w', '1h', now)).toEqual(barsWindow('1w', '1h', now + 20 * 60_000));
    expect(barsWindow('1w', '1h', now).from % HOUR).toBe(0);
  });
});
