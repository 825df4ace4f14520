import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RateLimitedError, RetryableVenueError, VenueError, VenueUnavailableError } from './errors';
import { createKrakenMarketData } from './kraken';
import {
  type FakeKraken,
  type KrakenOhlcRow,
  krakenRowsFromCandleFile,
  startFakeKraken,
} from './testing/fake-kraken';

const dataDir = path.resolve(
  fileURLToPath(import.meta.url),
  '../../../../../shared/data/market/binance-2018-01',
);
const ethBtc = krakenRowsFromCandleFile(path.join(dataDir, 'ETH_BTC-5m.json'));
// The recorded month ends here; Kraken serves at most the newest 720 rows.
const served = ethBtc.slice(-720);

const xStockRows: KrakenOhlcRow[] = [0, 1, 2].map((i) => [
  1_700_000_000 + i * 3600,
  '200.0',
  '201.5',
  '199.5',
  String(200 + i),
  '200.4',
  '1234.5',
  17 + i,
]);

let fake: FakeKraken;
const source = () =>
  createKrakenMarketData(
    {
      KRAKEN_PUBLIC_URL: fake.url,
      CRYPTO_SYMBOLS: ['BTC/USD', 'ETH/BTC', 'DOGE/USD'],
      STOCK_SYMBOLS: ['AAPL', 'MSFT', 'TSLA'],
      STOCK_VENUE: 'kraken',
    },
    { rateLimitMs: 5, timeoutMs: 1500 },
  );

beforeAll(async () => {
  fake = await startFakeKraken({ ohlc: { XETHXXBT: { 5: ethBtc }, AAPLxUSD: { 60: xStockRows } } });
});
afterAll(() => fake.close());

describe('Kraken market data through ccxt', () => {
  it('lists configured symbols Kraken carries, finding xStocks only under aclass_base=tokenized_asset', async () => {
    fake.requests.length = 0;
    const kraken = source();
    expect(await kraken.symbols('crypto')).toEqual(['BTC/USD', 'ETH/BTC']);
    expect(await kraken.symbols('stock')).toEqual(['AAPL', 'TSLA']);
    const pairCalls = fake.requests.filter((r) => r.path === '/0/public/AssetPairs').map((r) => r.query);
    expect(pairCalls).toEqual([{}, { aclass_base: 'tokenized_asset' }]);
    // markets are loaded once per source
    await kraken.symbols('crypto');
    expect(fake.requests.filter((r) => r.path === '/0/public/AssetPairs')).toHaveLength(2);
  });

  it('fetches real recorded bars, drops the forming one, and keeps the trade count', async () => {
    const bars = await source().fetchBars({ symbol: 'ETH/BTC', timeframe: '5m' });
    expect(bars).toHaveLength(719);
    const [t, o, h, l, c, , v, n] = served[0]!;
    expect(bars[0]).toEqual({
      symbol: 'ETH/BTC',
      timeframe: '5m',
      openTime: t * 1000,
      open: Number(o),
      high: Number(h),
      low: Number(l),
      close: Number(c),
      volume: Number(v),
      tradeCount: n,
    });
    expect(bars.at(-1)!.openTime).toBe(served.at(-2)![0] * 1000);
    expect(bars.every((b, i) => i === 0 || b.openTime > bars[i - 1]!.openTime)).toBe(true);
  });

  it('honours since (inclusive) and limit', async () => {
    const since = served[100]![0] * 1000;
    fake.requests.length = 0;
    const bars = await source().fetchBars({ symbol: 'ETH/BTC', timeframe: '5m', since, limit: 3 });
    expect(bars.map((b) => b.openTime)).toEqual(served.slice(100, 103).map((r) => r[0] * 1000));
    const ohlcCall = fake.requests.find((r) => r.path === '/0/public/OHLC')!;
    expect(ohlcCall.query).toEqual({ pair: 'XETHXXBT', interval: '5', since: String(since / 1000 - 300) });

    const newest = await source().fetchBars({ symbol: 'ETH/BTC', timeframe: '5m', limit: 2 });
    expect(newest.map((b) => b.openTime)).toEqual(served.slice(-3, -1).map((r) => r[0] * 1000));
  });

  it('asks for xStock bars with aclass_base=tokenized_asset', async () => {
    fake.requests.length = 0;
    const bars = await source().fetchBars({ symbol: 'AAPL', timeframe: '1h' });
    expect(bars.map((b) => [b.symbol, b.close, b.tradeCount])).toEqual([
      ['AAPL', 200, 17],
      ['AAPL', 201, 18],
    ]);
    const ohlcCall = fake.requests.find((r) => r.path === '/0/public/OHLC')!;
    expect(ohlcCall.query).toEqual({ pair: 'AAPLxUSD', interval: '60', aclass_base: 'tokenized_asset' });
  });

  it('names a symbol Kraken does not list', async () => {
    await expect(source().fetchBars({ symbol: 'MSFT', timeframe: '1h' })).rejects.toThrow(
      'kraken: does not list MSFT (looked for MSFTX/USD)',
    );
  });

  it('raises 429, 5xx and timeouts as retryable, venue errors as final', async () => {
    const kraken = source();
    await kraken.symbols('crypto');
    const req = { symbol: 'ETH/BTC', timeframe: '5m' } as const;

    fake.failNext('OHLC', { kind: 'http', status: 429 });
    const limited = await kraken.fetchBars(req).catch((e: unknown) => e);
    expect(limited).toBeInstanceOf(RateLimitedError);
    expect((limited as VenueError).retryable).toBe(true);

    fake.failNext('OHLC', { kind: 'http', status: 502 });
    await expect(kraken.fetchBars(req)).rejects.toBeInstanceOf(VenueUnavailableError);

    fake.failNext('OHLC', { kind: 'kraken-error', error: 'EService:Unavailable' });
    await expect(kraken.fetchBars(req)).rejects.toBeInstanceOf(VenueUnavailableError);

    fake.failNext('OHLC', { kind: 'hang' });
    const timedOut = await kraken.fetchBars(req).catch((e: unknown) => e);
    expect(timedOut).toBeInstanceOf(VenueUnavailableError);
    expect((timedOut as Error).message).toBe('kraken: timed out while trying to fetch 5m bars for ETH/BTC');

    fake.failNext('OHLC', { kind: 'kraken-error', error: 'EGeneral:Invalid arguments' });
    const final = await kraken.fetchBars(req).catch((e: unknown) => e);
    expect(final).toBeInstanceOf(VenueError);
    expect(final).not.toBeInstanceOf(RetryableVenueError);
    expect((final as Error).message).toContain('EGeneral:Invalid arguments');

    // after the failures, the same source recovers
    expect(await kraken.fetchBars(req)).toHaveLength(719);
  });

  it('a failed market load is retried on the next call', async () => {
    const kraken = source();
    fake.failNext('AssetPairs', { kind: 'http', status: 503 });
    await expect(kraken.symbols('crypto')).rejects.toBeInstanceOf(VenueUnavailableError);
    expect(await kraken.symbols('crypto')).toEqual(['BTC/USD', 'ETH/BTC']);
  });

  it("spaces calls by ccxt's rate limit", async () => {
    const kraken = createKrakenMarketData(
      { KRAKEN_PUBLIC_URL: fake.url, CRYPTO_SYMBOLS: ['ETH/BTC'], STOCK_SYMBOLS: [], STOCK_VENUE: 'alpaca' },
      { rateLimitMs: 150 },
    );
    await kraken.symbols('crypto');
    const started = performance.now();
    for (let i = 0; i < 4; i++) await kraken.fetchBars({ symbol: 'ETH/BTC', timeframe: '5m', limit: 1 });
    expect(performance.now() - started).toBeGreaterThanOrEqual(3 * 150 - 20);
  });
});
