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
