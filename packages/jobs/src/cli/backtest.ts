import { parseArgs } from 'node:util';
import { type BacktestResult, runBacktest } from '@tradehits/core/backtest';
import { formatCents } from '@tradehits/core/money';
import cliProgress from 'cli-progress';
import { backtestParamsFromFlags, isoInstant, runWhenMain, UsageError } from './args';
import { readSeries } from './candle-files';

/**
 * `npm run backtest -- --source files --dir <folder> [--params <json>] [--json] [--symbols A/B,C/D]
 * [--from ISO --to ISO] [--timeframe 5m|1h]`
 *
 * Reads ccxt-shaped `<BASE>_<QUOTE>-5m.json` files, runs the backtester and prints a summary, or with
 * --json one JSON document on stdout. A progress bar goes to stderr. Exit codes: 0 done, 2 bad input.
 * --from/--to cut the bars before indicators are computed, so the first bars of the range warm them up.
 */

const USAGE =
  'usage: npm run backtest -- --source files --dir <folder> [--params <json>] [--json] [--symbols A/B,C/D] [--from ISO --to ISO] [--timeframe 5m|1h]';

interface Io {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /** Show the progress bar (off in tests and when stderr is not a terminal). */
  progress: boolean;
}

/** Runs the CLI and returns its exit code. */
export async function backtestCli(argv: readonly string[], io: Io): Promise<number> {
  try {
    const result = run(argv, io);
    if (result.json) io.stdout.write(`${JSON.stringify(result.output)}\n`);
    else io.stdout.write(summary(result.output));
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`backtest: ${error.message}\n${USAGE}\n`);
      return 2;
    }
    throw error;
  }
}

function run(argv: readonly string[], io: Io): { json: boolean; output: BacktestResult } {
  let args: ReturnType<typeof parse>;
  try {
    args = parse(argv);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const v = args.values;
  if (v.source !== 'files')
    throw new UsageError('--source files is the only source (recorded ccxt JSON files)');
  if (!v.dir) throw new UsageError('--dir <folder> is required');
  const params = backtestParamsFromFlags(v.params, v.timeframe);
  const from = v.from === undefined ? Number.NEGATIVE_INFINITY : isoInstant('--from', v.from);
  const to = v.to === undefined ? Number.POSITIVE_INFINITY : isoInstant('--to', v.to);
  if (!(from < to)) throw new UsageError('--from must be before --to');
  const wanted = v.symbols
    ?.flatMap((s) => s.split(','))
    .map((s) => s.trim().toUpperCase())
    .filter(Boolean);

  const series = readSeries(v.dir, wanted, from, to, params.timeframe);
  const bar = io.progress
    ? new cliProgress.SingleBar(
        { stream: io.stderr, format: 'backtest [{bar}] {percentage}% | {value}/{total} bars' },
        cliProgress.Presets.shades_classic,
      )
    : null;
  bar?.start(
    series.reduce((n, s) => n + s.bars.length, 0),
    0,
  );
  const output = runBacktest(series, { params, onProgress: (done) => bar?.update(done) });
  bar?.stop();
  return { json: v.json === true, output };
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    strict: true,
    options: {
      source: { type: 'string' },
      dir: { type: 'string' },
      params: { type: 'string' },
      json: { type: 'boolean' },
      symbols: { type: 'string', multiple: true },
      from: { type: 'string' },
      to: { type: 'string' },
      timeframe: { type: 'string' },
    },
  });
}

/** The human-readable report. Amounts are in the quote currency. */
function summary(r: BacktestResult): string {
  const m = r.metrics;
  const pct = (x: number | null) => (x === null ? '–' : `${(x * 100).toFixed(2)} %`);
  const num = (x: number | null) => (x === null ? '–' : x.toFixed(2));
  const lines = [
    `Backtest ${r.symbols.join(', ')} ${r.params.timeframe}, ${iso(r.from)} → ${iso(r.to)}`,
    `  bars ${r.barsEvaluated}, signals ${r.signals}, trades ${m.trades} (${m.wins} won, ${m.losses} lost, win rate ${pct(m.winRate)})`,
    `  P&L ${formatCents(m.totalPnlCents)} (${pct(m.returnPct)}), start ${formatCents(m.startCents)}, end ${formatCents(m.endCents)}`,
    `  best ${m.bestTradeCents === null ? '–' : formatCents(m.bestTradeCents)}, worst ${m.worstTradeCents === null ? '–' : formatCents(m.worstTradeCents)}, profit factor ${num(m.profitFactor)}`,
    `  max drawdown ${formatCents(m.maxDrawdownCents)} (${pct(m.maxDrawdownPct)}), Sharpe ${num(m.sharpe)}, Sortino ${num(m.sortino)}, exposure ${pct(m.exposure)}`,
    ...m.perSymbol.map(
      (s) =>
        `  ${s.symbol.padEnd(10)} trades ${String(s.trades).padStart(3)}  win ${pct(s.winRate)}  P&L ${formatCents(s.pnlCents)}`,
    ),
    ...r.notes.map((n) => `  note: ${n}`),
  ];
  return `${lines.join('\n')}\n`;
}

function iso(t: number): string {
  return Number.isFinite(t) && t > 0 ? new Date(t).toISOString() : '–';
}

runWhenMain(import.meta.url, 'backtest', (argv) =>
  backtestCli(argv, {
    stdout: process.stdout,
    stderr: process.stderr,
    progress: process.stderr.isTTY === true,
  }),
);
