import { DEFAULT_CRYPTO_SYMBOLS, DEFAULT_STOCK_SYMBOLS } from '@tradehits/config';
import type { AssetType } from '@tradehits/core';

/**
 * Finds the assets a text talks about: cashtags ($BTC, $AAPL), bare tickers where the context makes
 * them tickers, and coin, company and index names with their common aliases. Pure.
 */

/** The symbols we trade: crypto as `BTC/USD`, stocks as `AAPL`. */
export interface AssetUniverse {
  crypto: readonly string[];
  stocks: readonly string[];
}

/** The configured default lists. */
export const DEFAULT_UNIVERSE: AssetUniverse = {
  crypto: DEFAULT_CRYPTO_SYMBOLS,
  stocks: DEFAULT_STOCK_SYMBOLS,
};

/** What a text mentions. */
export interface ExtractedAssets {
  /** Our symbols, in order of first mention. */
  symbols: string[];
  /** Every ticker-like mention, ours or not, upper-cased base tickers (`BTC`, `AAPL`, `GRPN`). */
  tickers: string[];
}

/**
 * Names and aliases → base ticker. Keys are matched case-insensitively as whole words unless listed in
 * CASE_SENSITIVE_NAMES. Old tickers map to current ones (FB → META, GOOG → GOOGL).
 */
const NAMES: Readonly<Record<string, string>> = {
  bitcoin: 'BTC',
  btc: 'BTC',
  xbt: 'BTC',
  ethereum: 'ETH',
  ether: 'ETH',
  eth: 'ETH',
  solana: 'SOL',
  ripple: 'XRP',
  xrp: 'XRP',
  cardano: 'ADA',
  dogecoin: 'DOGE',
  doge: 'DOGE',
  litecoin: 'LTC',
  ltc: 'LTC',
  polkadot: 'DOT',
  chainlink: 'LINK',
  avalanche: 'AVAX',
  avax: 'AVAX',
  aapl: 'AAPL',
  alphabet: 'GOOGL',
  google: 'GOOGL',
  googl: 'GOOGL',
  microsoft: 'MSFT',
  msft: 'MSFT',
  'amazon.com': 'AMZN',
  amzn: 'AMZN',
  tesla: 'TSLA',
  tsla: 'TSLA',
  nvidia: 'NVDA',
  nvda: 'NVDA',
  'advanced micro devices': 'AMD',
  'meta platforms': 'META',
  facebook: 'META',
  netflix: 'NFLX',
  nflx: 'NFLX',
  disney: 'DIS',
  'walt disney': 'DIS',
  's&p 500': 'SPY',
  's&p500': 'SPY',
  'the s&p': 'SPY',
  spx: 'SPY',
  'nasdaq 100': 'QQQ',
  'nasdaq-100': 'QQQ',
  'the nasdaq': 'QQQ',
  'nasdaq composite': 'QQQ',
  ndx: 'QQQ',
  'dow jones': 'DIA',
  'the dow': 'DIA',
  djia: 'DIA',
};

/** Names that are ordinary words in lower case: they count only when capitalised ("Apple", "Meta"). */
const CASE_SENSITIVE_NAMES: Readonly<Record<string, string>> = {
  Apple: 'AAPL',
  Meta: 'META',
  Amazon: 'AMZN',
};

/** Words around "apple"/"amazon" that mean the fruit or the river, not the company. */
const NOT_A_COMPANY =
  /\b(pie|pies|juice|cider|tree|trees|orchard|orchards|fruit|fruits|eat|ate|eating|crumble|sauce|pick|picking|peel|rainforest|river|jungle|basin|tribe|tribes|deforestation)\b/i;

/** Tickers that are also ordinary words or names: bare, they need ticker context. */
const AMBIGUOUS_TICKERS = new Set([
  'ON',
  'ALL',
  'DIS',
  'DOT',
  'LINK',
  'SOL',
  'ADA',
  'META',
  'AMD',
  'IT',
  'A',
  'ARE',
  'CAT',
  'KEY',
  'NOW',
  'FAST',
  'REAL',
  'OPEN',
  'LOW',
  'HAS',
  'BIG',
  'BE',
  'GO',
  'SO',
  'AM',
  'PM',
  'US',
  'USA',
  'CEO',
  'CFO',
  'IPO',
  'ETF',
  'EPS',
  'GDP',
  'FDA',
  'SEC',
  'FED',
  'AI',
  'UK',
  'EU',
  'PE',
  'DD',
  'ATH',
  'USD',
  'EUR',
  'GBP',
  'MACD',
  'RSI',
  'EMA',
  'SMA',
]);

/** Old or alternative tickers that mean one of our symbols. */
const TICKER_ALIASES: Readonly<Record<string, string>> = { FB: 'META', GOOG: 'GOOGL', XBT: 'BTC' };

const CASHTAG = /\$([A-Za-z][A-Za-z0-9]{0,5}(?:\.[A-Za-z])?)(?![A-Za-z0-9])/g;
const BARE_UPPER = /(?<![\w$])([A-Z]{2,5})(?![\w])/g;
/** Words that make an upper-case token next to them a ticker. */
const TICKER_CONTEXT =
  /\b(shares?|stocks?|calls?|puts?|options?|long|short|buy|sell|bought|sold|price|target|earnings|nyse|nasdaq|ticker|coin|token|crypto|usd|usdt|chart|breakout|support|resistance)\b/i;

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const NAME_PATTERNS = Object.entries(NAMES)
  .sort((a, b) => b[0].length - a[0].length)
  .map(([name, ticker]) => ({ ticker, re: new RegExp(`(?<![\\w$&])${escapeRegExp(name)}(?![\\w&])`, 'gi') }));
const CASE_PATTERNS = Object.entries(CASE_SENSITIVE_NAMES).map(([name, ticker]) => ({
  ticker,
  re: new RegExp(`(?<![\\w$])${escapeRegExp(name)}(?![\\w])`, 'g'),
}));

/** Maps a base ticker (`BTC`, `AAPL`, `FB`) to our symbol, if we trade it. */
export function symbolForTicker(ticker: string, universe: AssetUniverse = DEFAULT_UNIVERSE): string | null {
  const base = TICKER_ALIASES[ticker.toUpperCase()] ?? ticker.toUpperCase();
  const crypto = universe.crypto.find((s) => s.split('/')[0] === base);
  if (crypto) return crypto;
  return universe.stocks.find((s) => s === base) ?? null;
}

/** Asset type of one of our symbols: `BTC/USD` is crypto, `AAPL` a stock. */
export function assetTypeOf(symbol: string, universe: AssetUniverse = DEFAULT_UNIVERSE): AssetType {
  return universe.crypto.includes(symbol) || symbol.includes('/') ? 'crypto' : 'stock';
}

/** Finds the assets a text mentions; see the module comment for the rules. */
export function extractAssets(text: string, universe: AssetUniverse = DEFAULT_UNIVERSE): ExtractedAssets {
  const found: { at: number; ticker: string }[] = [];
  const masked = text.replace(/\bhttps?:\/\/\S+/g, (m) => ' '.repeat(m.length));

  for (const m of masked.matchAll(CASHTAG)) {
    const ticker = m[1]!.toUpperCase();
    // "$5", "$10M" are money, and the regex requires a letter first; "$K" alone is too short to trust.
    if (ticker.length >= 1) found.push({ at: m.index, ticker: TICKER_ALIASES[ticker] ?? ticker });
  }

  const hasCashtags = found.length > 0;
  const letters = masked.replace(/[^A-Za-z]/g, '');
  const shouting = letters.length > 0 && letters.replace(/[^A-Z]/g, '').length / letters.length > 0.6;
  for (const m of masked.matchAll(BARE_UPPER)) {
    const ticker = TICKER_ALIASES[m[1]!] ?? m[1]!;
    if (!symbolForTicker(ticker, universe)) continue;
    if (AMBIGUOUS_TICKERS.has(ticker)) {
      // "DIS" is a ticker in "(DIS)", "NYSE: DIS", "DIS shares"; never in a shouted sentence.
      if (shouting) continue;
      const window = masked.slice(Math.max(0, m.index - 25), m.index + ticker.length + 25);
      const wrapped = /[(:]\s*$/.test(masked.slice(Math.max(0, m.index - 7), m.index));
      if (!wrapped && !TICKER_CONTEXT.test(window) && !hasCashtags) continue;
    }
    found.push({ at: m.index, ticker });
  }

  for (const { ticker, re } of NAME_PATTERNS) {
    for (const m of masked.matchAll(re)) {
      found.push({ at: m.index, ticker });
    }
  }
  const fruitOrRiver = NOT_A_COMPANY.test(masked);
  for (const { ticker, re } of CASE_PATTERNS) {
    for (const m of masked.matchAll(re)) {
      if ((ticker === 'AAPL' || ticker === 'AMZN') && fruitOrRiver) continue;
      // "Meta" opening a sentence is as likely the word; the company is "Meta Platforms" or mid-sentence.
      if (ticker === 'META' && /(^|[.!?]\s+)$/.test(masked.slice(0, m.index))) continue;
      found.push({ at: m.index, ticker });
    }
  }

  found.sort((a, b) => a.at - b.at);
  const tickers = [...new Set(found.map((f) => f.ticker))];
  const symbols = [...new Set(tickers.flatMap((t) => symbolForTicker(t, universe) ?? []))];
  return { symbols, tickers };
}
