import type { PoliticalPost, SentimentItem } from '@tradehits/core';
import { politicalImpact } from '@tradehits/core/sentiment-aggregate';
import type { AssetUniverse } from './extract';

/** Words that make a post about the market as a whole rather than one asset. */
const MARKET_WIDE =
  /\b(tariffs?|trade (war|deal)|the fed|federal reserve|interest rates?|stock market|the market|wall street|the economy|recession|inflation|crypto(currency|currencies)?|strategic bitcoin reserve)\b/i;
const CRYPTO_WIDE = /\bcrypto(currency|currencies)?\b/i;

/**
 * A political post from a scored item. `assetsAffected` is the assets it names; a market-wide post
 * that names none affects the broad index funds of our universe (SPY, QQQ, DIA), or for crypto talk
 * our first crypto symbol (BTC/USD by default). `triggeredTrades` starts false: the engine sets it
 * when a trade cites the post.
 */
export function toPoliticalPost(item: SentimentItem, universe: AssetUniverse): PoliticalPost {
  const marketWide = MARKET_WIDE.test(item.text);
  let assetsAffected = item.symbols;
  if (assetsAffected.length === 0 && marketWide) {
    assetsAffected = CRYPTO_WIDE.test(item.text)
      ? universe.crypto.slice(0, 1)
      : universe.stocks.filter((s) => s === 'SPY' || s === 'QQQ' || s === 'DIA');
  }
  return {
    ...item,
    impact: politicalImpact({ score: item.score, namesAsset: item.symbols.length > 0, marketWide }),
    triggeredTrades: false,
    assetsAffected,
  };
}
