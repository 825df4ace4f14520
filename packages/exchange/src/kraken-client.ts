import { errorMessage } from '@tradehits/core/errors';
import type { kraken as KrakenExchange } from 'ccxt';
import {
  InsufficientFundsError,
  InvalidCredentialsError,
  InvalidNonceError,
  OrderNotFoundError,
  OrderRejectedError,
  RateLimitedError,
  VenueError,
  VenueUnavailableError,
} from './errors';

/** The pieces of a ccxt Kraken client both the market-data source and the broker share. */

export type { KrakenExchange };

/** Where the client sends requests; tests point both at a local fake. */
export interface KrakenUrls {
  public?: string;
  private?: string;
}

export interface KrakenClientOptions {
  urls?: KrakenUrls;
  apiKey?: string;
  secret?: string;
  /** Per-request timeout (ccxt default 10 s). */
  timeoutMs?: number;
  /** Minimum spacing between calls; ccxt's Kraken default (1000 ms) matches Kraken's public limit. */
  rateLimitMs?: number;
}

/** Kraken's query flag for tokenised stocks (xStocks); ccxt does not send it unless told. */
export const XSTOCK_PARAMS = { aclass_base: 'tokenized_asset' } as const;

type Ccxt = typeof import('ccxt').default;

/** ccxt once imported; until then no error can be one of its own. */
let ccxtLoaded: Ccxt | undefined;
let ccxtImport: Promise<Ccxt> | undefined;

/**
 * ccxt, imported on first use: it costs ~85 MB of memory and half a second of start, which a process
 * that never talks to Kraken (no live account, replayed bars) should not pay.
 */
function importCcxt(): Promise<Ccxt> {
  ccxtImport ??= import('ccxt').then((m) => {
    ccxtLoaded = m.default;
    return m.default;
  });
  return ccxtImport;
}

/** A ccxt Kraken client with the rate limiter on; nothing is sent until the first call. */
export async function createKrakenExchange(options: KrakenClientOptions = {}): Promise<KrakenExchange> {
  const ccxt = await importCcxt();
  const exchange = new ccxt.kraken({
    enableRateLimit: true,
    ...(options.apiKey ? { apiKey: options.apiKey } : {}),
    ...(options.secret ? { secret: options.secret } : {}),
    ...(options.timeoutMs ? { timeout: options.timeoutMs } : {}),
    ...(options.rateLimitMs !== undefined ? { rateLimit: options.rateLimitMs } : {}),
  });
  // ccxt's Kraken nonce is the clock in ms, and AddOrder and CancelOrder cost nothing in its rate
  // limiter: a private call right after one of them can sign the same millisecond, which Kraken refuses.
  // Strictly increasing nonces keep every call valid (Kraken only needs each above the last).
  const clockNonce = exchange.nonce.bind(exchange);
  let lastNonce = 0;
  exchange.nonce = () => {
    lastNonce = Math.max(lastNonce + 1, clockNonce());
    return lastNonce;
  };
  const api = exchange.urls.api as Record<string, string>;
  if (options.urls?.public) api.public = options.urls.public;
  if (options.urls?.private) api.private = options.urls.private;
  return exchange;
}

/**
 * One client made on the first call and shared by every later one: Kraken wants nonces increasing per
 * API key, and each client keeps its own.
 */
export function lazyKrakenExchange(options: KrakenClientOptions = {}): () => Promise<KrakenExchange> {
  let client: Promise<KrakenExchange> | undefined;
  return () => {
    client ??= createKrakenExchange(options);
    return client;
  };
}

/** What we use of a ccxt market: Kraken's pair id and ccxt's unified symbol. */
export interface MarketInfo {
  id: string;
  symbol: string;
}

/** Loaded markets, with the xStock pairs (which need `aclass_base` on every public call) flagged. */
export interface KrakenMarkets {
  bySymbol: Map<string, MarketInfo>;
  xStockSymbols: Set<string>;
}

const loaded = new WeakMap<KrakenExchange, Promise<KrakenMarkets>>();

/**
 * Loads crypto pairs and, when asked, the xStock pairs Kraken lists only under
 * `aclass_base=tokenized_asset`, merged into the client's market table so ccxt can place orders on
 * either. Loaded once per client; a failed load is forgotten so the next call tries again.
 */
export function loadKrakenMarkets(exchange: KrakenExchange, withXStocks: boolean): Promise<KrakenMarkets> {
  let pending = loaded.get(exchange);
  if (!pending) {
    pending = (async () => {
      // reload: ccxt keeps a failed load's rejected promise; our own cache decides when to load.
      await exchange.loadMarkets(true);
      const xStocks = (withXStocks ? await exchange.fetchMarkets(XSTOCK_PARAMS) : []).filter(
        (m): m is NonNullable<typeof m> => m !== undefined,
      );
      const crypto = Object.values(exchange.markets ?? {}) as MarketInfo[];
      if (xStocks.length > 0) exchange.setMarkets([...crypto, ...xStocks], exchange.currencies as never);
      const all = [...crypto, ...xStocks] as MarketInfo[];
      return {
        bySymbol: new Map(all.map((m) => [m.symbol, m])),
        xStockSymbols: new Set(xStocks.map((m) => m.symbol as string)),
      };
    })();
    loaded.set(exchange, pending);
    pending.catch(() => loaded.delete(exchange));
  }
  return pending;
}

/**
 * Translates a ccxt error into our typed errors. ccxt messages quote the venue's response body (never
 * the request), and `secrets` are scrubbed from the text regardless, so a message is safe to log.
 */
export function toVenueError(error: unknown, action: string, secrets: string[] = []): Error {
  if (error instanceof VenueError) return error;
  const raw = errorMessage(error);
  const detail = scrub(krakenErrorCode(raw) ?? raw.replace(/^kraken\s*/, '').slice(0, 300), secrets);
  const venue = 'kraken';
  const ccxt = ccxtLoaded;
  // An error from before ccxt was ever imported cannot be one of its classes; the texts still match.
  const is = (type: keyof Ccxt) =>
    ccxt !== undefined && error instanceof (ccxt[type] as abstract new () => Error);
  if (is('InsufficientFunds') || /Insufficient funds/i.test(raw)) {
    return new InsufficientFundsError(venue, `insufficient funds to ${action} (${detail})`);
  }
  if (is('InvalidNonce')) {
    return new InvalidNonceError(
      venue,
      `invalid nonce while trying to ${action}: is another client using this API key? (${detail})`,
    );
  }
  if (is('AuthenticationError') || /Invalid (key|signature)/i.test(raw)) {
    return new InvalidCredentialsError(
      venue,
      `API key rejected while trying to ${action}: check the key, secret and permissions (${detail})`,
    );
  }
  if (is('RateLimitExceeded') || is('DDoSProtection')) {
    return new RateLimitedError(venue, `rate limited while trying to ${action} (${detail})`);
  }
  if (is('RequestTimeout')) {
    return new VenueUnavailableError(venue, `timed out while trying to ${action}`);
  }
  if (is('NetworkError')) {
    return new VenueUnavailableError(venue, `unavailable while trying to ${action} (${detail})`);
  }
  if (is('OrderNotFound') || /Unknown order/i.test(raw)) {
    return new OrderNotFoundError(venue, `no such order while trying to ${action} (${detail})`);
  }
  if (is('InvalidOrder') || is('BadRequest')) {
    return new OrderRejectedError(venue, `rejected the request to ${action} (${detail})`);
  }
  return new VenueError(venue, `failed to ${action} (${detail})`);
}

/** Kraken's own error code (`EOrder:Insufficient funds`) inside a ccxt message, when there is one. */
function krakenErrorCode(message: string): string | undefined {
  return /"error":\s*\[\s*"([^"]+)"/.exec(message)?.[1];
}

function scrub(text: string, secrets: string[]): string {
  return secrets.filter((s) => s.length >= 4).reduce((t, s) => t.split(s).join('[redacted]'), text);
}
