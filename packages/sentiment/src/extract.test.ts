import { describe, expect, it } from 'vitest';
import { assetTypeOf, extractAssets, symbolForTicker } from './extract';

const symbols = (text: string) => extractAssets(text).symbols;

describe('extractAssets', () => {
  it('reads cashtags, ours and others', () => {
    expect(extractAssets('$AAPL and $grpn ahead of $P earnings, $btc too')).toEqual({
      symbols: ['AAPL', 'BTC/USD'],
      tickers: ['AAPL', 'GRPN', 'P', 'BTC'],
    });
  });

  it('maps coin, company and index names and old tickers', () => {
    expect(symbols('Bitcoin and Ethereum rally while Tesla slides')).toEqual(['BTC/USD', 'ETH/USD', 'TSLA']);
    expect(symbols('Apple and Microsoft lift the S&P 500; the Dow lags')).toEqual([
      'AAPL',
      'MSFT',
      'SPY',
      'DIA',
    ]);
    expect(symbols('$FB and $GOOG report tonight')).toEqual(['META', 'GOOGL']);
    expect(symbols('Walt Disney and Netflix streaming war')).toEqual(['DIS', 'NFLX']);
  });

  it('does not take fruit, rivers or ordinary words for assets', () => {
    expect(symbols('I baked an apple pie with Apple from the orchard')).toEqual([]);
    expect(symbols('deforestation in the Amazon basin')).toEqual([]);
    expect(symbols('the apple fell far from the tree')).toEqual([]);
    expect(symbols('Turn ON the lights, ALL of them')).toEqual([]);
    expect(symbols('Meta analysis shows the link between sun and sol')).toEqual([]);
    expect(symbols('Connect the DOT to the LINK')).toEqual([]);
    expect(symbols('BUY NOW DIS IS GREAT')).toEqual([]);
  });

  it('takes ambiguous tickers with ticker context', () => {
    expect(symbols('Walt Disney Co (DIS) beat estimates')).toEqual(['DIS']);
    expect(symbols('DIS shares up 3 % premarket')).toEqual(['DIS']);
    expect(symbols('DOT breaking resistance, LINK next')).toEqual(['DOT/USD', 'LINK/USD']);
    expect(symbols('$SOL is up, and ADA follows')).toEqual(['SOL/USD', 'ADA/USD']);
  });

  it('takes unambiguous bare tickers, but not inside words or links', () => {
    expect(symbols('NVDA and TSLA gap up')).toEqual(['NVDA', 'TSLA']);
    expect(symbols('see https://example.com/AAPL-TSLA for more')).toEqual([]);
    expect(symbols('$5 and $10M are money')).toEqual([]);
  });

  it('respects a custom universe', () => {
    expect(extractAssets('Bitcoin and $AAPL', { crypto: ['BTC/EUR'], stocks: [] }).symbols).toEqual([
      'BTC/EUR',
    ]);
  });
});

describe('symbolForTicker / assetTypeOf', () => {
  it('maps to our symbols', () => {
    expect(symbolForTicker('btc')).toBe('BTC/USD');
    expect(symbolForTicker('FB')).toBe('META');
    expect(symbolForTicker('GRPN')).toBeNull();
    expect(assetTypeOf('ETH/USD')).toBe('crypto');
    expect(assetTypeOf('AAPL')).toBe('stock');
  });
});
