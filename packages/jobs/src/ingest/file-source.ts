import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { barsFromOhlcv } from '@tradehits/core/ohlcv';
import type { MarketDataSource } from '@tradehits/core/ports';
import { resampleBars } from '@tradehits/core/resample';
import { assetTypeOf } from '@tradehits/core/symbols';
import type { Bar, Timeframe } from '@tradehits/core/types';
import { TIMEFRAME_MS } from '@tradehits/core/types';

/** `ETH_BTC-5m.json` → ETH/BTC; `AAPL-5m.json` → AAPL. */
const FILE_NAME = /^([A-Z0-9.]+?)(?:_([A-Z0-9]+))?-5m\.json$/;
const FIVE_MIN = TIMEFRAME_MS['5m'];

/**
 * Recorded 5-minute candles as a market-data source: a folder of ccxt-shaped files
 * (`[[openTimeMs, open, high, low, close, volume], …]`, oldest first, named `<BASE>_<QUOTE>-5m.json`).
 * Hourly and daily bars are resampled from them in UTC buckets; a bucket the recording ends inside is
 * still forming and is left out. Files are read once, on first use.
 */
export function createFileMarketData(dir: string): MarketDataSource {
  const files = new Map<string, string>();
  for (const name of readdirSync(dir).sort()) {
    const match = FILE_NAME.exec(name);
    if (match) files.set(match[2] ? `${match[1]}/${match[2]}` : match[1]!, path.join(dir, name));
  }
  const cache = new Map<string, Bar[]>();

  function load(symbol: string, timeframe: Timeframe): Bar[] {
    const key = `${symbol} ${timeframe}`;
    const cached = cache.get(key);
    if (cached) return cached;
    let bars: Bar[];
    if (timeframe === '5m') {
      const file = files.get(symbol);
      if (!file) throw new Error(`No recorded candles for ${symbol} in ${dir}`);
      bars = parseCandles(symbol, file);
    } else {
      const fine = load(symbol, '5m');
      const until = fine.length > 0 ? fine.at(-1)!.openTime + FIVE_MIN : 0;
      bars = resampleBars(fine, timeframe, { until });
    }
    cache.set(key, bars);
    return bars;
  }

  return {
    id: `files:${dir}`,
    async symbols(assetType) {
      return [...files.keys()].filter((s) => assetTypeOf(s) === assetType);
    },
    async fetchBars({ symbol, timeframe, since, limit }) {
      if (!(timeframe in TIMEFRAME_MS)) throw new Error(`Unknown timeframe "${timeframe}"`);
      const bars = load(symbol, timeframe);
      let start = 0;
      if (since !== undefined) {
        // Binary search: the first bar at or after `since`.
        let hi = bars.length;
        while (start < hi) {
          const mid = (start + hi) >>> 1;
          if (bars[mid]!.openTime < since) start = mid + 1;
          else hi = mid;
        }
      }
      return bars.slice(start, limit === undefined ? undefined : start + limit);
    },
  };
}

/** Parses one recording (six finite numbers a row, in increasing time). */
function parseCandles(symbol: string, file: string): Bar[] {
  try {
    return barsFromOhlcv(symbol, '5m', JSON.parse(readFileSync(file, 'utf8')));
  } catch (err) {
    throw new Error(`${file}: ${(err as Error).message}`);
  }
}
