import type { SentimentCategory } from '@tradehits/core';
import { scoreSentiment } from '@tradehits/core/sentiment-model';
import { type AssetUniverse, DEFAULT_UNIVERSE, extractAssets } from './extract';

/** What `sentiment.analyze` answers per text. */
export interface TextAnalysis {
  score: number;
  category: SentimentCategory;
  /** Our symbols the text mentions. */
  symbols: string[];
}

/** Scores a text (−100…100) and finds the assets it mentions. Pure. */
export function analyzeText(text: string, universe: AssetUniverse = DEFAULT_UNIVERSE): TextAnalysis {
  const { score, category } = scoreSentiment(text);
  return { score, category, symbols: extractAssets(text, universe).symbols };
}
