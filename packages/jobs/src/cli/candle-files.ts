import fs from 'node:fs';
import path from 'node:path';
import type { BacktestSeries } from '@tradehits/core/backtest';
import { barsFromOhlcv, symbolOfFileName } from '@tradehits/core/ohlcv';
import { resampleBars } from '@tradehits/core/resample';
import { UsageError } from './args';

/** Loads the 5m files of the folder (those asked for), cut to [from, to) and resampled if needed. */
export function readSeries(
  dir: string,
  wanted: string[] | undefined,
  from: number,
  to: number,
  timeframe: '5m' | '1h',
): BacktestSeries[] {
  let files: string[];
  try {
    files = fs.readdirSync(dir).sort();
  } catch (error) {
    throw new UsageError(`cannot read --dir ${dir}: ${(error as Error).message}`);
  }
  const found = new Map<string, string>();
  for (const file of files) {
    const named = symbolOfFileName(file);
    if (named !== null && named.timeframe === '5m') found.set(named.symbol, file);
  }
  const symbols = wanted ?? [...found.keys()];
  const missing = symbols.filter((s) => !found.has(s));
  if (missing.length > 0)
    throw new UsageError(`no <BASE>_<QUOTE>-5m.json file for ${missing.join(', ')} in ${dir}`);
  if (symbols.length === 0) throw new UsageError(`no <BASE>_<QUOTE>-5m.json files in ${dir}`);
  return symbols.map((symbol) => {
    const file = path.join(dir, found.get(symbol)!);
    let rows: unknown;
    try {
      rows = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch (error) {
      throw new UsageError(`${file}: ${(error as Error).message}`);
    }
    let bars = barsFromOhlcv(symbol, '5m', rows).filter((b) => b.openTime >= from && b.openTime < to);
    if (timeframe === '1h') bars = resampleBars(bars, '1h');
    return { symbol, bars };
  });
}
