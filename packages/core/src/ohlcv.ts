import type { Bar, Timeframe } from './types';

/**
 * Parses ccxt-shaped OHLCV rows (`[[openTimeMs, o, h, l, c, v], ...]`, oldest first) into bars, refusing
 * any row that is not six finite numbers or does not come strictly after the one before it.
 */
export function barsFromOhlcv(symbol: string, timeframe: Timeframe, rows: unknown): Bar[] {
  if (!Array.isArray(rows)) throw new Error(`${symbol}: expected a JSON array of [time, o, h, l, c, v] rows`);
  const bars = new Array<Bar>(rows.length);
  let previous = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < rows.length; i++) {
    const row: unknown = rows[i];
    if (
      !Array.isArray(row) ||
      row.length < 6 ||
      !row.slice(0, 6).every((x) => typeof x === 'number' && Number.isFinite(x))
    ) {
      throw new Error(`${symbol}: row ${i} is not [openTimeMs, open, high, low, close, volume] numbers`);
    }
    const [openTime, open, high, low, close, volume] = row as number[];
    if (!(openTime! > previous))
      throw new Error(`${symbol}: row ${i} is out of order (openTime ${openTime})`);
    previous = openTime!;
    bars[i] = {
      symbol,
      timeframe,
      openTime: openTime!,
      open: open!,
      high: high!,
      low: low!,
      close: close!,
      volume: volume!,
      tradeCount: null,
    };
  }
  return bars;
}

/** The symbol of a `<BASE>_<QUOTE>-<timeframe>.json` file name (`ETH_BTC-5m.json` → `ETH/BTC`), or null. */
export function symbolOfFileName(fileName: string): { symbol: string; timeframe: string } | null {
  const m = /^([A-Za-z0-9.]+)_([A-Za-z0-9]+)-(\w+)\.json$/.exec(fileName);
  return m ? { symbol: `${m[1]!.toUpperCase()}/${m[2]!.toUpperCase()}`, timeframe: m[3]! } : null;
}
