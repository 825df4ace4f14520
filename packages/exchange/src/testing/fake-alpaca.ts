import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { Bar, Timeframe } from '@tradehits/core/types';
import { serveOnLoopback } from './loopback-server';

/**
 * A local stand-in for Alpaca's data and trading REST APIs (one port serves both) for tests that
 * drive the real `@alpacahq/alpaca-trade-api` SDK. It checks the APCA-API-KEY-ID / APCA-API-SECRET-KEY
 * headers, pages stock bars with `next_page_token`, fills market orders at once (or leaves them new),
 * finds orders by client order id (404 when none has it), answers account, positions, calendar and clock, records every request, and fails on demand (status or no answer).
 */

/** An Alpaca stock bar on the wire. */
export interface AlpacaWireBar {
  t: string;
  o: number;
  h: number;
  l: number;
  c: number;
  v: number;
  n: number;
  vw: number;
}

/** Alpaca's names for our timeframes, as the SDK sends them. */
export const ALPACA_TIMEFRAME: Record<Timeframe, string> = { '5m': '5Min', '1h': '1Hour', '1d': '1Day' };

/** A bar in Alpaca's wire shape, to serve from the fake. */
export const toAlpacaWireBar = (b: Bar): AlpacaWireBar => ({
  t: new Date(b.openTime).toISOString(),
  o: b.open,
  h: b.high,
  l: b.low,
  c: b.close,
  v: b.volume,
  n: 0,
  vw: (b.high + b.low + b.close) / 3,
});

/** An Alpaca calendar day on the wire (`/v2/calendar`). */
export interface AlpacaWireDay {
  date: string;
  open: string;
  close: string;
  session_open: string;
  session_close: string;
  settlement_date: string;
}

export interface FakeAlpacaRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
  headers: Record<string, string | string[] | undefined>;
}

export type FakeAlpacaFailure = { kind: 'http'; status: number; message?: string } | { kind: 'hang' };

export interface FakeAlpacaOptions {
  keyId?: string;
  secretKey?: string;
  /** Bars by symbol and Alpaca timeframe (`5Min`, `1Hour`, `1Day`), oldest first. */
  bars?: Record<string, Record<string, AlpacaWireBar[]>>;
  /** Most bars per page, whatever `limit` asks (to exercise paging). */
  pageSize?: number;
  cash?: number;
  prices?: Record<string, number>;
  calendar?: AlpacaWireDay[];
  /** Market orders fill at once (default) or stay `new` (to exercise cancel and reconciliation). */
  fillMarketOrders?: boolean;
  clock?: { timestamp: string; is_open: boolean; next_open: string; next_close: string };
}

export interface FakeAlpaca {
  url: string;
  requests: FakeAlpacaRequest[];
  /** Makes the next `times` requests whose `METHOD /path` starts with `route` fail as given. */
  failNext(route: string, failure: FakeAlpacaFailure, times?: number): void;
  orderCount(): number;
  /** From now on market orders fill at once, or stay `new` until cancelled. */
  setFillMarketOrders(fill: boolean): void;
  close(): Promise<void>;
}

export const FAKE_ALPACA_CREDENTIALS = {
  keyId: 'PKTESTKEY0123456789',
  secretKey: 'fake-alpaca-secret-do-not-log',
};

interface WireOrder {
  id: string;
  client_order_id: string;
  symbol: string;
  side: string;
  type: string;
  time_in_force: string;
  qty: string;
  filled_qty: string;
  filled_avg_price: string | null;
  status: string;
  created_at: string;
  asset_class: string;
}

/** Starts the fake on 127.0.0.1 with a free port. */
export async function startFakeAlpaca(options: FakeAlpacaOptions = {}): Promise<FakeAlpaca> {
  const keyId = options.keyId ?? FAKE_ALPACA_CREDENTIALS.keyId;
  const secretKey = options.secretKey ?? FAKE_ALPACA_CREDENTIALS.secretKey;
  const pageSize = options.pageSize ?? 10_000;
  const prices: Record<string, number> = { AAPL: 200, MSFT: 400, ...options.prices };
  let cash = options.cash ?? 100_000;
  const positions = new Map<string, number>();
  const orders = new Map<string, WireOrder>();
  let fillMarketOrders = options.fillMarketOrders ?? true;
  const requests: FakeAlpacaRequest[] = [];
  const failures: { route: string; failure: FakeAlpacaFailure; times: number }[] = [];

  const send = (res: ServerResponse, status: number, body?: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json', 'x-request-id': randomUUID() });
    res.end(body === undefined ? '' : JSON.stringify(body));
  };
  const apiError = (res: ServerResponse, status: number, code: number, message: string) =>
    send(res, status, { code, message });

  const bars = (query: Record<string, string>, res: ServerResponse) => {
    const symbols = (query.symbols ?? '').split(',').filter(Boolean);
    if (symbols.length === 0 || !query.timeframe) {
      return apiError(res, 400, 42210000, 'symbols and timeframe are required');
    }
    const start = query.start ? Date.parse(query.start) : Number.NEGATIVE_INFINITY;
    const end = query.end ? Date.parse(query.end) : Number.POSITIVE_INFINITY;
    const limit = Math.min(Number(query.limit ?? 1000), pageSize);
    const desc = query.sort === 'desc';
    // Alpaca sorts by symbol, then time; the page token here is the offset into that order.
    const all = symbols.flatMap((symbol) => {
      const series = (options.bars?.[symbol]?.[query.timeframe!] ?? []).filter((b) => {
        const t = Date.parse(b.t);
        return t >= start && t <= end;
      });
      return (desc ? [...series].reverse() : series).map((bar) => ({ symbol, bar }));
    });
    const offset = query.page_token ? Number(Buffer.from(query.page_token, 'base64').toString()) : 0;
    const page = all.slice(offset, offset + limit);
    const grouped: Record<string, AlpacaWireBar[]> = {};
    for (const { symbol, bar } of page) {
      grouped[symbol] = [...(grouped[symbol] ?? []), bar];
    }
    const next = offset + limit < all.length ? Buffer.from(String(offset + limit)).toString('base64') : null;
    return send(res, 200, { bars: grouped, next_page_token: next, currency: 'USD' });
  };

  const placeOrder = (body: Record<string, string>, res: ServerResponse) => {
    if (body.type !== 'market') return apiError(res, 422, 40010001, 'only market orders in this fake');
    if ([...orders.values()].some((o) => o.client_order_id === body.client_order_id)) {
      return apiError(res, 422, 40010001, 'client_order_id must be unique');
    }
    const symbol = body.symbol ?? '';
    const price = prices[symbol];
    if (price === undefined) return apiError(res, 422, 40010001, `asset "${symbol}" not found`);
    const qty = Number(body.qty);
    if (body.side === 'buy' && qty * price > cash)
      return apiError(res, 403, 40310000, 'insufficient buying power');
    if (body.side === 'sell' && qty > (positions.get(symbol) ?? 0)) {
      return apiError(res, 403, 40310000, 'insufficient qty available for order');
    }
    const fill = fillMarketOrders;
    if (fill) {
      const sign = body.side === 'buy' ? 1 : -1;
      cash -= sign * qty * price;
      positions.set(symbol, (positions.get(symbol) ?? 0) + sign * qty);
    }
    const order: WireOrder = {
      id: randomUUID(),
      client_order_id: body.client_order_id ?? randomUUID(),
      symbol,
      side: body.side ?? 'buy',
      type: 'market',
      time_in_force: body.time_in_force ?? 'day',
      qty: String(qty),
      filled_qty: fill ? String(qty) : '0',
      filled_avg_price: fill ? String(price) : null,
      status: fill ? 'filled' : 'new',
      created_at: new Date().toISOString(),
      asset_class: 'us_equity',
    };
    orders.set(order.id, order);
    return send(res, 200, order);
  };

  const route = (
    method: string,
    path: string,
    query: Record<string, string>,
    body: unknown,
    res: ServerResponse,
  ) => {
    if (method === 'GET' && path === '/v2/stocks/bars') return bars(query, res);
    if (method === 'POST' && path === '/v2/orders') return placeOrder(body as Record<string, string>, res);
    if (method === 'GET' && path === '/v2/orders:by_client_order_id') {
      if (!query.client_order_id) return apiError(res, 422, 40010001, 'client_order_id is required');
      const order = [...orders.values()].find((o) => o.client_order_id === query.client_order_id);
      return order ? send(res, 200, order) : apiError(res, 404, 40410000, 'order not found');
    }
    const orderPath = /^\/v2\/orders\/([\w-]+)$/.exec(path);
    if (orderPath) {
      const order = orders.get(orderPath[1]!);
      if (!order) return apiError(res, 404, 40410000, 'order not found');
      if (method === 'GET') return send(res, 200, order);
      if (method === 'DELETE') {
        if (order.status === 'filled')
          return apiError(res, 422, 42210000, 'order is already in "filled" state');
        order.status = 'canceled';
        return send(res, 204);
      }
    }
    if (method === 'GET' && path === '/v2/account') {
      return send(res, 200, {
        id: 'fake-account',
        account_number: 'PA0000000',
        status: 'ACTIVE',
        currency: 'USD',
        cash: cash.toFixed(2),
        buying_power: cash.toFixed(2),
        portfolio_value: cash.toFixed(2),
      });
    }
    if (method === 'GET' && path === '/v2/positions') {
      return send(
        res,
        200,
        [...positions.entries()]
          .filter(([, qty]) => qty !== 0)
          .map(([symbol, qty]) => ({
            asset_id: randomUUID(),
            symbol,
            exchange: 'NASDAQ',
            asset_class: 'us_equity',
            qty: String(qty),
            qty_available: String(qty),
            side: 'long',
            avg_entry_price: String(prices[symbol] ?? 0),
            market_value: String(qty * (prices[symbol] ?? 0)),
            cost_basis: String(qty * (prices[symbol] ?? 0)),
          })),
      );
    }
    if (method === 'GET' && path === '/v2/calendar') {
      const from = query.start?.slice(0, 10) ?? '0000-00-00';
      const to = query.end?.slice(0, 10) ?? '9999-99-99';
      return send(
        res,
        200,
        (options.calendar ?? []).filter((d) => d.date >= from && d.date <= to),
      );
    }
    if (method === 'GET' && path === '/v2/clock') {
      return send(
        res,
        200,
        options.clock ?? {
          timestamp: new Date().toISOString(),
          is_open: false,
          next_open: new Date().toISOString(),
          next_close: new Date().toISOString(),
        },
      );
    }
    return apiError(res, 404, 40410000, `no route ${method} ${path}`);
  };

  const server = await serveOnLoopback((req, res, { url, body: text, hold }) => {
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      return apiError(res, 400, 40010000, 'request body is not JSON');
    }
    const path = decodeURIComponent(url.pathname);
    const method = req.method ?? 'GET';
    requests.push({
      method,
      path,
      query: Object.fromEntries(url.searchParams),
      body,
      headers: req.headers,
    });

    const key = `${method} ${path}`;
    const failure = failures.find((f) => f.times > 0 && key.startsWith(f.route));
    if (failure) {
      failure.times -= 1;
      if (failure.failure.kind === 'hang') {
        hold();
        return;
      }
      return apiError(
        res,
        failure.failure.status,
        failure.failure.status * 100_000,
        failure.failure.message ?? 'injected failure',
      );
    }
    if (req.headers['apca-api-key-id'] !== keyId || req.headers['apca-api-secret-key'] !== secretKey) {
      return apiError(res, 401, 40110000, 'request is not authorized');
    }
    return route(method, path, Object.fromEntries(url.searchParams), body, res);
  });

  return {
    url: server.url,
    requests,
    failNext(routePrefix, failure, times = 1) {
      failures.push({ route: routePrefix, failure, times });
    },
    orderCount: () => orders.size,
    setFillMarketOrders: (fill) => {
      fillMarketOrders = fill;
    },
    close: server.close,
  };
}
