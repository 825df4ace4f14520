import type { AssetType } from './types';

/**
 * The one place that maps our tickers to venue symbols and back.
 *
 * Ours: crypto pairs `BTC/USD`, `ETH/BTC` (base/quote); stocks plain tickers `AAPL`, `BRK.B`.
 * Kraken: crypto pairs as ccxt names them (unchanged); stocks are xStocks, `AAPLx/USD` in Kraken's own
 * names and `AAPLX/USD` once ccxt upper-cases the base. Alpaca: plain tickers for stocks, pairs for
 * crypto. Replay (recorded files): our own symbols.
 */

export type SymbolVenue = 'kraken' | 'alpaca' | 'replay';

const CRYPTO_PAIR = /^[A-Z0-9]{2,15}\/[A-Z0-9]{2,10}$/;
const STOCK_TICKER = /^[A-Z]{1,6}([.-][A-Z]{1,2})?$/;
const KRAKEN_XSTOCK = /^([A-Z]{1,6}(?:[.-][A-Z]{1,2})?)[xX]\/USD$/;

/** Asset type of one of our symbols; throws on a string that is neither a pair nor a ticker. */
export function assetTypeOf(symbol: string): AssetType {
  if (CRYPTO_PAIR.test(symbol)) return 'crypto';
  if (STOCK_TICKER.test(symbol)) return 'stock';
  throw new Error(`Unknown symbol "${symbol}": expected a pair like BTC/USD or a stock ticker like AAPL`);
}

/** The venue's symbol for one of our symbols. */
export function toVenueSymbol(venue: SymbolVenue, symbol: string): string {
  const assetType = assetTypeOf(symbol);
  if (venue === 'kraken' && assetType === 'stock') return `${symbol}X/USD`;
  return symbol;
}

/**
 * Our symbol for a venue's symbol. Kraken's own xStock names (`AAPLx/USD`) are unambiguous; after ccxt
 * upper-cases them (`AAPLX/USD`) they look like crypto pairs (`IMX/USD` is one), so a base ending in X is
 * read as a stock only when the rest is one of `stockTickers`.
 */
export function fromVenueSymbol(
  venue: SymbolVenue,
  venueSymbol: string,
  stockTickers: readonly string[] = [],
): string {
  if (venue === 'kraken') {
    const xstock = KRAKEN_XSTOCK.exec(venueSymbol);
    if (xstock) {
      const ticker = xstock[1]!;
      const nativeLowercase = venueSymbol.charAt(ticker.length) === 'x';
      if (nativeLowercase || stockTickers.includes(ticker)) return ticker;
    }
  }
  assetTypeOf(venueSymbol);
  return venueSymbol;
}

/** Base and quote of a crypto pair (`ETH/BTC` → ['ETH', 'BTC']). */
export function splitPair(symbol: string): [base: string, quote: string] {
  if (assetTypeOf(symbol) !== 'crypto') throw new Error(`"${symbol}" is not a crypto pair`);
  const [base, quote] = symbol.split('/');
  return [base!, quote!];
}

/** The currency a symbol is priced in: a pair's quote (`ETH/BTC` → `BTC`); US stocks are in USD. */
export function quoteCurrency(symbol: string): string {
  const slash = symbol.indexOf('/');
  return slash < 0 ? 'USD' : symbol.slice(slash + 1);
}
