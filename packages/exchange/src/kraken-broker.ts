import { createHash } from 'node:crypto';
import type { Broker, OrderRequest, OrderState, OrderStatus } from '@tradehits/core/ports';
import { toVenueSymbol } from '@tradehits/core/symbols';
import type { Order } from 'ccxt';
import { OrderRejectedError, VenueError } from './errors';
import {
  type KrakenClientOptions,
  type KrakenUrls,
  lazyKrakenExchange,
  loadKrakenMarkets,
  type MarketInfo,
  toVenueError,
} from './kraken-client';

export interface KrakenBrokerOptions {
  apiKey: string;
  /** Kraken's base64 API secret. */
  secret: string;
  urls?: KrakenUrls;
  /** Taker fee rate, used when Kraken has not yet reported an order's fee. */
  feeRate: number;
  timeoutMs?: KrakenClientOptions['timeoutMs'];
  rateLimitMs?: KrakenClientOptions['rateLimitMs'];
}

const STATUS: Record<string, OrderStatus> = {
  open: 'open',
  closed: 'filled',
  canceled: 'canceled',
  expired: 'expired',
  rejected: 'rejected',
};

/**
 * Kraken accepts a `cl_ord_id` as a UUID (with or without dashes) or free text of at most 18 ASCII
 * characters. Ids that fit are sent as they are; longer ones become a short UUID from their SHA-256,
 * so the same id always maps to the same `cl_ord_id`.
 */
export function krakenClientOrderId(clientOrderId: string): string {
  const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
  const shortUuid = /^[0-9a-f]{32}$/i;
  const freeText = /^[\x20-\x7e]{1,18}$/;
  if (uuid.test(clientOrderId) || shortUuid.test(clientOrderId) || freeText.test(clientOrderId)) {
    return clientOrderId;
  }
  return createHash('sha256').update(clientOrderId).digest('hex').slice(0, 32);
}

function num(value: unknown): number | null {
  if (value === undefined || value === null || value === '') return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}

/** A market's symbol, pair id and Kraken's own names for it (`XBTUSD`, `XBT/USD`). */
function marketNames(m: MarketInfo): string[] {
  const info = (m as { info?: { altname?: string; wsname?: string } }).info;
  return [m.symbol, m.id, info?.altname, info?.wsname].filter((n): n is string => Boolean(n));
}

/** A live broker on one user's Kraken account, through ccxt's signed private API. Market orders only. */
export function createKrakenBroker(options: KrakenBrokerOptions): Broker {
  const exchange = lazyKrakenExchange({
    apiKey: options.apiKey,
    secret: options.secret,
    ...(options.urls ? { urls: options.urls } : {}),
    ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
    ...(options.rateLimitMs !== undefined ? { rateLimitMs: options.rateLimitMs } : {}),
  });
  const secrets = [options.apiKey, options.secret];
  const venueError = (e: unknown, action: string) => toVenueError(e, action, secrets);

  // ccxt's Kraken parser leaves some numbers (the fee) as strings: coerce every field we read.
  const toState = (order: Order, clientOrderId: string | null): OrderState => {
    const filledQuantity = num(order.filled) ?? 0;
    const averagePrice = num(order.average) ?? (filledQuantity > 0 ? num(order.price) : null);
    const cost = num(order.cost) ?? filledQuantity * (averagePrice ?? 0);
    return {
      venueOrderId: order.id ?? '',
      clientOrderId: clientOrderId ?? order.clientOrderId ?? null,
      status: STATUS[order.status ?? 'open'] ?? 'open',
      filledQuantity,
      averagePrice,
      fee: num(order.fee?.cost) ?? cost * options.feeRate,
    };
  };

  const getOrder = async (venueOrderId: string, clientOrderId: string | null = null) => {
    try {
      return toState(await (await exchange()).fetchOrder(venueOrderId), clientOrderId);
    } catch (e) {
      throw venueError(e, `query order ${venueOrderId}`);
    }
  };

  return {
    venue: 'kraken',

    async placeOrder(order: OrderRequest) {
      const action = `place a ${order.side} order for ${order.quantity} ${order.symbol}`;
      if (!Number.isFinite(order.quantity) || order.quantity <= 0) {
        throw new OrderRejectedError('kraken', `cannot ${action}: quantity must be a positive number`);
      }
      let venueOrderId: string;
      try {
        const client = await exchange();
        const { bySymbol, xStockSymbols } = await loadKrakenMarkets(client, true);
        const venueSymbol = toVenueSymbol('kraken', order.symbol);
        if (!bySymbol.has(venueSymbol)) {
          throw new VenueError('kraken', `does not list ${order.symbol} (looked for ${venueSymbol})`);
        }
        const params: Record<string, string> = { clientOrderId: krakenClientOrderId(order.clientOrderId) };
        // Kraken wants the asset class on orders for tokenised stocks.
        if (xStockSymbols.has(venueSymbol)) params.asset_class = 'tokenized_asset';
        const created = await client.createOrder(
          venueSymbol,
          'market',
          order.side,
          order.quantity,
          undefined,
          params,
        );
        if (!created.id)
          throw new VenueError('kraken', `accepted the order to ${action} but returned no order id`);
        venueOrderId = created.id;
      } catch (e) {
        throw venueError(e, action);
      }
      // The order exists now: if its state cannot be read, report it open for the caller to reconcile.
      try {
        return await getOrder(venueOrderId, order.clientOrderId);
      } catch {
        return {
          venueOrderId,
          clientOrderId: order.clientOrderId,
          status: 'open',
          filledQuantity: 0,
          averagePrice: null,
          fee: 0,
        };
      }
    },

    getOrder: (venueOrderId) => getOrder(venueOrderId),

    /**
     * Kraken filters OpenOrders and ClosedOrders by `cl_ord_id` (ccxt's `clientOrderId` param). Open
     * orders are asked first: one that closes between the two calls then shows among the closed, while
     * the other order could miss it in both. Several orders under one id (Kraken keeps the id unique
     * among open orders only) are refused rather than guessed between.
     */
    async findOrder(clientOrderId, symbol) {
      const clOrdId = krakenClientOrderId(clientOrderId);
      const action = `find order ${clientOrderId}`;
      try {
        const client = await exchange();
        const { bySymbol } = await loadKrakenMarkets(client, true);
        const venueSymbol = toVenueSymbol('kraken', symbol);
        const params = { clientOrderId: clOrdId };
        const open = await client.fetchOpenOrders(undefined, undefined, undefined, params);
        const found = open.length
          ? open
          : await client.fetchClosedOrders(undefined, undefined, undefined, params);
        // Kraken filters server side; checking again guards against a filter it ignored.
        const mine = found.filter((o) => o.clientOrderId === clOrdId);
        if (mine.length === 0) return null;
        if (mine.length > 1) {
          throw new VenueError(
            'kraken',
            `has ${mine.length} orders with client id ${clOrdId}: ${mine.map((o) => o.id).join(', ')}`,
          );
        }
        const order = mine[0]!;
        // ccxt does not always name an xStock order's market, so the pair Kraken reports is matched
        // against every name of the markets we know; a pair none of them carries stays unchecked.
        const pair = (order.info as { descr?: { pair?: string } } | undefined)?.descr?.pair;
        const on = [...bySymbol.values()].find((m) =>
          marketNames(m).some((name) => name === order.symbol || name === pair),
        );
        if (on && on.symbol !== venueSymbol) {
          throw new VenueError(
            'kraken',
            `order ${order.id} with client id ${clOrdId} is on ${on.symbol}, not ${venueSymbol}`,
          );
        }
        return toState(order, clientOrderId);
      } catch (e) {
        throw venueError(e, action);
      }
    },

    async cancelOrder(venueOrderId) {
      try {
        await (await exchange()).cancelOrder(venueOrderId);
      } catch (e) {
        throw venueError(e, `cancel order ${venueOrderId}`);
      }
    },

    async balances() {
      try {
        const balance = await (await exchange()).fetchBalance();
        const free = balance.free as unknown as Record<string, number | undefined>;
        return Object.fromEntries(
          Object.entries(free).filter((entry): entry is [string, number] => typeof entry[1] === 'number'),
        );
      } catch (e) {
        throw venueError(e, 'read balances');
      }
    },
  };
}
