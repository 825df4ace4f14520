import { parseArgs } from 'node:util';
import { createAnalyticsStore } from '@tradehits/analytics';
import { type Config, loadConfig } from '@tradehits/config';
import type { MarketDataSource } from '@tradehits/core/ports';
import { assetTypeOf } from '@tradehits/core/symbols';
import { type AssetType, TIMEFRAMES, type Timeframe } from '@tradehits/core/types';
import { createAlpacaMarketData } from '@tradehits/exchange/alpaca';
import { createKrakenMarketData } from '@tradehits/exchange/kraken';
import cliProgress from 'cli-progress';
import { createFileMarketData } from '../ingest/file-source';
import { type IngestSummary, ingestBars } from '../ingest/ingest-bars';
import { runWhenMain, UsageError } from './args';

const USAGE = `Usage: npm run backfill -- [--source files --dir <folder> | --source kraken | --source alpaca]
  [--symbols BTC/USD,AAPL] [--timeframes 5m,1h,1d] [--from 2025-01-01T00:00:00Z] [--to ISO]

Fetches bars with indicators into the analytics store (DuckDB in DATA_DIR, or BigQuery when
BIGQUERY_PROJECT is set). Resumable: a rerun continues after the newest stored bar.
--to ends the history at an instant: only bars whose period had ended by then are stored (no daily
bar for the day it falls in), so nothing stored has seen a price from after it.
Default symbols: every symbol the source has (files), CRYPTO_SYMBOLS and STOCK_SYMBOLS (kraken),
or STOCK_SYMBOLS (alpaca, US stocks only; needs ALPACA_KEY_ID and ALPACA_SECRET_KEY, and
ALPACA_DATA_URL to use another host than Alpaca's).`;

/** Bars per Alpaca request: the SDK follows Alpaca's page tokens within one request up to this many. */
const ALPACA_PAGE_BARS = 10_000;

/** The parsed command line. */
export interface BackfillArgs {
  source: 'files' | 'kraken' | 'alpaca';
  dir?: string;
  symbols?: string[];
  timeframes: Timeframe[];
  from?: number;
  to?: number;
}

function instant(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const t = Date.parse(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(t)) {
    throw new UsageError(`--${flag} "${value}" is not an ISO date or instant`);
  }
  return t;
}

const list = (value: string | undefined) =>
  value
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);

/** Parses and checks the command line. */
export function parseBackfillArgs(argv: string[]): BackfillArgs {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        source: { type: 'string' },
        dir: { type: 'string' },
        symbols: { type: 'string' },
        timeframes: { type: 'string' },
        from: { type: 'string' },
        to: { type: 'string' },
      },
      strict: true,
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const dir = values.dir as string | undefined;
  const source = (values.source as string | undefined) ?? (dir ? 'files' : 'kraken');
  if (source !== 'files' && source !== 'kraken' && source !== 'alpaca')
    throw new UsageError(`--source must be files, kraken or alpaca, not "${source}"`);
  if (source === 'files' && !dir) throw new UsageError('--source files needs --dir <folder>');
  const timeframes = list(values.timeframes as string | undefined) ?? ['5m', '1h', '1d'];
  for (const tf of timeframes) {
    if (!TIMEFRAMES.includes(tf as Timeframe)) {
      throw new UsageError(`unknown timeframe "${tf}" (expected ${TIMEFRAMES.join(', ')})`);
    }
  }
  const symbols = list(values.symbols as string | undefined);
  for (const s of symbols ?? []) {
    try {
      assetTypeOf(s);
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    if (source === 'alpaca' && assetTypeOf(s) !== 'stock') {
      throw new UsageError(`--source alpaca serves US stocks only, not "${s}"`);
    }
  }
  const from = instant('from', values.from as string | undefined);
  const to = instant('to', values.to as string | undefined);
  if (from !== undefined && to !== undefined && from > to) throw new UsageError('--from is after --to');
  return {
    source,
    ...(dir ? { dir } : {}),
    ...(symbols ? { symbols } : {}),
    timeframes: timeframes as Timeframe[],
    ...(from !== undefined ? { from } : {}),
    ...(to !== undefined ? { to } : {}),
  };
}

/** Summary rows as an aligned text table. */
export function formatSummary(rows: IngestSummary[]): string {
  const cells = [
    ['symbol', 'timeframe', 'rows', 'seconds', 'error'],
    ...rows.map((r) => [
      r.symbol,
      r.timeframe,
      String(r.rows),
      (r.durationMs / 1000).toFixed(2),
      r.error ?? '',
    ]),
  ];
  const widths = cells[0]!.map((_, i) => Math.max(...cells.map((row) => row[i]!.length)));
  return cells
    .map((row) =>
      row
        .map((c, i) => c.padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** The bar source the arguments name; Alpaca's keys are checked here, before anything is written. */
function marketDataFor(args: BackfillArgs, config: Config): MarketDataSource {
  if (args.source === 'files') return createFileMarketData(args.dir!);
  if (args.source === 'kraken') return createKrakenMarketData(config);
  const missing = (['ALPACA_KEY_ID', 'ALPACA_SECRET_KEY'] as const).filter((name) => !config[name]);
  if (missing.length > 0) {
    throw new Error(`--source alpaca needs ${missing.join(' and ')} set in the environment`);
  }
  return createAlpacaMarketData(config);
}

/** Runs a backfill with the given arguments and config; returns the summaries. */
export async function runBackfill(
  args: BackfillArgs,
  config: Config,
  io: { write: (text: string) => void; progress: boolean } = {
    write: (t) => process.stdout.write(t),
    progress: true,
  },
): Promise<IngestSummary[]> {
  const source = marketDataFor(args, config);
  // Each asset type has its own tables: group the symbols by it.
  const byAssetType = new Map<AssetType, string[]>();
  const symbols = args.symbols ?? [...(await source.symbols('crypto')), ...(await source.symbols('stock'))];
  for (const s of symbols) byAssetType.set(assetTypeOf(s), [...(byAssetType.get(assetTypeOf(s)) ?? []), s]);

  const store = await createAnalyticsStore(config);
  await store.migrate();
  const bar = io.progress
    ? new cliProgress.SingleBar(
        { format: 'backfill [{bar}] {value}/{total} {symbol} {timeframe}', hideCursor: true },
        cliProgress.Presets.shades_classic,
      )
    : null;
  bar?.start(symbols.length * args.timeframes.length, 0, { symbol: '', timeframe: '' });
  const summaries: IngestSummary[] = [];
  try {
    for (const [assetType, group] of byAssetType) {
      const done = summaries.length;
      const result = await ingestBars({
        source,
        store,
        assetType,
        symbols: group,
        timeframes: args.timeframes,
        ...(args.from !== undefined ? { from: args.from } : {}),
        ...(args.to !== undefined ? { to: args.to } : {}),
        ...(args.source === 'alpaca' ? { pageSize: ALPACA_PAGE_BARS } : {}),
        onProgress: (p) =>
          bar?.update(done + p.completed, { symbol: p.last.symbol, timeframe: p.last.timeframe }),
      });
      summaries.push(...result);
    }
  } finally {
    bar?.stop();
    await store.close();
  }
  const total = summaries.reduce((n, s) => n + s.rows, 0);
  const failed = summaries.filter((s) => s.error).length;
  io.write(`${formatSummary(summaries)}\n\n${total} bars written to ${store.kind}; ${failed} failed.\n`);
  return summaries;
}

async function main(argv: string[]): Promise<number> {
  let args: BackfillArgs;
  try {
    args = parseBackfillArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`${error.message}\n\n${USAGE}\n`);
    return 2;
  }
  const summaries = await runBackfill(args, loadConfig());
  return summaries.some((s) => s.error) ? 1 : 0;
}

runWhenMain(import.meta.url, 'backfill', main);
