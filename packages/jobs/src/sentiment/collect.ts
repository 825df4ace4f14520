import type { AnalyticsStore } from '@tradehits/analytics/store';
import type { Config } from '@tradehits/config';
import type { AssetType, PoliticalPost, SentimentItem } from '@tradehits/core';
import { scoreSentiment } from '@tradehits/core/sentiment-model';
import { categorize } from '@tradehits/core/sentiment-score';
import { type AssetUniverse, assetTypeOf, extractAssets } from '@tradehits/sentiment/extract';
import { toPoliticalPost } from '@tradehits/sentiment/political';
import { createSources } from '@tradehits/sentiment/sources/index';
import type { RawItem, SentimentSource, SourceStatus } from '@tradehits/sentiment/sources/source';

/**
 * Each run looks this far back. Runs every 10 minutes overlap on purpose (a missed run loses
 * nothing) and writes are upserts on (source, itemId), so re-reading an item never duplicates it.
 */
export const COLLECT_LOOKBACK_MS = 2 * 60 * 60_000;

/** How one source fared in a run. */
export interface SourceReport {
  id: string;
  status: SourceStatus;
  /** Items it delivered. */
  count: number;
  error?: string;
  warnings?: string[];
}

/** The summary of a collect run. */
export interface CollectResult {
  fetched: number;
  /** Distinct items written (sentiment items and political posts). */
  stored: number;
  /** Malformed items the sources left out, plus items with no text. */
  skipped: number;
  /** Items that name none of our assets and are not political: not stored. */
  unmatched: number;
  perSource: SourceReport[];
}

/**
 * Fetches from every enabled source, finds the assets each item names, scores it, and stores it:
 * sentiment items per asset type (an item naming a coin and a stock is written once per type, each
 * with its own symbols, because the store keeps one table per asset type), political posts in their
 * own table as well. Throws only when every enabled source failed, so the queue retries the run.
 */
export async function runSentimentCollect(input: {
  config: Config;
  store: AnalyticsStore;
  sources?: SentimentSource[];
  now: number;
  lookbackMs?: number;
}): Promise<CollectResult> {
  const { config, store, now } = input;
  const sources = input.sources ?? createSources(config);
  const universe: AssetUniverse = { crypto: config.CRYPTO_SYMBOLS, stocks: config.STOCK_SYMBOLS };
  const since = now - (input.lookbackMs ?? COLLECT_LOOKBACK_MS);

  const perSource: SourceReport[] = [];
  const scored: SentimentItem[] = [];
  let fetched = 0;
  let skipped = 0;
  let enabled = 0;
  for (const source of sources) {
    const status = source.status();
    if (status !== 'ok') {
      perSource.push({ id: source.id, status, count: 0 });
      continue;
    }
    enabled++;
    try {
      const result = await source.fetch(since);
      fetched += result.items.length;
      skipped += result.skipped;
      const report: SourceReport = { id: source.id, status, count: result.items.length };
      if (result.warnings.length > 0) report.warnings = result.warnings;
      perSource.push(report);
      for (const raw of result.items) {
        const item = toSentimentItem(source.id, raw, universe);
        if (item) scored.push(item);
        else skipped++;
      }
    } catch (err) {
      perSource.push({ id: source.id, status, count: 0, error: (err as Error).message });
    }
  }
  if (enabled > 0 && perSource.every((r) => r.status !== 'ok' || r.error !== undefined)) {
    throw new Error(
      `sentiment.collect: every source failed: ${perSource.map((r) => `${r.id}: ${r.error}`).join('; ')}`,
    );
  }

  const byType: Record<AssetType, SentimentItem[]> = { crypto: [], stock: [] };
  for (const item of scored) {
    for (const assetType of ['crypto', 'stock'] as const) {
      const symbols = item.symbols.filter((s) => assetTypeOf(s, universe) === assetType);
      if (symbols.length > 0) byType[assetType].push({ ...item, symbols });
    }
  }
  const political: PoliticalPost[] = scored
    .filter((i) => i.kind === 'political')
    .map((i) => toPoliticalPost(i, universe));
  if (byType.crypto.length > 0) await store.upsertSentimentItems('crypto', byType.crypto);
  if (byType.stock.length > 0) await store.upsertSentimentItems('stock', byType.stock);
  if (political.length > 0) await store.upsertPoliticalPosts(political);

  const stored = scored.filter((i) => i.symbols.length > 0 || i.kind === 'political').length;
  return { fetched, stored, skipped, unmatched: scored.length - stored, perSource };
}

/** Extracts and scores one raw item; null when it has no text to judge. */
function toSentimentItem(source: string, raw: RawItem, universe: AssetUniverse): SentimentItem | null {
  const text = raw.text.trim();
  if (text === '' || !Number.isFinite(raw.postedAt)) return null;
  const symbols = [...new Set([...(raw.symbols ?? []), ...extractAssets(text, universe).symbols])];
  const score = raw.score ?? scoreSentiment(text).score;
  return {
    source,
    itemId: raw.itemId,
    kind: raw.kind,
    author: raw.author,
    text,
    url: raw.url,
    postedAt: raw.postedAt,
    symbols,
    score,
    category: categorize(score),
  };
}
