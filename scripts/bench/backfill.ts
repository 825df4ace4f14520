import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createDuckDbStore } from '@tradehits/analytics/duckdb-store';
import { withIndicators } from '@tradehits/core/indicators';
import type { MarketDataSource } from '@tradehits/core/ports';
import type { Bar, Timeframe } from '@tradehits/core/types';
import { createFileMarketData } from '@tradehits/jobs/ingest/file-source';
import { ingestBars } from '@tradehits/jobs/ingest/ingest-bars';

const DATA_DIR = path.resolve(import.meta.dirname, '../../../shared/data/market/binance-2018-01');
const TIMEFRAMES: Timeframe[] = ['5m', '1h', '1d'];

/**
 * Backfills the seven shared pairs (5m, resampled to 1h and 1d) with indicators into a fresh DuckDB
 * file and reports bars/s end to end. The baseline, measured in the same run over the same series, is
 * computing the indicators alone; the ratio is end-to-end throughput over that baseline. Both are medians
 * of several passes after an untimed warm-up.
 */
export async function benchBackfill(): Promise<
  { name: string; value: number; unit: string; ratio: number }[]
> {
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

    // One untimed pass of both, so the timed passes measure compiled code rather than the JIT warming up;
    // then the median of several timed passes, each backfill into a fresh file.
    for (const s of series) withIndicators(s);
    await backfillOnce(source, symbols, path.join(dir, 'warmup.duckdb'), bars);

    const indicatorsMs = median(
      Array.from({ length: 5 }, () => {
        const started = performance.now();
        for (const s of series) withIndicators(s);
        return performance.now() - started;
      }),
    );
    const runs: number[] = [];
    for (let run = 0; run < 3; run++) {
      runs.push(await backfillOnce(source, symbols, path.join(dir, `bench-${run}.duckdb`), bars));
    }
    const endToEndMs = median(runs);

    const indicatorsRate = bars / (indicatorsMs / 1000);
    const endToEndRate = bars / (endToEndMs / 1000);
    return [
      {
        name: 'backfill end to end (DuckDB)',
        value: Math.round(endToEndRate),
        unit: 'bars/s',
        ratio: endToEndRate / indicatorsRate,
      },
      { name: 'backfill indicators alone', value: Math.round(indicatorsRate), unit: 'bars/s', ratio: 1 },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

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

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const r of await benchBackfill()) {
    console.log(`${r.name}: ${r.value.toLocaleString('en-US')} ${r.unit} (ratio ${r.ratio.toFixed(3)})`);
  }
}
