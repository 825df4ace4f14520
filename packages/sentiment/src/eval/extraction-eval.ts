import { type AssetUniverse, DEFAULT_UNIVERSE, extractAssets, symbolForTicker } from '../extract';
import type { GoldText } from './datasets';
import { prf } from './metrics';

/** Precision and recall of asset extraction, with the counts behind them. */
export interface ExtractionScore {
  precision: number;
  recall: number;
  f1: number;
  tp: number;
  fp: number;
  fn: number;
}

function score(tp: number, fp: number, fn: number): ExtractionScore {
  return { ...prf(tp, fp, fn), tp, fp, fn };
}

/**
 * FiQA posts name one target each. General: does the extractor find the target as a ticker, of any
 * company (recall), and what share of the tickers it finds are the target (precision)? Our universe:
 * the same restricted to our symbols, with the target mapped to ours (FB → META). Precision here is a
 * lower bound: a post about $AAPL that also mentions $SPY counts $SPY as a false positive, because
 * the gold names only one target per post.
 */
export function measureExtractionOnPosts(posts: GoldText[], universe: AssetUniverse = DEFAULT_UNIVERSE) {
  let gtp = 0;
  let gfp = 0;
  let gfn = 0;
  let utp = 0;
  let ufp = 0;
  let ufn = 0;
  for (const post of posts) {
    const target = post.target.toUpperCase();
    const { tickers, symbols } = extractAssets(post.text, universe);
    const hit =
      tickers.includes(target) || tickers.includes(symbolForTicker(target, universe)?.split('/')[0] ?? '');
    gtp += hit ? 1 : 0;
    gfn += hit ? 0 : 1;
    gfp += tickers.length - (hit ? 1 : 0);
    const ours = symbolForTicker(target, universe);
    for (const s of symbols) {
      if (s === ours) utp++;
      else ufp++;
    }
    if (ours && !symbols.includes(ours)) ufn++;
  }
  return { general: score(gtp, gfp, gfn), universe: score(utp, ufp, ufn) };
}

/**
 * The SemEval headlines are about UK and European companies, none of them ours: every symbol of ours
 * found in them is a false positive. Returns the count and the texts, to read them.
 */
export function falsePositivesOnForeignHeadlines(
  headlines: GoldText[],
  universe: AssetUniverse = DEFAULT_UNIVERSE,
) {
  const texts = [...new Set(headlines.map((h) => h.text))];
  const hits = texts.flatMap((text) => {
    const { symbols } = extractAssets(text, universe);
    return symbols.length > 0 ? [{ text, symbols }] : [];
  });
  return { headlines: texts.length, withOurSymbols: hits.length, hits };
}
