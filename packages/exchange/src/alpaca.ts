import type { marketData, trading } from '@alpacahq/alpaca-trade-api/rest';
import type { Config } from '@tradehits/config';
import { newYorkTime } from '@tradehits/core/calendar';
import { errorMessage } from '@tradehits/core/errors';
import type { Broker, OrderState, OrderStatus } from '@tradehits/core/ports';
import { type Bar, type MarketDay, TIMEFRAME_MS, type Timeframe } from '@tradehits/core/types';
import {
  InsufficientFundsError,
  InvalidCredentialsError,
  OrderNotFoundError,
  OrderRejectedError,
  RateLimitedError,
  VenueError,
  VenueUnavailableError,
} from './errors';

/**
 * Alpaca (US equities) through its official SDK. The REST-only entry point is used, so no websocket
 * code is loaded and nothing connects until a call is made. The SDK's facade has no base-URL option;
 * the generated API classes take `basePath` in their `Configuration`, which is how ALPACA_DATA_URL and
 * ALPACA_TRADING_URL (and tests' local fakes) are honoured. Transport retries stay off: a failure is
 * typed and the job queue decides when to retry. The SDK's client-side rate limiter stays on.
 */

export type AlpacaConfig = Pick<
  Config,
  | 'ALPACA_KEY_ID'
  | 'ALPACA_SECRET_KEY'
  | 'ALPACA_DATA_URL'
  | 'ALPACA_TRADING_URL'
  | 'ALPACA_PAPER'
  | 'STOCK_SYMBOLS'
>;

export interface AlpacaClientOptions {
  timeoutMs?: number;
  /** Wall clock, to hold back a bar that has not closed yet (default `Date.now`). */
  now?: () => number;
}

type AlpacaSdk = typeof import('@alpacahq/alpaca-trade-api/rest');

/** The SDK once imported; until then no error can be one of its own. */
let sdkLoaded: AlpacaSdk | undefined;
let sdkImport: Promise<AlpacaSdk> | undefined;

/** The SDK, imported on first use, so a process that never talks to Alpaca does not load it. */
function importSdk(): Promise<AlpacaSdk> {
  sdkImport ??= import('@alpacahq/alpaca-trade-api/rest').then((sdk) => {
    sdkLoaded = sdk;
    return sdk;
  });
  return sdkImport;
}

/** Whether `error` is an instance of the SDK's error class `type`. */
function isSdkError<
  K extends
    | 'ApiError'
    | 'AuthError'
    | 'FetchError'
    | 'NotFoundError'
    | 'PermissionError'
    | 'RateLimitError'
    | 'ValidationError',
>(error: unknown, type: K): boolean {
  return sdkLoaded !== undefined && error instanceof sdkLoaded[type];
}

/** Alpaca's timeframe for each of ours. */
function timeframeOf(sdk: AlpacaSdk, timeframe: Timeframe): string {
  if (timeframe === '5m') return sdk.timeFrame(5, sdk.TimeFrameUnit.Minute);
  return timeframe === '1h' ? sdk.TimeFrame.Hour : sdk.TimeFrame.Day;
}
/** Alpaca's history begins in 2016; "everything since" starts here. */
const HISTORY_START = Date.UTC(2015, 0, 1);
const PAGE_LIMIT = 10_000;

function restConfig(
  sdk: AlpacaSdk,
  keyId: string,
  secret: string,
  basePath: string | undefined,
  options: AlpacaClientOptions,
) {
  return {
    keyId,
    secret,
    ...(basePath ? { basePath: basePath.replace(/\/+$/, '') } : {}),
    timeoutMs: options.timeoutMs ?? 30_000,
    rateLimit: sdk.DEFAULT_RATE_LIMIT,
  };
}

function credentials(config: AlpacaConfig): { keyId: string; secret: string } {
  if (!config.ALPACA_KEY_ID || !config.ALPACA_SECRET_KEY) {
    throw new InvalidCredentialsError('alpaca', 'ALPACA_KEY_ID and ALPACA_SECRET_KEY must both be set');
  }
  return { keyId: config.ALPACA_KEY_ID, secret: config.ALPACA_SECRET_KEY };
}

/** Translates SDK errors into our typed errors; messages carry Alpaca's reason, never the keys. */
export function toAlpacaError(error: unknown, action: string): Error {
  if (error instanceof VenueError) return error;
  const venue = 'alpaca';
  if (isSdkError(error, 'ApiError')) {
    const { status, message } = error as InstanceType<AlpacaSdk['ApiError']>;
    const reason = `${status}: ${message}`;
    if (isSdkError(error, 'RateLimitError'))
      return new RateLimitedError(venue, `rate limited while trying to ${action}`);
    if (status >= 500)
      return new VenueUnavailableError(venue, `unavailable while trying to ${action} (${reason})`);
    if (/insufficient (buying power|qty)/i.test(message)) {
      return new InsufficientFundsError(venue, `insufficient funds to ${action} (${reason})`);
    }
    if (isSdkError(error, 'AuthError') || isSdkError(error, 'PermissionError')) {
      return new InvalidCredentialsError(venue, `API key rejected while trying to ${action} (${reason})`);
    }
    if (isSdkError(error, 'NotFoundError'))
      return new OrderNotFoundError(venue, `not found while trying to ${action}`);
    if (isSdkError(error, 'ValidationError'))
      return new OrderRejectedError(venue, `rejected the request to ${action} (${reason})`);
    return new VenueError(venue, `failed to ${action} (${reason})`);
  }
  if (isSdkError(error, 'FetchError')) {
    const timedOut = /timeout|abort/i.test(
      `${(error as Error).message} ${String((error as { cause?: unknown }).cause)}`,
    );
    return new VenueUnavailableError(
      venue,
      timedOut ? `timed out while trying to ${action}` : `unreachable while trying to ${action}`,
    );
  }
  return new VenueError(venue, `failed to ${action} (${errorMessage(error)})`);
}

/** Daily, hourly and 5-minute bars of US stock tickers from Alpaca's market-data API. */
export function createAlpacaMarketData(config: AlpacaConfig, options: AlpacaClientOptions = {}) {
  const { keyId, secret } = credentials(config);
  let client: Promise<{ sdk: AlpacaSdk; stocks: marketData.StockApi }> | undefined;
  const connect = () => {
    client ??= importSdk().then((sdk) => ({
      sdk,
      stocks: new sdk.marketData.StockApi(
        new sdk.marketData.Configuration(restConfig(sdk, keyId, secret, config.ALPACA_DATA_URL, options)),
      ),
    }));
    return client;
  };
  const now = options.now ?? Date.now;

  return {
    id: 'alpaca',
    async symbols(assetType: 'crypto' | 'stock') {
      return assetType === 'stock' ? [...config.STOCK_SYMBOLS] : [];
    },
    async fetchBars({
      symbol,
      timeframe,
      since,
      limit,
    }: {
      symbol: string;
      timeframe: Timeframe;
      since?: number;
      limit?: number;
    }) {
      const action = `fetch ${timeframe} bars for ${symbol}`;
      if (limit !== undefined && limit <= 0) return [];
      const closedBy = now();
      // Without `since`, ask newest first so `limit` means "the latest bars".
      const newestFirst = since === undefined;
      const bars: Bar[] = [];
      try {
        const { sdk, stocks } = await connect();
        const request = {
          symbols: symbol,
          timeframe: timeframeOf(sdk, timeframe),
          start: new Date(since ?? HISTORY_START),
          limit: Math.min(limit ?? PAGE_LIMIT, PAGE_LIMIT),
          ...(newestFirst ? { sort: 'desc' as const } : {}),
        };
        // The SDK's page-token iterator; stopping early fetches no further pages.
        const pages = sdk.pagination.paginateSymbolMap<marketData.StockBar>((pageToken) =>
          stocks
            .stockBars({ ...request, ...(pageToken ? { pageToken } : {}) })
            .then((r) => ({ data: r.bars ?? {}, nextPageToken: r.nextPageToken })),
        );
        for await (const { value } of pages) {
          const bar = toBar(symbol, timeframe, value);
          if (bar.openTime + TIMEFRAME_MS[timeframe] > closedBy) continue;
          bars.push(bar);
          if (limit !== undefined && bars.length >= limit) break;
        }
      } catch (e) {
        throw toAlpacaError(e, action);
      }
      return newestFirst ? bars.reverse() : bars;
    },
  };
}

function toBar(symbol: string, timeframe: Timeframe, raw: marketData.StockBar): Bar {
  return {
    symbol,
    timeframe,
    openTime: new Date(raw.t as unknown as string | Date).getTime(),
    open: Number(raw.o),
    high: Number(raw.h),
    low: Number(raw.l),
    close: Number(raw.c),
    volume: Number(raw.v),
    tradeCount: raw.n === undefined || raw.n === null ? null : Number(raw.n),
  };
}

export interface AlpacaBrokerOptions {
  keyId: string;
  secretKey: string;
  paper: boolean;
  urls?: { trading?: string };
  timeoutMs?: number;
}

/** A Broker that can also list open positions. */
export interface AlpacaBroker extends Broker {
  /** Open position quantities by ticker. */
  positions(): Promise<Record<string, number>>;
}

const ORDER_STATUS: Record<string, OrderStatus> = {
  filled: 'filled',
  canceled: 'canceled',
  expired: 'expired',
  done_for_day: 'expired',
  rejected: 'rejected',
};

function toOrderState(order: trading.Order): OrderState {
  const filled = Number(order.filledQty ?? 0);
  const average =
    order.filledAvgPrice === undefined || order.filledAvgPrice === null ? null : Number(order.filledAvgPrice);
  return {
    venueOrderId: order.id ?? '',
    clientOrderId: order.clientOrderId ?? null,
    status: ORDER_STATUS[String(order.status)] ?? 'open',
    filledQuantity: filled,
    averagePrice: average,
    // Alpaca charges no commission on US equities.
    fee: 0,
  };
}

/** A live (or paper) broker on one user's Alpaca account. Market orders, day time-in-force. */
export function createAlpacaBroker(options: AlpacaBrokerOptions): AlpacaBroker {
  let client:
    | Promise<{
        orders: InstanceType<AlpacaSdk['OrdersApi']>;
        account: trading.AccountsApi;
        positions: trading.PositionsApi;
      }>
    | undefined;
  const connect = () => {
    client ??= importSdk().then((sdk) => {
      const config = new sdk.trading.Configuration({
        ...restConfig(sdk, options.keyId, options.secretKey, options.urls?.trading, options),
        paper: options.paper,
      });
      return {
        orders: new sdk.OrdersApi(config),
        account: new sdk.trading.AccountsApi(config),
        positions: new sdk.trading.PositionsApi(config),
      };
    });
    return client;
  };

  const positions = async () => {
    try {
      const open = await (await connect()).positions.getAllOpenPositions();
      return Object.fromEntries(open.map((p) => [p.symbol, Number(p.qtyAvailable ?? p.qty)]));
    } catch (e) {
      throw toAlpacaError(e, 'list positions');
    }
  };

  return {
    venue: 'alpaca',

    async placeOrder(order) {
      const action = `place a ${order.side} order for ${order.quantity} ${order.symbol}`;
      if (!Number.isFinite(order.quantity) || order.quantity <= 0) {
        throw new OrderRejectedError('alpaca', `cannot ${action}: quantity must be a positive number`);
      }
      const { orders } = await connect();
      try {
        const placed = await orders.market({
          symbol: order.symbol,
          qty: order.quantity,
          side: order.side,
          clientOrderId: order.clientOrderId,
        });
        return toOrderState(placed);
      } catch (e) {
        // A repeated client id means this order was placed before: answer with that order.
        if (isSdkError(e, 'ApiError') && /client_order_id must be unique/i.test((e as Error).message)) {
          try {
            return toOrderState(await orders.getOrderByClientOrderId({ clientOrderId: order.clientOrderId }));
          } catch (lookup) {
            throw toAlpacaError(lookup, `find order ${order.clientOrderId}`);
          }
        }
        throw toAlpacaError(e, action);
      }
    },

    async getOrder(venueOrderId) {
      try {
        const { orders } = await connect();
        return toOrderState(await orders.getOrderByOrderID({ orderId: venueOrderId }));
      } catch (e) {
        throw toAlpacaError(e, `query order ${venueOrderId}`);
      }
    },

    async findOrder(clientOrderId, symbol) {
      let order: trading.Order;
      try {
        order = await (await connect()).orders.getOrderByClientOrderId({ clientOrderId });
      } catch (e) {
        // GET /v2/orders:by_client_order_id answers 404 when no order carries the id.
        if (isSdkError(e, 'NotFoundError')) return null;
        throw toAlpacaError(e, `find order ${clientOrderId}`);
      }
      if (order.symbol && order.symbol !== symbol) {
        throw new VenueError(
          'alpaca',
          `order ${order.id} with client id ${clientOrderId} is for ${order.symbol}, not ${symbol}`,
        );
      }
      return toOrderState(order);
    },

    async cancelOrder(venueOrderId) {
      try {
        await (await connect()).orders.deleteOrderByOrderID({ orderId: venueOrderId });
      } catch (e) {
        throw toAlpacaError(e, `cancel order ${venueOrderId}`);
      }
    },

    async balances() {
      try {
        const acct = await (await connect()).account.getAccount();
        return { [acct.currency ?? 'USD']: Number(acct.cash ?? 0), ...(await positions()) };
      } catch (e) {
        throw toAlpacaError(e, 'read balances');
      }
    },

    positions,
  };
}

/** Alpaca's NYSE calendar for the dates from..to (YYYY-MM-DD, inclusive), as our MarketDay shape. */
export async function fetchAlpacaCalendar(
  config: AlpacaConfig,
  from: string,
  to: string,
  options: AlpacaClientOptions = {},
): Promise<MarketDay[]> {
  const { keyId, secret } = credentials(config);
  const sdk = await importSdk();
  const api = new sdk.trading.CalendarApi(
    new sdk.trading.Configuration({
      ...restConfig(sdk, keyId, secret, config.ALPACA_TRADING_URL, options),
      paper: config.ALPACA_PAPER,
    }),
  );
  try {
    const days = await api.legacyCalendar({
      start: new Date(`${from}T00:00:00Z`),
      end: new Date(`${to}T00:00:00Z`),
    });
    return days.map((d) => {
      const date = (d.date as Date).toISOString().slice(0, 10);
      return {
        date,
        open: newYorkInstant(date, String(d.open)),
        close: newYorkInstant(date, String(d.close)),
        earlyClose: String(d.close) < '16:00',
      };
    });
  } catch (e) {
    throw toAlpacaError(e, `read the calendar ${from}..${to}`);
  }
}

/** Alpaca's market clock: whether the market is open now, and the next open and close (UTC ms). */
export async function fetchAlpacaClock(
  config: AlpacaConfig,
  options: AlpacaClientOptions = {},
): Promise<{ timestamp: number; isOpen: boolean; nextOpen: number; nextClose: number }> {
  const { keyId, secret } = credentials(config);
  const sdk = await importSdk();
  const api = new sdk.trading.ClockApi(
    new sdk.trading.Configuration({
      ...restConfig(sdk, keyId, secret, config.ALPACA_TRADING_URL, options),
      paper: config.ALPACA_PAPER,
    }),
  );
  try {
    const clock = await api.legacyClock();
    return {
      timestamp: clock.timestamp.getTime(),
      isOpen: clock.isOpen,
      nextOpen: clock.nextOpen.getTime(),
      nextClose: clock.nextClose.getTime(),
    };
  } catch (e) {
    throw toAlpacaError(e, 'read the market clock');
  }
}

/** UTC instant of a New York wall-clock time (`HH:MM`) on a date, as Alpaca's calendar gives them. */
export function newYorkInstant(date: string, hhmm: string): number {
  const [hour, minute] = hhmm.split(':').map(Number) as [number, number];
  return newYorkTime(date, { hour, minute });
}

/** One day on which our NYSE calendar and Alpaca's disagree. */
export interface CalendarDisagreement {
  date: string;
  kind: 'only-ours' | 'only-theirs' | 'open' | 'close' | 'early-close';
  ours: MarketDay | null;
  theirs: MarketDay | null;
}

/** Compares two calendars day by day (same date range expected); an empty list means they agree. */
export function compareCalendars(ours: MarketDay[], theirs: MarketDay[]): CalendarDisagreement[] {
  const mine = new Map(ours.map((d) => [d.date, d]));
  const other = new Map(theirs.map((d) => [d.date, d]));
  const dates = [...new Set([...mine.keys(), ...other.keys()])].sort();
  return dates.flatMap((date): CalendarDisagreement[] => {
    const a = mine.get(date) ?? null;
    const b = other.get(date) ?? null;
    if (!a || !b) return [{ date, kind: a ? 'only-ours' : 'only-theirs', ours: a, theirs: b }];
    const kinds: CalendarDisagreement['kind'][] = [];
    if (a.open !== b.open) kinds.push('open');
    if (a.close !== b.close) kinds.push('close');
    if (a.earlyClose !== b.earlyClose) kinds.push('early-close');
    return kinds.map((kind) => ({ date, kind, ours: a, theirs: b }));
  });
}
