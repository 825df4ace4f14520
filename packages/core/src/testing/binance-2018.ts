import fs from 'node:fs';
import path from 'node:path';
import { barsFromOhlcv, symbolOfFileName } from '../ohlcv';
import type { Bar } from '../types';

/**
 * Test and benchmark fixture (never imported by production code): the shared real 5m candles of seven
 * BTC-quoted pairs, 2018-01-10 to 2018-01-30, read from ../shared/data.
 */

/** Folder of the shared Binance January 2018 5m candles. */
export const BINANCE_2018_DIR = path.resolve(
  import.meta.dirname,
  '../../../../../shared/data/market/binance-2018-01',
);

/** Every pair as one series, sorted by symbol. */
export function loadBinance2018(): { symbol: string; bars: Bar[] }[] {
  return fs
    .readdirSync(BINANCE_2018_DIR)
    .sort()
    .flatMap((file) => {
      const named = symbolOfFileName(file);
      if (named === null) return [];
      const rows: unknown = JSON.parse(fs.readFileSync(path.join(BINANCE_2018_DIR, file), 'utf8'));
      return [{ symbol: named.symbol, bars: barsFromOhlcv(named.symbol, '5m', rows) }];
    });
}

/** One pair's 5m bars as recorded (`pair` as `ETH/BTC`), read from its file alone. */
export function binance2018Pair(pair: string): Bar[] {
  const file = path.join(BINANCE_2018_DIR, `${pair.replace('/', '_')}-5m.json`);
  if (!fs.existsSync(file)) throw new Error(`no shared candles for ${pair}`);
  return barsFromOhlcv(pair, '5m', JSON.parse(fs.readFileSync(file, 'utf8')));
}

/** One pair's 5m bars relabelled as `symbol` and moved `shift` ms later (prices and volumes unchanged). */
export function binance2018As(symbol: string, shift = 0, pair = 'ETH/BTC'): Bar[] {
  return binance2018Pair(pair).map((b) => ({ ...b, symbol, openTime: b.openTime + shift }));
}
