import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '@tradehits/config';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLiveBroker, createMarketDataSources } from './index';
import { FAKE_ALPACA_CREDENTIALS, type FakeAlpaca, startFakeAlpaca } from './testing/fake-alpaca';
import { FAKE_KRAKEN_CREDENTIALS, type FakeKraken, startFakeKraken } from './testing/fake-kraken';

const replayDir = path.resolve(
  fileURLToPath(import.meta.url),
  '../../../../../shared/data/market/binance-2018-01',
);
let kraken: FakeKraken;
let alpaca: FakeAlpaca;
beforeAll(async () => {
  [kraken, alpaca] = await Promise.all([startFakeKraken(), startFakeAlpaca()]);
});
afterAll(() => Promise.all([kraken.close(), alpaca.close()]));

const liveEnv = () => ({
  KRAKEN_PUBLIC_URL: kraken.url,
  KRAKEN_PRIVATE_URL: kraken.url,
  ALPACA_KEY_ID: FAKE_ALPACA_CREDENTIALS.keyId,
  ALPACA_SECRET_KEY: FAKE_ALPACA_CREDENTIALS.secretKey,
  ALPACA_DATA_URL: alpaca.url,
  ALPACA_TRADING_URL: alpaca.url,
  CRYPTO_SYMBOLS: 'BTC/USD,ETH/USD',
  STOCK_SYMBOLS: 'AAPL,MSFT',
});

describe('createMarketDataSources', () => {
  it('replay: crypto from REPLAY_DIR, no stocks', async () => {
    const sources = createMarketDataSources(loadConfig({ MARKET_SOURCE: 'replay', REPLAY_DIR: replayDir }), {
      clock: () => 0,
    });
    expect(sources.crypto.id).toBe('replay');
    expect(await sources.crypto.symbols('crypto')).toContain('ETH/BTC');
    expect(await sources.stock.symbols('stock')).toEqual([]);
    expect(() => createMarketDataSources(loadConfig({ MARKET_SOURCE: 'replay' }))).toThrow(
      /needs REPLAY_DIR/,
    );
  });

  it('live: Kraken for crypto, Kraken xStocks or Alpaca for stocks, with no traffic on construction', async () => {
    kraken.requests.length = 0;
    alpaca.requests.length = 0;
    const viaKraken = createMarketDataSources(loadConfig(liveEnv()));
    const viaAlpaca = createMarketDataSources(loadConfig({ ...liveEnv(), STOCK_VENUE: 'alpaca' }));
    createLiveBroker('kraken', FAKE_KRAKEN_CREDENTIALS, loadConfig(liveEnv()));
    createLiveBroker('alpaca', { apiKey: 'k', secret: 's' }, loadConfig(liveEnv()));
    expect(kraken.requests).toHaveLength(0);
    expect(alpaca.requests).toHaveLength(0);

    expect([viaKraken.crypto.id, viaKraken.stock.id, viaAlpaca.stock.id]).toEqual([
      'kraken',
      'kraken',
      'alpaca',
    ]);
    expect(await viaKraken.stock.symbols('stock')).toEqual(['AAPL']);
    expect(await viaAlpaca.stock.symbols('stock')).toEqual(['AAPL', 'MSFT']);
  });

  it('live brokers reach the configured venues', async () => {
    const config = loadConfig(liveEnv());
    expect(await createLiveBroker('kraken', FAKE_KRAKEN_CREDENTIALS, config).balances()).toHaveProperty(
      'USD',
    );
    const alpacaBroker = createLiveBroker(
      'alpaca',
      { apiKey: FAKE_ALPACA_CREDENTIALS.keyId, secret: FAKE_ALPACA_CREDENTIALS.secretKey },
      config,
    );
    expect(await alpacaBroker.balances()).toEqual({ USD: 100_000 });
  });
});

describe('venue SDKs', () => {
  it('are imported only when a venue client is first used', () => {
    // A child process in which ccxt and Alpaca's SDK cannot be resolved: building sources and brokers
    // must not need them, and the first call must (proving the import moved there, not away).
    const blockSdks = `data:text/javascript,export async function resolve(s, c, next) {
      if (s === 'ccxt' || s.startsWith('@alpacahq/')) throw new Error(s + ' was imported');
      return next(s, c);
    }`;
    const script = `
      import { register } from 'node:module';
      register(${JSON.stringify(blockSdks)});
      const { loadConfig } = await import('@tradehits/config');
      const { createLiveBroker, createMarketDataSources } = await import(${JSON.stringify(
        fileURLToPath(new URL('./index.ts', import.meta.url)),
      )});
      const config = loadConfig({
        CRYPTO_SYMBOLS: 'BTC/USD',
        KRAKEN_PUBLIC_URL: 'http://127.0.0.1:9',
        STOCK_VENUE: 'alpaca',
        ALPACA_KEY_ID: 'k',
        ALPACA_SECRET_KEY: 's',
        ALPACA_DATA_URL: 'http://127.0.0.1:9',
      });
      const sources = createMarketDataSources(config);
      createLiveBroker('kraken', { apiKey: 'k', secret: 's' }, config);
      createLiveBroker('alpaca', { apiKey: 'k', secret: 's' }, config);
      console.log('built');
      const report = (e) => console.log(String(e.message));
      await sources.crypto.symbols('crypto').then(() => console.log('called'), report);
      await sources.stock.fetchBars({ symbol: 'AAPL', timeframe: '1d' }).then(() => console.log('called'), report);
    `;
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: path.dirname(fileURLToPath(import.meta.url)),
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(child.stderr).toBe('');
    expect(child.stdout).toMatch(
      /^built\n.*ccxt was imported.*\n.*@alpacahq\/alpaca-trade-api\/rest was imported/s,
    );
  }, 40_000);
});
