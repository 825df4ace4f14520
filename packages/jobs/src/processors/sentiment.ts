import type { Instrument } from '@tradehits/core';
import type { Processor } from '../runner';
import { runSentimentAggregate, runSentimentCollect } from '../sentiment';

export const sentimentCollectProcessor: Processor<'sentiment.collect'> = async (_p, { services, now }) => {
  const r = await runSentimentCollect({
    config: services.config,
    store: services.analytics,
    now: now.getTime(),
  });
  return {
    fetched: r.fetched,
    stored: r.stored,
    skipped: r.skipped,
    unmatched: r.unmatched,
    perSource: r.perSource,
  };
};

export const sentimentAggregateProcessor: Processor<'sentiment.aggregate'> = async (
  _p,
  { services, now },
) => {
  const { config } = services;
  const symbols: Instrument[] = [
    ...config.CRYPTO_SYMBOLS.map((symbol) => ({ symbol, assetType: 'crypto' as const })),
    ...config.STOCK_SYMBOLS.map((symbol) => ({ symbol, assetType: 'stock' as const })),
  ];
  const r = await runSentimentAggregate({ store: services.analytics, symbols, now: now.getTime() });
  return { asOf: r.asOf, written: r.written };
};
