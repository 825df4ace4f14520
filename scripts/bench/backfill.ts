import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createDuckDbStore } from '@tradehits/analytics/duckdb-store';
import { withIndicators } from '@tradehits/core/indicators';
import type { Timeframe } from '@tradehits/core/types';
import { createFileMarketData } from '@tradehits/jobs/ingest/file-source';
import { ingestBars } from '@tradehits/jobs/ingest/ingest-bars';

const DATA_DIR = path.resolve(import.meta.dirname, '../../../shared/data/market/binance-2018-01');
const TIMEFRAMES: Timeframe[] = ['5m', '1h', '1d'];

/**
 * Backfills the seven shared pairs (5m, resampled to 1h and 1d) with indicators into a fresh DuckDB
 * file and reports bars/s end to end. The baseline, measured in the same run over the same series, is
 * computing the indicators alone; the ratio is end-to-end throughput over that baseline. Both are timed
 * after one untimed warm-up pass.
 */
export async function benchBackfill(): Promise<
  { name: string; value: number; unit: string; ratio: number }[]
> {
  const dir = mkdtempSync(path.join(tmpdir(), 'tradehits-bench-'));
  try {
    const source = createFileMarketData(DATA_DIR);
    const symbols = await source.symbols('crypto');
    // Read and resample the files before timing: the bench measures ingestion, not JSON.parse.
    const series = [];
    for (const symbol of symbols) {
      for (const timeframe of TIMEFRAMES) series.push(await source.fetchBars({ symbol, timeframe }));
    }
    const bars = series.reduce((n, s) => n + s.length, 0);

    // One untimed pass of both, so the timed passes measure compiled code rather than the JIT warming up.
    for (const s of series) withIndicators(s);
    const warmup = await createDuckDbStore(path.join(dir, 'warmup.duckdb'));
    await warmup.migrate();
    await ingestBars({ source, store: warmup, assetType: 'crypto', symbols, timeframes: TIMEFRAMES });
    await warmup.close();

    let started = performance.now();
    for (const s of series) withIndicators(s);
    const indicatorsMs = performance.now() - started;

    const store = await createDuckDbStore(path.join(dir, 'bench.duckdb'));
    await store.migrate();
    started = performance.now();
    const summary = await ingestBars({ source, store, assetType: 'crypto', symbols, timeframes: TIMEFRAMES });
    const endToEndMs = performance.now() - started;
    const written = summary.reduce((n, s) => n + s.rows, 0);
    const failed = summary.filter((s) => s.error);
    if (failed.length > 0 || written !== bars) {
      throw new Error(`backfill wrote ${written} of ${bars} bars; failures: ${JSON.stringify(failed)}`);
    }
    await store.close();

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

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const r of await benchBackfill()) {
    console.log(`${r.name}: ${r.value.toLocaleString('en-US')} ${r.unit} (ratio ${r.ratio.toFixed(3)})`);
  }
}
