import { afterEach, describe, expect, it } from 'vitest';
import {
  type AlpacaConfig,
  compareCalendars,
  createAlpacaBroker,
  createAlpacaMarketData,
  fetchAlpacaCalendar,
  fetchAlpacaClock,
  newYorkInstant,
} from './alpaca';
import {
  InsufficientFundsError,
  InvalidCredentialsError,
  OrderNotFoundError,
  RateLimitedError,
  VenueUnavailableError,
} from './errors';
import {
  type AlpacaWireBar,
  FAKE_ALPACA_CREDENTIALS,
  type FakeAlpaca,
  startFakeAlpaca,
} from './testing/fake-alpaca';

const HOUR = 3_600_000;
const t0 = Date.UTC(2025, 5, 2, 13, 30);
const hourly: AlpacaWireBar[] = Array.from({ length: 25 }, (_, i) => ({
  t: new Date(t0 + i * HOUR).toISOString(),
  o: 200 + i,
  h: 201 + i,
  l: 199 + i,
  c: 200.5 + i,
  v: 1000 + i,
  n: 50 + i,
  vw: 200.2 + i,
}));

let fake: FakeAlpaca | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

const configFor = (url: string, keys = FAKE_ALPACA_CREDENTIALS): AlpacaConfig => ({
  ALPACA_KEY_ID: keys.keyId,
  ALPACA_SECRET_KEY: keys.secretKey,
  ALPACA_DATA_URL: url,
  ALPACA_TRADING_URL: url,
  ALPACA_PAPER: true,
  STOCK_SYMBOLS: ['AAPL', 'MSFT'],
});

describe('Alpaca market data through the SDK', () => {
  it('pages through history with page tokens, sending the key headers', async () => {
    fake = await startFakeAlpaca({ bars: { AAPL: { '1Hour': hourly } }, pageSize: 10 });
    const source = createAlpacaMarketData(configFor(fake.url), { now: () => t0 + 100 * HOUR });
    expect(await source.symbols('stock')).toEqual(['AAPL', 'MSFT']);
    expect(await source.symbols('crypto')).toEqual([]);

    const bars = await source.fetchBars({ symbol: 'AAPL', timeframe: '1h', since: t0 + 2 * HOUR });
    expect(bars).toHaveLength(23);
    expect(bars[0]).toEqual({
      symbol: 'AAPL',
      timeframe: '1h',
      openTime: t0 + 2 * HOUR,
      open: 202,
      high: 203,
      low: 201,
      close: 202.5,
      volume: 1002,
      tradeCount: 52,
    });
    const calls = fake.requests.filter((r) => r.path === '/v2/stocks/bars');
    expect(calls).toHaveLength(3);
    expect(calls[0]!.query).toMatchObject({
      symbols: 'AAPL',
      timeframe: '1Hour',
      start: new Date(t0 + 2 * HOUR).toISOString(),
    });
    expect(calls[1]!.query.page_token).toBeTruthy();
    expect(calls[0]!.headers['apca-api-key-id']).toBe(FAKE_ALPACA_CREDENTIALS.keyId);
    expect(calls[0]!.headers['apca-api-secret-key']).toBe(FAKE_ALPACA_CREDENTIALS.secretKey);
  });

  it('without since returns the newest closed bars, oldest first, holding back the forming one', async () => {
    fake = await startFakeAlpaca({ bars: { AAPL: { '1Hour': hourly } } });
    const now = t0 + 24 * HOUR + 10 * 60_000; // inside the last bar
    const source = createAlpacaMarketData(configFor(fake.url), { now: () => now });
    const bars = await source.fetchBars({ symbol: 'AAPL', timeframe: '1h', limit: 3 });
    expect(bars.map((b) => b.openTime)).toEqual([21, 22, 23].map((i) => t0 + i * HOUR));
    expect(fake.requests.at(-1)!.query).toMatchObject({ sort: 'desc', timeframe: '1Hour' });
  });

  it('types 429, 5xx, bad keys and timeouts', async () => {
    fake = await startFakeAlpaca({ bars: { AAPL: { '5Min': [] } } });
    const source = createAlpacaMarketData(configFor(fake.url), { timeoutMs: 1500 });
    const req = { symbol: 'AAPL', timeframe: '5m' } as const;
    fake.failNext('GET /v2/stocks/bars', { kind: 'http', status: 429 });
    await expect(source.fetchBars(req)).rejects.toBeInstanceOf(RateLimitedError);
    fake.failNext('GET /v2/stocks/bars', { kind: 'http', status: 503 });
    await expect(source.fetchBars(req)).rejects.toBeInstanceOf(VenueUnavailableError);
    fake.failNext('GET /v2/stocks/bars', { kind: 'hang' });
    await expect(source.fetchBars(req)).rejects.toThrow(
      'alpaca: timed out while trying to fetch 5m bars for AAPL',
    );
    const wrong = createAlpacaMarketData(configFor(fake.url, { keyId: 'PKWRONG', secretKey: 'nope-nope' }));
    const error = await wrong.fetchBars(req).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidCredentialsError);
    expect(String((error as Error).message)).not.toContain('nope-nope');
    expect(await source.fetchBars(req)).toEqual([]);
  });

  it('refuses to start without keys', () => {
    expect(() =>
      createAlpacaMarketData({ ...configFor('http://127.0.0.1:9'), ALPACA_KEY_ID: undefined }),
    ).toThrow('alpaca: ALPACA_KEY_ID and ALPACA_SECRET_KEY must both be set');
  });
});

describe('Alpaca broker through the SDK', () => {
  const broker = (url: string) =>
    createAlpacaBroker({ ...FAKE_ALPACA_CREDENTIALS, paper: true, urls: { trading: url }, timeoutMs: 1500 });

  it('places a market order with our client id; a repeat returns the same order', async () => {
    fake = await startFakeAlpaca({ cash: 10_000 });
    const alpaca = broker(fake.url);
    const order = { clientOrderId: 'engine-aapl-1', symbol: 'AAPL', side: 'buy', quantity: 3 } as const;
    const placed = await alpaca.placeOrder(order);
    expect(placed).toMatchObject({
      clientOrderId: 'engine-aapl-1',
      status: 'filled',
      filledQuantity: 3,
      averagePrice: 200,
      fee: 0,
    });
    expect(fake.requests.find((r) => r.method === 'POST')!.body).toEqual({
      symbol: 'AAPL',
      qty: '3',
      side: 'buy',
      type: 'market',
      time_in_force: 'day',
      client_order_id: 'engine-aapl-1',
    });
    expect(await alpaca.placeOrder(order)).toEqual(placed);
    expect(fake.orderCount()).toBe(1);
    expect(await alpaca.getOrder(placed.venueOrderId)).toEqual(placed);
    expect(await alpaca.positions()).toEqual({ AAPL: 3 });
    expect(await alpaca.balances()).toEqual({ USD: 9_400, AAPL: 3 });
  });

  it('types insufficient funds, unknown orders and outages', async () => {
    fake = await startFakeAlpaca({ cash: 100 });
    const alpaca = broker(fake.url);
    await expect(
      alpaca.placeOrder({ clientOrderId: 'big', symbol: 'AAPL', side: 'buy', quantity: 10 }),
    ).rejects.toBeInstanceOf(InsufficientFundsError);
    await expect(alpaca.getOrder('00000000-0000-0000-0000-000000000000')).rejects.toBeInstanceOf(
      OrderNotFoundError,
    );
    await expect(alpaca.cancelOrder('00000000-0000-0000-0000-000000000000')).rejects.toBeInstanceOf(
      OrderNotFoundError,
    );
    fake.failNext('POST /v2/orders', { kind: 'http', status: 500 });
    await expect(
      alpaca.placeOrder({ clientOrderId: 'x', symbol: 'AAPL', side: 'buy', quantity: 0.1 }),
    ).rejects.toBeInstanceOf(VenueUnavailableError);
    expect(fake.requests.filter((r) => r.method === 'POST')).toHaveLength(2);
  });
});

describe('Alpaca order lookup by client order id', () => {
  const broker = (url: string) =>
    createAlpacaBroker({ ...FAKE_ALPACA_CREDENTIALS, paper: true, urls: { trading: url }, timeoutMs: 1500 });

  it('finds a filled or an open order by our client id; 404 is null', async () => {
    fake = await startFakeAlpaca({ cash: 10_000 });
    const alpaca = broker(fake.url);
    const placed = await alpaca.placeOrder({
      clientOrderId: 'p1:AAPL:1',
      symbol: 'AAPL',
      side: 'buy',
      quantity: 2,
    });
    fake.requests.length = 0;
    expect(await alpaca.findOrder('p1:AAPL:1', 'AAPL')).toEqual(placed);
    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0]).toMatchObject({
      method: 'GET',
      path: '/v2/orders:by_client_order_id',
      query: { client_order_id: 'p1:AAPL:1' },
    });
    expect(fake.requests[0]!.headers['apca-api-key-id']).toBe(FAKE_ALPACA_CREDENTIALS.keyId);
    expect(await alpaca.findOrder('p1:AAPL:never', 'AAPL')).toBeNull();

    const held = await startFakeAlpaca({ fillMarketOrders: false });
    try {
      const waiting = broker(held.url);
      await waiting.placeOrder({ clientOrderId: 'open-1', symbol: 'MSFT', side: 'buy', quantity: 1 });
      expect(await waiting.findOrder('open-1', 'MSFT')).toMatchObject({
        status: 'open',
        filledQuantity: 0,
        averagePrice: null,
      });
    } finally {
      await held.close();
    }
  });

  it('never reads an outage, bad keys or another symbol as "no such order"', async () => {
    fake = await startFakeAlpaca();
    const alpaca = broker(fake.url);
    await alpaca.placeOrder({ clientOrderId: 'c-1', symbol: 'AAPL', side: 'buy', quantity: 1 });
    fake.failNext('GET /v2/orders:by_client_order_id', { kind: 'http', status: 503 });
    await expect(alpaca.findOrder('c-1', 'AAPL')).rejects.toBeInstanceOf(VenueUnavailableError);
    fake.failNext('GET /v2/orders:by_client_order_id', { kind: 'hang' });
    await expect(alpaca.findOrder('c-1', 'AAPL')).rejects.toThrow(
      'alpaca: timed out while trying to find order c-1',
    );
    await expect(alpaca.findOrder('c-1', 'MSFT')).rejects.toThrow(/is for AAPL, not MSFT/);
    const wrongKeys = createAlpacaBroker({
      keyId: FAKE_ALPACA_CREDENTIALS.keyId,
      secretKey: 'wrong-secret',
      paper: true,
      urls: { trading: fake.url },
    });
    const error = await wrongKeys.findOrder('c-1', 'AAPL').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidCredentialsError);
    expect(String((error as Error).message)).not.toContain('wrong-secret');
    expect(await alpaca.findOrder('c-1', 'AAPL')).toMatchObject({ status: 'filled', filledQuantity: 1 });
  });
});

describe('Alpaca calendar and clock', () => {
  const wireDay = (date: string, close = '16:00') => ({
    date,
    open: '09:30',
    close,
    session_open: '0400',
    session_close: '2000',
    settlement_date: date,
  });

  it('reads the calendar as MarketDays in UTC and finds disagreements with ours', async () => {
    fake = await startFakeAlpaca({
      calendar: [wireDay('2025-07-02'), wireDay('2025-07-03', '13:00'), wireDay('2025-07-07')],
      clock: {
        timestamp: '2025-07-03T14:00:00Z',
        is_open: true,
        next_open: '2025-07-07T13:30:00Z',
        next_close: '2025-07-03T17:00:00Z',
      },
    });
    const theirs = await fetchAlpacaCalendar(configFor(fake.url), '2025-07-02', '2025-07-07');
    expect(theirs[1]).toEqual({
      date: '2025-07-03',
      open: Date.UTC(2025, 6, 3, 13, 30),
      close: Date.UTC(2025, 6, 3, 17, 0),
      earlyClose: true,
    });
    expect(fake.requests.at(-1)!.path).toBe('/v2/calendar');

    const ours = [theirs[0]!, { ...theirs[1]!, close: Date.UTC(2025, 6, 3, 20), earlyClose: false }];
    expect(compareCalendars(ours, theirs).map((d) => [d.date, d.kind])).toEqual([
      ['2025-07-03', 'close'],
      ['2025-07-03', 'early-close'],
      ['2025-07-07', 'only-theirs'],
    ]);
    expect(compareCalendars(theirs, theirs)).toEqual([]);

    expect(await fetchAlpacaClock(configFor(fake.url))).toEqual({
      timestamp: Date.UTC(2025, 6, 3, 14),
      isOpen: true,
      nextOpen: Date.UTC(2025, 6, 7, 13, 30),
      nextClose: Date.UTC(2025, 6, 3, 17),
    });
  });

  it('converts New York wall time across daylight-saving changes', () => {
    expect(newYorkInstant('2025-01-02', '09:30')).toBe(Date.UTC(2025, 0, 2, 14, 30));
    expect(newYorkInstant('2025-03-10', '09:30')).toBe(Date.UTC(2025, 2, 10, 13, 30));
    expect(newYorkInstant('2025-11-03', '16:00')).toBe(Date.UTC(2025, 10, 3, 21, 0));
  });
});
