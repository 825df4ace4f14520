import { describe, expect, it } from 'vitest';
import { barsLimit, MAX_BARS, parseDashboardSearch } from './search';

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

describe('barsLimit', () => {
  it("is the range's length in bars", () => {
    expect(barsLimit('1w', '1d')).toBe(7);
    expect(barsLimit('1m', '1d')).toBe(30);
    expect(barsLimit('1w', '1h')).toBe(168);
    expect(barsLimit('1y', '1d')).toBe(365);
  });

  it('caps each timeframe at its most bars', () => {
    expect(barsLimit('1m', '5m')).toBe(MAX_BARS['5m']);
    expect(barsLimit('1y', '1h')).toBe(MAX_BARS['1h']);
    expect(barsLimit('1w', '5m')).toBe(MAX_BARS['5m']);
  });
});
