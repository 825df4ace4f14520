import type { Config } from '@tradehits/config';
import { coinMarketCapSource } from './coinmarketcap';
import { newsSource } from './news';
import type { SentimentSource } from './source';
import { truthSocialSource } from './truth-social';
import { xSource } from './x';
import { cashtagQueries, xSearchSource } from './x-search';

/** Every sentiment source, configured from `Config`; unconfigured ones report `off: …` and are skipped. */
export function createSources(config: Config): SentimentSource[] {
  return [
    coinMarketCapSource({
      apiKey: config.CMC_API_KEY,
      baseUrl: config.CMC_API_URL,
      symbols: config.CRYPTO_SYMBOLS,
    }),
    newsSource({ feeds: config.NEWS_FEEDS }),
    xSource({ bearerToken: config.X_BEARER_TOKEN, baseUrl: config.X_API_URL, accounts: config.X_ACCOUNTS }),
    xSearchSource({
      bearerToken: config.X_BEARER_TOKEN,
      baseUrl: config.X_API_URL,
      queries: config.X_SEARCH_QUERY
        ? [config.X_SEARCH_QUERY]
        : cashtagQueries([...config.CRYPTO_SYMBOLS, ...config.STOCK_SYMBOLS], config.X_ACCOUNTS),
    }),
    truthSocialSource({ baseUrl: config.TRUTH_SOCIAL_URL, accounts: config.TRUTH_SOCIAL_ACCOUNTS }),
  ];
}

/**
 * Whether any sentiment source is configured. With none, the engine judges without the sentiment terms
 * (as a backtest does by default) and says so; with one, an unknown reading fails the sentiment rules.
 */
export function anySentimentSourceConfigured(config: Config): boolean {
  return createSources(config).some((s) => s.status() === 'ok');
}

export * from './coinmarketcap';
export * from './news';
export * from './source';
export * from './truth-social';
export * from './x';
export * from './x-search';
