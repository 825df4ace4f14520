import type { AssetType, Bar, OrderSide, Timeframe } from './types';

/** Where bars come from: an exchange, a US-equities venue, or recorded files played back. */
export interface MarketDataSource {
  readonly id: string;
  /** Bars with openTime >= since (oldest first), at most `limit`; only closed bars. */
  fetchBars(req: { symbol: string; timeframe: Timeframe; since?: number; limit?: number }): Promise<Bar[]>;
  /** The symbols (our tickers) this source serves for an asset type. */
  symbols(assetType: AssetType): Promise<string[]>;
}

export interface OrderRequest {
  /** Our idempotency key; a venue that supports client ids gets it, so a retried order is not placed twice. */
  clientOrderId: string;
  symbol: string;
  side: OrderSide;
  /** Base-asset quantity. */
  quantity: number;
}

export type OrderStatus = 'open' | 'filled' | 'canceled' | 'rejected' | 'expired';

export interface OrderState {
  venueOrderId: string;
  clientOrderId: string | null;
  status: OrderStatus;
  filledQuantity: number;
  averagePrice: number | null;
  /** Fee in quote currency. */
  fee: number;
}

/** A venue that executes orders for one user's account (paper, Kraken, Alpaca). */
export interface Broker {
  readonly venue: string;
  placeOrder(order: OrderRequest): Promise<OrderState>;
  getOrder(venueOrderId: string): Promise<OrderState>;
  /**
   * The venue's order carrying our client order id on `symbol` (our ticker), or null when the venue
   * says it has none. Any failure to ask (venue down, bad keys, an ambiguous answer) throws: a caller
   * must never read an error as "no such order".
   */
  findOrder(clientOrderId: string, symbol: string): Promise<OrderState | null>;
  cancelOrder(venueOrderId: string): Promise<void>;
  /** Free balances by currency code (e.g. { USD: 1234.5, BTC: 0.01 }). */
  balances(): Promise<Record<string, number>>;
}
