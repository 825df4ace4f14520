/**
 * Our tickers ↔ venue symbols. The shared mapping belongs in `@tradehits/core/symbols`; until it lands
 * this module holds the one function the adapters need, so switching is a one-line re-export here.
 * (The reverse direction is not needed: sources list our configured tickers the venue carries.)
 *
 * Ours: crypto `BTC/USD`, stocks plain `AAPL`. Kraken (as ccxt names them): crypto unchanged, xStocks
 * `AAPLX/USD` (Kraken's `AAPLx/USD`, upper-cased by ccxt). Alpaca: plain tickers.
 */

export type Venue = 'kraken' | 'alpaca';

const isStockTicker = (symbol: string) => !symbol.includes('/');

/** The venue's symbol for one of our tickers. */
export function toVenueSymbol(venue: Venue, symbol: string): string {
  if (venue === 'kraken' && isStockTicker(symbol)) return `${symbol}X/USD`;
  return symbol;
}
