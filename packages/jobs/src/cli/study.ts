import { parseArgs } from 'node:util';
import type { Estimate } from '@tradehits/core/bootstrap';
import { runStudy, STUDY_HORIZONS, type StudyGroup, type StudyReport } from '@tradehits/core/study';
import type { Timeframe } from '@tradehits/core/types';
import { runWhenMain, UsageError, wholeNumber } from './args';
import { readSeries } from './candle-files';

/**
 * `npm run study -- --dir <folder> [--timeframes 5m,1h] [--symbols A/B,C/D] [--seed N] [--resamples N] [--json]`
 *
 * The signal study over recorded ccxt 5m files: each lowest point's returns at 1, 2, 6 and 24 hours,
 * its largest favourable and adverse moves, and the detection accuracy (share higher after 2 h),
 * overall, per timeframe and per symbol, with seeded bootstrap intervals. Exit codes: 0 done, 2 bad input.
 */

const USAGE =
  'usage: npm run study -- --dir <folder> [--timeframes 5m,1h] [--symbols A/B,C/D] [--seed N] [--resamples N] [--json]';

interface Io {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

/** Runs the CLI and returns its exit code. */
export async function studyCli(argv: readonly string[], io: Io): Promise<number> {
  try {
    const args = parse(argv);
    if (args.help) {
      io.stdout.write(`${USAGE}\n`);
      return 0;
    }
    const started = performance.now();
    const series = readSeries(
      args.dir,
      args.symbols,
      Number.NEGATIVE_INFINITY,
      Number.POSITIVE_INFINITY,
      '5m',
    );
    const report = runStudy({
      series,
      timeframes: args.timeframes,
      bootstrap: { resamples: args.resamples, level: 0.95, seed: args.seed },
    });
    const seconds = (performance.now() - started) / 1000;
    if (args.json) io.stdout.write(`${JSON.stringify({ ...report, seconds })}\n`);
    else io.stdout.write(studySummary(report, seconds));
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`study: ${error.message}\n${USAGE}\n`);
      return 2;
    }
    throw error;
  }
}

function parse(argv: readonly string[]) {
  let values: ReturnType<typeof parseArgs<{ options: typeof OPTIONS; strict: true }>>['values'];
  try {
    values = parseArgs({ args: [...argv], strict: true, options: OPTIONS }).values;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help) return { help: true } as const;
  if (values.source !== undefined && values.source !== 'files')
    throw new UsageError('--source files is the only source');
  if (!values.dir) throw new UsageError('--dir <folder> is required');
  const timeframes = (values.timeframes ?? '5m,1h').split(',').map((s) => s.trim());
  for (const tf of timeframes) {
    if (tf !== '5m' && tf !== '1h')
      throw new UsageError(`--timeframes takes 5m and 1h, got ${JSON.stringify(tf)}`);
  }
  return {
    help: false,
    dir: values.dir,
    json: values.json === true,
    symbols: values.symbols
      ?.flatMap((s) => s.split(','))
      .map((s) => s.trim().toUpperCase())
      .filter(Boolean),
    timeframes: [...new Set(timeframes)] as Timeframe[],
    seed: wholeNumber('--seed', values.seed ?? '1', 0, 2 ** 32 - 1),
    resamples: wholeNumber('--resamples', values.resamples ?? '2000', 100, 100_000),
  } as const;
}

const OPTIONS = {
  help: { type: 'boolean' },
  source: { type: 'string' },
  dir: { type: 'string' },
  json: { type: 'boolean' },
  symbols: { type: 'string', multiple: true },
  timeframes: { type: 'string' },
  seed: { type: 'string' },
  resamples: { type: 'string' },
} as const;

/** The human-readable report. */
export function studySummary(r: StudyReport, seconds: number): string {
  const header = `  ${'group'.padEnd(16)}${'signals'.padStart(8)}  ${'up after 2 h'.padEnd(24)}${STUDY_HORIZONS.map((h) => `mean ${h.key.slice(1)} h`.padEnd(26)).join('')}${'MFE 24 h'.padEnd(26)}MAE 24 h`;
  const row = (g: StudyGroup) =>
    `  ${`${g.symbol} ${g.timeframe}`.padEnd(16)}${String(g.signals).padStart(8)}  ${share(g.accuracy).padEnd(24)}${STUDY_HORIZONS.map((h) => pct(g.meanReturn[h.key]).padEnd(26)).join('')}${pct(g.meanMfe).padEnd(26)}${pct(g.meanMae)}`;
  const lines = [
    `Signal study ${r.symbols.join(', ')} (${r.timeframes.join(', ')}), ${iso(r.from)} → ${iso(r.to)}, ${seconds.toFixed(1)} s`,
    header,
    row(r.overall),
    ...r.byTimeframe.map(row),
    ...r.bySymbol.filter((g) => g.signals > 0).map(row),
    ...r.notes.map((n) => `  note: ${n}`),
  ];
  return `${lines.join('\n')}\n`;
}

function share(e: Estimate | null): string {
  return e === null
    ? '–'
    : `${(e.value * 100).toFixed(0)} % [${(e.low * 100).toFixed(0)}, ${(e.high * 100).toFixed(0)}]`;
}

function pct(e: Estimate | null): string {
  const f = (x: number) => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(2)}`;
  return e === null ? '–' : `${f(e.value)} % [${f(e.low)}, ${f(e.high)}]`;
}

function iso(t: number): string {
  return t > 0 ? new Date(t).toISOString().slice(0, 16) : '–';
}

runWhenMain(import.meta.url, 'study', (argv) =>
  studyCli(argv, { stdout: process.stdout, stderr: process.stderr }),
);
