/** Shared domain vocabulary. Every package speaks these types; nothing here does I/O. */

import type { ExitTrigger } from './exits';

export type AssetType = 'crypto' | 'stock';
export const ASSET_TYPES = ['crypto', 'stock'] as const satisfies readonly AssetType[];

export type Timeframe = '5m' | '1h' | '1d';
export const TIMEFRAMES = ['1d', '1h', '5m'] as const satisfies readonly Timeframe[];

/** Length of one bar of each timeframe, in milliseconds. */
export const TIMEFRAME_MS: Record<Timeframe, number> = {
  '5m': 5 * 60_000,
  '1h': 60 * 60_000,
  '1d': 24 * 60 * 60_000,
};

/** openTime of the newest `timeframe` bar closed at instant `t` (bars aligned to whole periods since the epoch). */
export function lastClosedBarTime(t: number, timeframe: Timeframe): number {
  const ms = TIMEFRAME_MS[timeframe];
  return Math.floor(t / ms) * ms - ms;
}

/**
 * One OHLCV bar. `openTime` is the UTC instant (ms since epoch) the bar opens; prices are in the quote
 * currency. Analytics prices are floats (as exchanges publish them); money that is owed lives in
 * Postgres as `numeric`.
 */
export interface Bar {
  symbol: string;
  timeframe: Timeframe;
  openTime: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  /** Number of trades in the bar, where the venue reports it. */
  tradeCount: number | null;
}

/** Indicators at one bar; null until there is enough history, never a made-up number. */
export interface Indicators {
  rsi14: number | null;
  macd: number | null;
  macdSignal: number | null;
  macdHist: number | null;
  bbUpper: number | null;
  bbMiddle: number | null;
  bbLower: number | null;
  sma9: number | null;
  sma21: number | null;
  sma50: number | null;
  sma200: number | null;
  ema9: number | null;
  ema21: number | null;
  vwap: number | null;
}

export type BarWithIndicators = Bar & Indicators;

/** A symbol the platform knows: our ticker (`BTC/USD`, `AAPL`) and its asset type. */
export interface Instrument {
  symbol: string;
  assetType: AssetType;
}

export type SentimentCategory = 'bearish' | 'neutral' | 'bullish';
export type SentimentSourceKind = 'news' | 'social' | 'political' | 'coinmarketcap';

/** Sentiment known for a symbol at an instant, on a −100…100 scale; null when unknown. */
export interface SentimentReading {
  score: number | null;
  /** Lowest political-post score on the asset inside the window (negative means a negative post). */
  politicalMin: number | null;
  politicalScore: number | null;
}

export type OrderSide = 'buy' | 'sell';
export type ExitReason = ExitTrigger | 'manual' | 'end-of-data';

/** A scored text from one source (a news item, a post, a CoinMarketCap item). */
export interface SentimentItem {
  /** Natural key with `source`: the source's own id (post id, guid, url). */
  source: string;
  itemId: string;
  kind: SentimentSourceKind;
  /** Account or feed it came from (e.g. `realDonaldTrump`, a feed URL). */
  author: string | null;
  text: string;
  url: string | null;
  postedAt: number;
  /** Our symbols the text mentions. */
  symbols: string[];
  score: number;
  category: SentimentCategory;
}

/** A political post, kept with what it predicted and what it led to. */
export interface PoliticalPost extends SentimentItem {
  impact: 'low' | 'medium' | 'high';
  triggeredTrades: boolean;
  assetsAffected: string[];
}

export type SentimentTrend = 'rising' | 'falling' | 'flat';
export type SentimentWindow = '1h' | '24h';

/** Per-symbol sentiment over a window ending at `asOf`. Scores are −100…100, null with no evidence. */
export interface SentimentAggregate {
  symbol: string;
  assetType: AssetType;
  window: SentimentWindow;
  asOf: number;
  average: number | null;
  trend: SentimentTrend;
  bullish: number;
  bearish: number;
  total: number;
  bySource: Record<SentimentSourceKind, number | null>;
  signal: 'buy' | 'sell' | 'hold';
  confidence: number;
}

/** The detector's verdict at one bar close, with every input it used. */
export interface Detection {
  symbol: string;
  assetType: AssetType;
  timeframe: Timeframe;
  barTime: number;
  price: number;
  low24h: number;
  low7d: number;
  support: number;
  rsi: number | null;
  macdHist: number | null;
  /** Where the close sits in the Bollinger band: 0 at the lower band, 1 at the upper. */
  bbPosition: number | null;
  sentiment: number | null;
  politicalSentiment: number | null;
  /** Which conditions held (near24h, near7d, support, rsi, bb, approaching, volume, sentiment). */
  reasons: string[];
  confidence: number;
  isLowestPoint: boolean;
  /** Share of past lowest points whose price rose within two hours; null without history. */
  riseProbability: number | null;
  buySignal: boolean;
  /** Set when a condition could not be judged (e.g. `sentiment unknown`). */
  notes: string[];
}

/** One NYSE trading day. Times are UTC instants. */
export interface MarketDay {
  date: string;
  open: number;
  close: number;
  earlyClose: boolean;
}
