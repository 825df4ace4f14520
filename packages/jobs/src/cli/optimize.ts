import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '@tradehits/config';
import type { Estimate } from '@tradehits/core/bootstrap';
import { formatCents } from '@tradehits/core/money';
import {
  type Candidate,
  DEFAULT_WALK_FORWARD,
  type SummaryWithIntervals,
  type WalkForwardConfig,
  type WalkForwardReport,
} from '@tradehits/core/optimize';
import { createDb, insertOptimizerRun } from '@tradehits/db';
import { walkForwardParallel } from '../research/optimize-pool';
import { backtestParamsFromFlags, runWhenMain, UsageError, wholeNumber } from './args';
import { readSeries } from './candle-files';

/**
 * `npm run optimize -- --dir <folder> [--symbols A/B,C/D] [--timeframe 5m|1h] [--train-days N]
 * [--test-days N] [--samples N] [--seed N] [--min-trades N] [--resamples N] [--workers N]
 * [--params <json>] [--dry-run] [--json]`
 *
 * The walk-forward optimiser over recorded ccxt 5m files, spread over worker threads. Prints the
 * out-of-sample result (the concatenated test windows) beside the in-sample figure, and stores the
 * run in the database (`DATABASE_URL`, or PGlite under `DATA_DIR`) unless --dry-run. Exit codes: 0
 * done, 2 bad input.
 */

const USAGE =
  'usage: npm run optimize -- --dir <folder> [--symbols A/B,C/D] [--timeframe 5m|1h] [--train-days N] [--test-days N] [--samples N] [--seed N] [--min-trades N] [--resamples N] [--workers N] [--params <json>] [--dry-run] [--json]';

interface Io {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

const OPTIONS = {
  help: { type: 'boolean' },
  source: { type: 'string' },
  dir: { type: 'string' },
  symbols: { type: 'string', multiple: true },
  timeframe: { type: 'string' },
  'train-days': { type: 'string' },
  'test-days': { type: 'string' },
  samples: { type: 'string' },
  seed: { type: 'string' },
  'min-trades': { type: 'string' },
  resamples: { type: 'string' },
  workers: { type: 'string' },
  params: { type: 'string' },
  'dry-run': { type: 'boolean' },
  json: { type: 'boolean' },
} as const;

/** Runs the CLI and returns its exit code. */
export async function optimizeCli(
  argv: readonly string[],
  io: Io,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  try {
    let v: ReturnType<typeof parseArgs<{ options: typeof OPTIONS; strict: true }>>['values'];
    try {
      v = parseArgs({ args: [...argv], strict: true, options: OPTIONS }).values;
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    if (v.help) {
      io.stdout.write(`${USAGE}\n`);
      return 0;
    }
    if (v.source !== undefined && v.source !== 'files')
      throw new UsageError('--source files is the only source');
    if (!v.dir) throw new UsageError('--dir <folder> is required');
    const base = backtestParamsFromFlags(v.params, v.timeframe);
    const d = DEFAULT_WALK_FORWARD;
    const config: WalkForwardConfig = {
      trainDays: wholeNumber('--train-days', v['train-days'] ?? String(d.trainDays), 1, 365),
      testDays: wholeNumber('--test-days', v['test-days'] ?? String(d.testDays), 1, 365),
      samples: wholeNumber('--samples', v.samples ?? String(d.samples), 1, 10_000),
      seed: wholeNumber('--seed', v.seed ?? String(d.seed), 0, 2 ** 32 - 1),
      minTrades: wholeNumber('--min-trades', v['min-trades'] ?? String(d.minTrades), 1, 100_000),
      resamples: wholeNumber('--resamples', v.resamples ?? String(d.resamples), 100, 100_000),
    };
    const workers = wholeNumber('--workers', v.workers ?? String(os.availableParallelism()), 1, 64);
    const symbols = v.symbols
      ?.flatMap((s) => s.split(','))
      .map((s) => s.trim().toUpperCase())
      .filter(Boolean);
    const series = readSeries(
      v.dir,
      symbols,
      Number.NEGATIVE_INFINITY,
      Number.POSITIVE_INFINITY,
      base.timeframe,
    );

    const started = performance.now();
    let report: WalkForwardReport;
    try {
      report = await walkForwardParallel(series, base, config, { workers });
    } catch (error) {
      if ((error as Error).message.includes('too short')) throw new UsageError((error as Error).message);
      throw error;
    }
    const seconds = (performance.now() - started) / 1000;

    let runId: string | null = null;
    if (!v['dry-run']) {
      const handle = createDb(loadConfig(env).database);
      try {
        await handle.migrate();
        runId = await insertOptimizerRun(handle.db, {
          dataset: path.basename(path.resolve(v.dir)),
          symbols: report.symbols,
          timeframe: base.timeframe,
          dataFrom: new Date(report.from),
          dataTo: new Date(report.to),
          config: { ...config, workers, base },
          costModel: report.costModel,
          folds: report.folds,
          inSample: report.inSample,
          outOfSample: report.outOfSample,
          recommended: report.recommended,
          recommendedOutOfSample: report.recommendedOutOfSample,
          notes: report.notes,
          seconds: seconds.toFixed(1),
        });
      } finally {
        await handle.close();
      }
    }
    if (v.json) io.stdout.write(`${JSON.stringify({ ...report, seconds, workers, runId })}\n`);
    else io.stdout.write(optimizeSummary(report, seconds, workers, runId));
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`optimize: ${error.message}\n${USAGE}\n`);
      return 2;
    }
    throw error;
  }
}

/** The human-readable report: out-of-sample beside in-sample, then each fold. */
export function optimizeSummary(
  r: WalkForwardReport,
  seconds: number,
  workers: number,
  runId: string | null,
): string {
  const day = (t: number) => new Date(t).toISOString().slice(0, 10);
  const lines = [
    `Walk-forward ${r.symbols.join(', ')}, ${day(r.from)} → ${day(r.to)}, ${seconds.toFixed(1)} s on ${workers} worker threads`,
    `  ${''.padEnd(16)}${'out-of-sample (result)'.padEnd(34)}in-sample (chosen on these)`,
    ...summaryRows(r.outOfSample, r.inSample),
    `  recommended parameters (${r.recommendedFold === null ? 'no fold had an eligible candidate: the base parameters' : `chosen in fold ${r.recommendedFold + 1}`}): ${describeCandidate(r.recommended)}`,
    `  recommended parameters on the bars after their train window (${day(r.recommendedOutOfSample.from)} → ${day(r.recommendedOutOfSample.to)}):`,
    ...summaryRows(r.recommendedOutOfSample, null),
    ...r.folds.map(
      (f) =>
        `  fold ${f.fold.index + 1}: train ${day(f.fold.trainFrom)}…${day(f.fold.trainTo)} ${f.train.trades} trades ${formatCents(f.train.pnlCents)} | test ${day(f.fold.testFrom)}…${day(f.fold.testTo)} ${f.test.trades} trades ${formatCents(f.test.pnlCents)}${f.fallback ? ' (no eligible candidate: base kept)' : ''}`,
    ),
    `  costs: ${r.costModel}`,
    ...r.notes.map((n) => `  note: ${n}`),
    runId === null ? '  not stored (--dry-run)' : `  stored as optimiser run ${runId}`,
  ];
  return `${lines.join('\n')}\n`;
}

function summaryRows(out: SummaryWithIntervals, ins: SummaryWithIntervals | null): string[] {
  const pct = (x: number | null) => (x === null ? '–' : `${(x * 100).toFixed(1)} %`);
  const interval = (e: Estimate | null, f: (x: number) => string) =>
    e === null ? '' : ` [${f(e.low)}, ${f(e.high)}]`;
  const cents = (x: number) => formatCents(Math.round(x));
  const row = (label: string, f: (s: SummaryWithIntervals) => string) =>
    `  ${label.padEnd(16)}${f(out).padEnd(34)}${ins === null ? '' : f(ins)}`.trimEnd();
  return [
    row('trades', (s) => String(s.trades)),
    row('win rate', (s) => `${pct(s.winRate)}${interval(s.winRateInterval, (x) => pct(x))}`),
    row('P&L after fees', (s) => `${formatCents(s.pnlCents)}${interval(s.pnlInterval, cents)}`),
    row('fees', (s) => formatCents(s.feesCents)),
    row('profit factor', (s) => (s.profitFactor === null ? '–' : s.profitFactor.toFixed(2))),
    row('mean trade', (s) => `${pct(s.meanReturn)}${interval(s.meanReturnInterval, (x) => pct(x))}`),
  ];
}

/** A candidate in words. */
export function describeCandidate(c: Candidate): string {
  const parts = [
    c.takeProfitAtr !== null ? `TP ${c.takeProfitAtr}×ATR` : `TP ${c.takeProfitPct} %`,
    c.stopLossAtr !== null ? `SL ${c.stopLossAtr}×ATR` : `SL ${c.stopLossPct} %`,
  ];
  if (c.trailingStopPct !== null) parts.push(`trailing ${c.trailingStopPct} %`);
  if (c.breakEvenAfterPct !== null) parts.push(`break-even after ${c.breakEvenAfterPct} %`);
  if (c.maxHoldingHours !== null) parts.push(`max ${c.maxHoldingHours} h`);
  parts.push(c.buyAtLowestOnly ? 'lowest points only' : 'confidence ≥ threshold');
  parts.push(`max ${c.maxConcurrentTrades} open`);
  return parts.join(', ');
}

runWhenMain(import.meta.url, 'optimize', (argv) =>
  optimizeCli(argv, { stdout: process.stdout, stderr: process.stderr }),
);
