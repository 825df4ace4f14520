import { describe, expect, it } from 'vitest';
import { assetTypeOf, fromVenueSymbol, splitPair, toVenueSymbol } from './symbols';

describe('symbols', () => {
  it('tells crypto pairs from stock tickers, and rejects anything else', () => {
    for (const s of ['BTC/USD', 'ETH/BTC', 'ADA/BTC', 'XMR/BTC', 'DOGE/USD'])
      expect(assetTypeOf(s)).toBe('crypto');
    for (const s of ['AAPL', 'GOOGL', 'SPY', 'BRK.B']) expect(assetTypeOf(s)).toBe('stock');
    for (const s of ['', 'btc/usd', 'AAPL x', 'AAPLX/USD/EUR', 'TOOLONGTICKER']) {
      expect(() => assetTypeOf(s)).toThrow(/Unknown symbol/);
    }
  });

  it('maps stocks to Kraken xStocks as ccxt names them, and crypto unchanged', () => {
    expect(toVenueSymbol('kraken', 'AAPL')).toBe('AAPLX/USD');
    expect(toVenueSymbol('kraken', 'BTC/USD')).toBe('BTC/USD');
    expect(toVenueSymbol('alpaca', 'AAPL')).toBe('AAPL');
    expect(toVenueSymbol('alpaca', 'BTC/USD')).toBe('BTC/USD');
    expect(toVenueSymbol('replay', 'ETH/BTC')).toBe('ETH/BTC');
    expect(() => toVenueSymbol('kraken', 'aapl')).toThrow(/Unknown symbol/);
  });

  it('maps Kraken names back: native xStocks always, upper-cased ones only for known tickers', () => {
    expect(fromVenueSymbol('kraken', 'AAPLx/USD')).toBe('AAPL');
    expect(fromVenueSymbol('kraken', 'AAPLX/USD', ['AAPL', 'TSLA'])).toBe('AAPL');
    // IMX is a crypto asset, not an xStock of "IM".
    expect(fromVenueSymbol('kraken', 'IMX/USD', ['AAPL'])).toBe('IMX/USD');
    expect(fromVenueSymbol('kraken', 'BTC/USD')).toBe('BTC/USD');
    expect(fromVenueSymbol('alpaca', 'MSFT')).toBe('MSFT');
    expect(fromVenueSymbol('replay', 'ADA/BTC')).toBe('ADA/BTC');
    expect(() => fromVenueSymbol('replay', 'ada-btc')).toThrow(/Unknown symbol/);
  });

  it('round-trips every symbol through every venue', () => {
    const stocks = ['AAPL', 'NVDA', 'SPY'];
    for (const venue of ['kraken', 'alpaca', 'replay'] as const) {
      for (const s of [...stocks, 'BTC/USD', 'IMX/USD', 'ETH/BTC']) {
        expect(fromVenueSymbol(venue, toVenueSymbol(venue, s), stocks)).toBe(s);
      }
    }
  });

  it('splits pairs', () => {
    expect(splitPair('ETH/BTC')).toEqual(['ETH', 'BTC']);
    expect(() => splitPair('AAPL')).toThrow(/not a crypto pair/);
  });
});
