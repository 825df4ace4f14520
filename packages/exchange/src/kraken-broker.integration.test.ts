import { afterEach, describe, expect, it } from 'vitest';
import {
  InsufficientFundsError,
  InvalidCredentialsError,
  InvalidNonceError,
  OrderNotFoundError,
  OrderRejectedError,
  RateLimitedError,
  RetryableVenueError,
  VenueUnavailableError,
} from './errors';
import { createKrakenBroker, krakenClientOrderId } from './kraken-broker';
import {
  FAKE_KRAKEN_CREDENTIALS,
  type FakeKraken,
  type FakeKrakenOptions,
  startFakeKraken,
} from './testing/fake-kraken';

let fake: FakeKraken | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function setup(options: FakeKrakenOptions = {}, credentials = FAKE_KRAKEN_CREDENTIALS) {
  fake = await startFakeKraken(options);
  const broker = createKrakenBroker({
    ...credentials,
    urls: { public: fake.url, private: fake.url },
    feeRate: 0.0026,
    rateLimitMs: 5,
    timeoutMs: 1500,
  });
  return { fake, broker };
}

const privateCalls = (f: FakeKraken, endpoint: string) =>
  f.requests.filter((r) => r.path === `/0/private/${endpoint}`);

describe('Kraken broker through ccxt', () => {
  it('places a signed market order with our client id and reports the fill', async () => {
    const { fake, broker } = await setup({ balances: { ZUSD: 10_000 } });
    const state = await broker.placeOrder({
      clientOrderId: 'buy-btc-1',
      symbol: 'BTC/USD',
      side: 'buy',
      quantity: 0.01,
    });

    const [add] = privateCalls(fake, 'AddOrder');
    expect(add?.signatureValid).toBe(true);
    expect(add?.headers['api-key']).toBe(FAKE_KRAKEN_CREDENTIALS.apiKey);
    expect(add?.body).toMatchObject({
      pair: 'XXBTZUSD',
      type: 'buy',
      ordertype: 'market',
      volume: '0.01',
      cl_ord_id: 'buy-btc-1',
    });
    expect(add?.body.asset_class).toBeUndefined();
    expect(privateCalls(fake, 'QueryOrders')[0]?.signatureValid).toBe(true);
    expect(state).toEqual({
      venueOrderId: 'O00001-FAKE-KRAKEN',
      clientOrderId: 'buy-btc-1',
      status: 'filled',
      filledQuantity: 0.01,
      averagePrice: 60_000,
      fee: 1.56,
    });
    expect(fake.balance('ZUSD')).toBeCloseTo(10_000 - 600 - 1.56, 8);
    expect(await broker.getOrder('O00001-FAKE-KRAKEN')).toMatchObject({
      status: 'filled',
      clientOrderId: 'buy-btc-1',
    });
  });

  it('sends xStock orders with asset_class=tokenized_asset', async () => {
    const { fake, broker } = await setup();
    const state = await broker.placeOrder({
      clientOrderId: 'aapl-1',
      symbol: 'AAPL',
      side: 'buy',
      quantity: 2,
    });
    expect(privateCalls(fake, 'AddOrder')[0]?.body).toMatchObject({
      pair: 'AAPLxUSD',
      asset_class: 'tokenized_asset',
      volume: '2',
    });
    expect(state).toMatchObject({ status: 'filled', filledQuantity: 2, averagePrice: 200 });
  });

  it('maps long client ids onto a stable short UUID Kraken accepts', async () => {
    const long = 'engine:user-42:BTC/USD:1717171717000:entry';
    expect(krakenClientOrderId(long)).toMatch(/^[0-9a-f]{32}$/);
    expect(krakenClientOrderId(long)).toBe(krakenClientOrderId(long));
    expect(krakenClientOrderId('3f0e5c1a-7b2d-4c8e-9a1b-0d2e3f4a5b6c')).toBe(
      '3f0e5c1a-7b2d-4c8e-9a1b-0d2e3f4a5b6c',
    );
    const { fake, broker } = await setup();
    await broker.placeOrder({ clientOrderId: long, symbol: 'BTC/USD', side: 'buy', quantity: 0.001 });
    expect(privateCalls(fake, 'AddOrder')[0]?.body.cl_ord_id).toBe(krakenClientOrderId(long));
  });

  it('cancels an open order; unknown orders are OrderNotFoundError', async () => {
    const { broker } = await setup({ fillMarketOrders: false });
    const placed = await broker.placeOrder({
      clientOrderId: 'c-1',
      symbol: 'ETH/USD',
      side: 'buy',
      quantity: 1,
    });
    expect(placed).toMatchObject({ status: 'open', filledQuantity: 0, averagePrice: null, fee: 0 });
    expect(await broker.balances()).toEqual({ USD: 6992.2, BTC: 0.5 }); // 3,007.80 held for the open buy
    await broker.cancelOrder(placed.venueOrderId);
    expect((await broker.getOrder(placed.venueOrderId)).status).toBe('canceled');
    await expect(broker.cancelOrder(placed.venueOrderId)).rejects.toBeInstanceOf(OrderNotFoundError);
    await expect(broker.getOrder('ONOPE-NOPE-NOPE')).rejects.toBeInstanceOf(OrderNotFoundError);
  });

  it('finds an order by our client id among the closed orders, and says null for an unknown id', async () => {
    const { fake, broker } = await setup({ balances: { ZUSD: 10_000 } });
    const long = 'params-1:ETH/USD:1717171717000';
    await broker.placeOrder({ clientOrderId: long, symbol: 'ETH/USD', side: 'buy', quantity: 0.5 });
    fake.requests.length = 0;

    expect(await broker.findOrder(long, 'ETH/USD')).toEqual({
      venueOrderId: 'O00001-FAKE-KRAKEN',
      clientOrderId: long,
      status: 'filled',
      filledQuantity: 0.5,
      averagePrice: 3000,
      fee: 3.9,
    });
    // Open orders first, then closed, each filtered by the cl_ord_id the order was placed with.
    expect(fake.requests.map((r) => r.path)).toEqual(['/0/private/OpenOrders', '/0/private/ClosedOrders']);
    for (const r of fake.requests) {
      expect(r.signatureValid).toBe(true);
      expect(r.body.cl_ord_id).toBe(krakenClientOrderId(long));
    }

    expect(await broker.findOrder('never-placed', 'ETH/USD')).toBeNull();
    expect(await broker.findOrder(`${long}:exit`, 'ETH/USD')).toBeNull();
  });

  it('finds an open order, partly filled, from the open orders alone', async () => {
    const { fake, broker } = await setup({ fillMarketOrders: false });
    const placed = await broker.placeOrder({
      clientOrderId: 'o-1',
      symbol: 'BTC/USD',
      side: 'buy',
      quantity: 0.1,
    });
    fake.fillOrder(placed.venueOrderId, 0.04);
    fake.requests.length = 0;
    expect(await broker.findOrder('o-1', 'BTC/USD')).toEqual({
      venueOrderId: placed.venueOrderId,
      clientOrderId: 'o-1',
      status: 'open',
      filledQuantity: 0.04,
      averagePrice: 60_000,
      fee: 6.24,
    });
    expect(fake.requests.map((r) => r.path)).toEqual(['/0/private/OpenOrders']);

    await broker.cancelOrder(placed.venueOrderId);
    expect(await broker.findOrder('o-1', 'BTC/USD')).toMatchObject({
      status: 'canceled',
      filledQuantity: 0.04,
    });
  });

  it('finds xStock orders by our ticker', async () => {
    const { broker } = await setup();
    await broker.placeOrder({ clientOrderId: 'aapl-find', symbol: 'AAPL', side: 'buy', quantity: 2 });
    expect(await broker.findOrder('aapl-find', 'AAPL')).toMatchObject({
      status: 'filled',
      filledQuantity: 2,
      averagePrice: 200,
    });
  });

  it('never reads a failed lookup or an order on another pair as "no such order"', async () => {
    const { fake, broker } = await setup();
    await broker.placeOrder({ clientOrderId: 'f-1', symbol: 'BTC/USD', side: 'buy', quantity: 0.01 });

    fake.failNext('ClosedOrders', { kind: 'http', status: 502 });
    await expect(broker.findOrder('f-1', 'BTC/USD')).rejects.toBeInstanceOf(VenueUnavailableError);
    fake.failNext('OpenOrders', { kind: 'hang' });
    await expect(broker.findOrder('f-1', 'BTC/USD')).rejects.toThrow(
      'kraken: timed out while trying to find order f-1',
    );
    fake.failNext('OpenOrders', { kind: 'kraken-error', error: 'EAPI:Invalid key' });
    await expect(broker.findOrder('f-1', 'BTC/USD')).rejects.toBeInstanceOf(InvalidCredentialsError);
    await expect(broker.findOrder('f-1', 'ETH/USD')).rejects.toThrow(
      'kraken: order O00001-FAKE-KRAKEN with client id f-1 is on BTC/USD, not ETH/USD',
    );
    expect(await broker.findOrder('f-1', 'BTC/USD')).toMatchObject({ status: 'filled' });
    await broker.placeOrder({ clientOrderId: 'f-2', symbol: 'AAPL', side: 'buy', quantity: 1 });
    await expect(broker.findOrder('f-2', 'TSLA')).rejects.toThrow(
      'kraken: order O00002-FAKE-KRAKEN with client id f-2 is on AAPLX/USD, not TSLAX/USD',
    );
  });

  it('refuses to pick between two orders that carry the same client id', async () => {
    const { broker } = await setup();
    // Kraken keeps a client id unique among open orders only: a filled one does not block a second.
    await broker.placeOrder({ clientOrderId: 'twice', symbol: 'BTC/USD', side: 'buy', quantity: 0.01 });
    await broker.placeOrder({ clientOrderId: 'twice', symbol: 'BTC/USD', side: 'buy', quantity: 0.01 });
    await expect(broker.findOrder('twice', 'BTC/USD')).rejects.toThrow(
      'kraken: has 2 orders with client id twice: O00001-FAKE-KRAKEN, O00002-FAKE-KRAKEN',
    );
  });

  it('reads free balances by currency code', async () => {
    const { broker } = await setup({ balances: { ZUSD: 1234.5, XXBT: 0.25 } });
    expect(await broker.balances()).toEqual({ USD: 1234.5, BTC: 0.25 });
  });

  it('insufficient funds is a final, typed error and nothing is placed', async () => {
    const { fake, broker } = await setup({ balances: { ZUSD: 10 } });
    const error = await broker
      .placeOrder({ clientOrderId: 'too-big', symbol: 'BTC/USD', side: 'buy', quantity: 1 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InsufficientFundsError);
    expect(error).not.toBeInstanceOf(RetryableVenueError);
    expect((error as Error).message).toBe(
      'kraken: insufficient funds to place a buy order for 1 BTC/USD (EOrder:Insufficient funds)',
    );
    expect(fake.orderCount()).toBe(0);
    expect(fake.balance('ZUSD')).toBe(10);
  });

  it('rejects a bad quantity before sending anything', async () => {
    const { fake, broker } = await setup();
    await expect(
      broker.placeOrder({ clientOrderId: 'x', symbol: 'BTC/USD', side: 'buy', quantity: -1 }),
    ).rejects.toBeInstanceOf(OrderRejectedError);
    expect(fake.requests).toHaveLength(0);
  });

  it('a wrong secret is InvalidCredentialsError and never shows the secret', async () => {
    const wrong = {
      apiKey: FAKE_KRAKEN_CREDENTIALS.apiKey,
      secret: Buffer.from('w'.repeat(64)).toString('base64'),
    };
    const { fake, broker } = await setup({}, wrong);
    const error = await broker.balances().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidCredentialsError);
    expect(privateCalls(fake, 'BalanceEx')[0]?.signatureValid).toBe(false);
    const shown = `${(error as Error).message} ${JSON.stringify(error)} ${(error as Error).stack}`;
    expect(shown).not.toContain(wrong.secret);
    expect(shown).not.toContain(wrong.apiKey);
  });

  it('types nonce, rate-limit, 5xx and timeout failures as retryable', async () => {
    const { fake, broker } = await setup();
    await broker.balances();

    fake.failNext('BalanceEx', { kind: 'kraken-error', error: 'EAPI:Invalid nonce' });
    await expect(broker.balances()).rejects.toBeInstanceOf(InvalidNonceError);

    fake.failNext('BalanceEx', { kind: 'kraken-error', error: 'EAPI:Rate limit exceeded' });
    await expect(broker.balances()).rejects.toBeInstanceOf(RateLimitedError);

    fake.failNext('AddOrder', { kind: 'http', status: 500 });
    const down = await broker
      .placeOrder({ clientOrderId: 'r-1', symbol: 'BTC/USD', side: 'buy', quantity: 0.001 })
      .catch((e: unknown) => e);
    expect(down).toBeInstanceOf(VenueUnavailableError);
    expect((down as RetryableVenueError).retryable).toBe(true);

    fake.failNext('QueryOrders', { kind: 'hang' });
    await expect(broker.getOrder('O00001-FAKE-KRAKEN')).rejects.toThrow(
      'kraken: timed out while trying to query order O00001-FAKE-KRAKEN',
    );

    // a real nonce reuse is caught by the fake's own check, and ccxt's next nonce recovers
    expect(await broker.balances()).toHaveProperty('USD');
    expect(fake.requests.filter((r) => r.signatureValid === false)).toHaveLength(0);
  });
});
