import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createDuckDbStore } from '@tradehits/analytics/duckdb-store';
import { indicatorTable } from '@tradehits/core/indicators';
import type { MarketDataSource } from '@tradehits/core/ports';
import type { Bar, Timeframe } from '@tradehits/core/types';
import { createFileMarketData } from '@tradehits/jobs/ingest/file-source';
import { ingestBars } from '@tradehits/jobs/ingest/ingest-bars';
import { type BenchRow, type BenchSuite, interleave, rateRow } from './lib';

const DATA_DIR = path.resolve(import.meta.dirname, '../../../shared/data/market/binance-2018-01');
const TIMEFRAMES: Timeframe[] = ['5m', '1h', '1d'];

/**
 * Backfills the seven shared pairs (5m, resampled to 1h and 1d) with indicators into a fresh DuckDB
 * file and reports bars/s end to end. The baseline is the indicator function backfill itself runs
 * (`indicatorTable`) over the same series; the ratio is end-to-end throughput over it. Baseline and
 * subject alternate run by run after an untimed warm-up, each backfill into a fresh file.
 */
export async function benchBackfill(): Promise<BenchRow[]> {
  const dir = mkdtempSync(path.join(tmpdir(), 'tradehits-bench-'));
  try {
    const source = createFileMarketData(DATA_DIR);
    const symbols = await source.symbols('crypto');
    // Read and resample the files before timing: the bench measures ingestion, not JSON.parse.
    const series: Bar[][] = [];
    for (const symbol of symbols) {
      for (const timeframe of TIMEFRAMES) series.push(await source.fetchBars({ symbol, timeframe }));
    }
    const bars = series.reduce((n, s) => n + s.length, 0);

    let file = 0;
    let sink = 0;
    const samples = await interleave(
      {
        indicators: () => {
          for (const s of series) sink += indicatorTable(s).values.rsi14.length;
        },
        backfill: () => backfillOnce(source, symbols, path.join(dir, `bench-${file++}.duckdb`), bars),
      },
      { runs: 5, warmUp: 1 },
    );
    if (sink === 0) throw new Error('indicators computed nothing');
    const baseline = rateRow(
      'backfill indicators alone (indicatorTable)',
      bars,
      samples.indicators,
      'bars/s',
    );
    const subject = rateRow('backfill end to end (DuckDB)', bars, samples.backfill, 'bars/s');
    return [{ ...subject, ratio: subject.value / baseline.value, baseline: baseline.name }, baseline];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The market data suite for `npm run bench`. */
export const backfillSuite: BenchSuite = { name: 'backfill', run: () => benchBackfill() };

/** Milliseconds to backfill every series into a fresh DuckDB file (closing it is not timed). */
async function backfillOnce(
  source: MarketDataSource,
  symbols: string[],
  file: string,
  expectedBars: number,
): Promise<number> {
  const store = await createDuckDbStore(file);
  await store.migrate();
  const started = performance.now();
  const summary = await ingestBars({ source, store, assetType: 'crypto', symbols, timeframes: TIMEFRAMES });
  const elapsed = performance.now() - started;
  await store.close();
  const written = summary.reduce((n, s) => n + s.rows, 0);
  const failed = summary.filter((s) => s.error);
  if (failed.length > 0 || written !== expectedBars) {
    throw new Error(`backfill wrote ${written} of ${expectedBars} bars; failures: ${JSON.stringify(failed)}`);
  }
  return elapsed;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const r of await benchBackfill()) {
    console.log(
      `${r.name}: ${r.value.toLocaleString('en-US')} ${r.unit} (ratio ${r.ratio?.toFixed(3) ?? '-'})`,
    );
  }
}
