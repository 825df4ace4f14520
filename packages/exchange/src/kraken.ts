import type { Config } from '@tradehits/config';
import type { MarketDataSource } from '@tradehits/core/ports';
import { toVenueSymbol } from '@tradehits/core/symbols';
import type { AssetType, Bar, Timeframe } from '@tradehits/core/types';
import { VenueError } from './errors';
import {
  type KrakenClientOptions,
  lazyKrakenExchange,
  loadKrakenMarkets,
  toVenueError,
  XSTOCK_PARAMS,
} from './kraken-client';

/** Kraken OHLC interval (minutes) for each of our timeframes. */
const INTERVAL_MINUTES: Record<Timeframe, number> = { '5m': 5, '1h': 60, '1d': 1440 };

/** A raw Kraken OHLC row: `[timeSec, open, high, low, close, vwap, volume, count]`. */
type OhlcRow = [number, string, string, string, string, string, string, number];

export type KrakenMarketDataConfig = Pick<
  Config,
  'KRAKEN_PUBLIC_URL' | 'CRYPTO_SYMBOLS' | 'STOCK_SYMBOLS' | 'STOCK_VENUE'
>;

/**
 * Market data from Kraken through ccxt: crypto pairs, and US stocks as Kraken's xStocks when
 * STOCK_VENUE is `kraken`. Kraken's OHLC returns at most the latest 720 bars, whatever `since` asks.
 */
export function createKrakenMarketData(
  config: KrakenMarketDataConfig,
  client: Pick<KrakenClientOptions, 'timeoutMs' | 'rateLimitMs'> = {},
): MarketDataSource {
  const exchange = lazyKrakenExchange({
    ...client,
    ...(config.KRAKEN_PUBLIC_URL ? { urls: { public: config.KRAKEN_PUBLIC_URL } } : {}),
  });
  const withXStocks = config.STOCK_VENUE === 'kraken';
  const markets = async () => loadKrakenMarkets(await exchange(), withXStocks);

  return {
    id: 'kraken',

    async symbols(assetType: AssetType) {
      const wanted = assetType === 'crypto' ? config.CRYPTO_SYMBOLS : withXStocks ? config.STOCK_SYMBOLS : [];
      if (wanted.length === 0) return [];
      const { bySymbol, xStockSymbols } = await markets().catch((e) => {
        throw toVenueError(e, 'load markets');
      });
      return wanted.filter((symbol) => {
        const venueSymbol = toVenueSymbol('kraken', symbol);
        const isXStock = xStockSymbols.has(venueSymbol);
        return bySymbol.has(venueSymbol) && isXStock === (assetType === 'stock');
      });
    },

    async fetchBars({ symbol, timeframe, since, limit }) {
      const action = `fetch ${timeframe} bars for ${symbol}`;
      try {
        const { bySymbol, xStockSymbols } = await markets();
        const venueSymbol = toVenueSymbol('kraken', symbol);
        const market = bySymbol.get(venueSymbol);
        if (!market) throw new VenueError('kraken', `does not list ${symbol} (looked for ${venueSymbol})`);
        const interval = INTERVAL_MINUTES[timeframe];
        const request: Record<string, string | number> = { pair: market.id, interval };
        // Kraken's `since` is exclusive: step one bar back so the bar opening at `since` is included.
        if (since !== undefined) request.since = Math.floor(since / 1000) - interval * 60;
        if (xStockSymbols.has(venueSymbol)) Object.assign(request, XSTOCK_PARAMS);
        // The raw endpoint (still through ccxt's signing, rate limiter and error mapping) keeps the
        // trade-count column that ccxt's fetchOHLCV drops.
        const client = await exchange();
        const response = (await client.publicGetOHLC(request)) as { result?: Record<string, unknown> };
        const rows = (response.result?.[market.id] ?? []) as OhlcRow[];
        return closedBars(rows, symbol, timeframe, since, limit);
      } catch (e) {
        throw toVenueError(e, action);
      }
    },
  };
}

/**
 * Kraken rows → our bars. Kraken always appends the frame still forming as the last row (whatever
 * `since` says), so it is dropped; `limit` keeps the oldest bars after `since`, or the newest without it.
 */
export function closedBars(
  rows: OhlcRow[],
  symbol: string,
  timeframe: Timeframe,
  since?: number,
  limit?: number,
): Bar[] {
  const bars = rows.slice(0, -1).map(
    ([t, open, high, low, close, , volume, count]): Bar => ({
      symbol,
      timeframe,
      openTime: t * 1000,
      open: Number(open),
      high: Number(high),
      low: Number(low),
      close: Number(close),
      volume: Number(volume),
      tradeCount: typeof count === 'number' ? count : null,
    }),
  );
  const after = since === undefined ? bars : bars.filter((b) => b.openTime >= since);
  if (limit === undefined) return after;
  if (limit <= 0) return [];
  return since === undefined ? after.slice(-limit) : after.slice(0, limit);
}
