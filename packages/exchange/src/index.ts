import type { Config } from '@tradehits/config';
import type { Broker, MarketDataSource } from '@tradehits/core/ports';
import { createAlpacaBroker, createAlpacaMarketData } from './alpaca';
import { createKrakenMarketData } from './kraken';
import { createKrakenBroker } from './kraken-broker';
import { createReplaySource } from './replay';

export * from './alpaca';
export * from './errors';
export { createKrakenMarketData } from './kraken';
export { createKrakenBroker, krakenClientOrderId } from './kraken-broker';
export { createReplaySource, replayTime, visibleBars } from './replay';
export { openSecret, openWithIndex, SecretBoxError, sealSecret } from './secret-box';

/** Where bars come from, by asset type. */
export interface MarketDataSources {
  crypto: MarketDataSource;
  stock: MarketDataSource;
}

/**
 * Chooses the bar sources from config. MARKET_SOURCE=replay plays REPLAY_DIR for crypto and serves no
 * stocks; live uses Kraken for crypto and Kraken xStocks or Alpaca for stocks (STOCK_VENUE).
 * Nothing is sent to a venue until the first call.
 */
export function createMarketDataSources(
  config: Config,
  options: {
    clock?: () => number;
    replaySpeed?: number;
    /** Where a replay starts (see `ReplayOptions.startAt`), e.g. the end of the stored backfill. */
    replayStartAt?: () => Promise<number | null>;
  } = {},
): MarketDataSources {
  if (config.MARKET_SOURCE === 'replay') {
    if (!config.REPLAY_DIR)
      throw new Error('MARKET_SOURCE=replay needs REPLAY_DIR (a folder of <BASE>_<QUOTE>-5m.json)');
    const replay = createReplaySource({
      dir: config.REPLAY_DIR,
      clock: options.clock ?? Date.now,
      speed: options.replaySpeed ?? config.REPLAY_SPEED,
      ...(options.replayStartAt ? { startAt: options.replayStartAt } : {}),
    });
    return { crypto: replay, stock: replay };
  }
  const kraken = createKrakenMarketData(config);
  return {
    crypto: kraken,
    stock: config.STOCK_VENUE === 'alpaca' ? createAlpacaMarketData(config) : kraken,
  };
}

/** A user's venue credentials, opened from the secret box. */
export interface VenueCredentials {
  apiKey: string;
  secret: string;
}

/** A live broker on one user's account at Kraken or Alpaca (paper or live per ALPACA_PAPER). */
export function createLiveBroker(
  venue: 'kraken' | 'alpaca',
  credentials: VenueCredentials,
  config: Config,
): Broker {
  if (venue === 'kraken') {
    return createKrakenBroker({
      apiKey: credentials.apiKey,
      secret: credentials.secret,
      urls: {
        ...(config.KRAKEN_PUBLIC_URL ? { public: config.KRAKEN_PUBLIC_URL } : {}),
        ...(config.KRAKEN_PRIVATE_URL ? { private: config.KRAKEN_PRIVATE_URL } : {}),
      },
      feeRate: config.FEE_RATE,
    });
  }
  return createAlpacaBroker({
    keyId: credentials.apiKey,
    secretKey: credentials.secret,
    paper: config.ALPACA_PAPER,
    ...(config.ALPACA_TRADING_URL ? { urls: { trading: config.ALPACA_TRADING_URL } } : {}),
  });
}
