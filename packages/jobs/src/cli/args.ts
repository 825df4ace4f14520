import { pathToFileURL } from 'node:url';
import { errorMessage } from '@tradehits/core/errors';
import { type BacktestParams, backtestParamsSchema } from '@tradehits/core/params';

/** A command-line mistake: printed with the usage, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** An ISO date or instant flag, as epoch milliseconds. */
export function isoInstant(flag: string, text: string): number {
  const t = Date.parse(text);
  if (!/^\d{4}-\d{2}-\d{2}/.test(text) || Number.isNaN(t)) {
    throw new UsageError(`${flag} must be an ISO date or instant, got ${JSON.stringify(text)}`);
  }
  return t;
}

/** A whole number flag within [min, max]. */
export function wholeNumber(flag: string, text: string, min: number, max: number): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < min || n > max) {
    throw new UsageError(`${flag} must be a whole number from ${min} to ${max}, got ${JSON.stringify(text)}`);
  }
  return n;
}

/**
 * Backtest parameters from `--params <json>` and `--timeframe`, validated by the same schema the API
 * uses; every refused field is named.
 */
export function backtestParamsFromFlags(
  params: string | undefined,
  timeframe: string | undefined,
): BacktestParams {
  let raw: unknown = {};
  if (params !== undefined) {
    try {
      raw = JSON.parse(params);
    } catch (error) {
      throw new UsageError(`--params is not valid JSON: ${(error as Error).message}`);
    }
    if (typeof raw !== 'object' || raw === null) throw new UsageError('--params must be a JSON object');
  }
  if (timeframe !== undefined) raw = { ...(raw as object), timeframe };
  const parsed = backtestParamsSchema.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.') || '(params)'}: ${i.message}`);
    throw new UsageError(`bad --params:\n${lines.join('\n')}`);
  }
  return parsed.data;
}

/**
 * Runs `cli` with the process's arguments when `moduleUrl` is the script node was started with: its
 * answer is the exit code, and an unexpected error is printed as `name: message` with exit code 1.
 */
export function runWhenMain(
  moduleUrl: string,
  name: string,
  cli: (argv: string[]) => Promise<number | undefined>,
) {
  if (!process.argv[1] || moduleUrl !== pathToFileURL(process.argv[1]).href) return;
  cli(process.argv.slice(2)).then(
    (code) => {
      if (code !== undefined) process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`${name}: ${errorMessage(error)}\n`);
      process.exitCode = 1;
    },
  );
}
