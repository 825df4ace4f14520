import type { PoliticalPost, SentimentItem } from '@tradehits/core';
import { politicalImpact, SENTIMENT_WINDOW_MS } from '@tradehits/core/sentiment-aggregate';
import type { AssetUniverse } from './extract';

/** Words that make a post about the market as a whole rather than one asset. */
const MARKET_WIDE =
  /\b(tariffs?|trade (war|deal)|the fed|federal reserve|interest rates?|stock market|the market|wall street|the economy|recession|inflation|crypto(currency|currencies)?|strategic bitcoin reserve)\b/i;
const CRYPTO_WIDE = /\bcrypto(currency|currencies)?\b/i;

/**
 * A political post from a scored item. `assetsAffected` is the assets it names; a market-wide post
 * that names none affects the broad index funds of our universe (SPY, QQQ, DIA), or for crypto talk
 * our first crypto symbol (BTC/USD by default). `triggeredTrades` starts false: `markTriggeringPosts`
 * sets it when the engine opens a trade the post was evidence for.
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

/** The reads and writes of political posts that `markTriggeringPosts` needs (the analytics store). */
export interface PoliticalPostStore {
  politicalPosts(q: { from: number; to: number; symbol?: string }): Promise<PoliticalPost[]>;
  upsertPoliticalPosts(posts: PoliticalPost[]): Promise<number>;
}

/**
 * After the engine opened trades on `symbols` at `at`: the political posts of the 24 h before, which
 * the engine's sentiment reading weighed for those symbols, are marked as having triggered trades.
 * Idempotent: a post already marked is left as it is. Returns how many posts it marked.
 */
export async function markTriggeringPosts(
  store: PoliticalPostStore,
  symbols: readonly string[],
  at: number,
): Promise<number> {
  const marked = new Map<string, PoliticalPost>();
  for (const symbol of new Set(symbols)) {
    const posts = await store.politicalPosts({ from: at - SENTIMENT_WINDOW_MS['24h'], to: at, symbol });
    for (const p of posts) {
      if (p.triggeredTrades || !(p.symbols.includes(symbol) || p.assetsAffected.includes(symbol))) continue;
      marked.set(`${p.source}:${p.itemId}`, { ...p, triggeredTrades: true });
    }
  }
  if (marked.size > 0) await store.upsertPoliticalPosts([...marked.values()]);
  return marked.size;
}
