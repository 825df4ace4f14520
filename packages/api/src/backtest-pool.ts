import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { BacktestResult } from '@tradehits/core/backtest';
import type { BacktestParams } from '@tradehits/core/params';
import type { AssetType, Bar, Timeframe } from '@tradehits/core/types';
import { type BacktestJob, type BacktestMessage, packBars } from './backtest-pack';

/** The backtester refused its input (unsorted bars, a stock without calendar data): the caller's fault. */
export class BacktestInputError extends Error {
  override name = 'BacktestInputError';
}

const WORKER_URL = new URL('./backtest-worker.mjs', import.meta.url);
// Backtests share the machine with the server and the jobs: at most one thread per spare core.
const MAX_RUNNING = Math.max(1, Math.min(2, availableParallelism() - 1));

/** Idle worker threads, kept for the next run: starting a thread costs the event loop a pause. */
const idle: Worker[] = [];
let running = 0;
const waiting: (() => void)[] = [];

async function slot(): Promise<() => void> {
  if (running >= MAX_RUNNING) await new Promise<void>((resolve) => waiting.push(resolve));
  running++;
  return () => {
    running--;
    waiting.shift()?.();
  };
}

function startWorker(): Worker {
  const worker = new Worker(WORKER_URL);
  // An idle thread must not keep a finishing process (a CLI, a test run) alive.
  worker.unref();
  return worker;
}

/**
 * Runs a backtest on a worker thread, so the API's event loop keeps answering while it computes.
 * Bars cross packed in transferred buffers (no copy); progress arrives through `onProgress`. Rejects
 * with the backtester's own message on bad input. Runs beyond the thread limit wait their turn.
 */
export async function runBacktestOffThread(
  series: readonly { symbol: string; assetType: AssetType; bars: readonly Bar[] }[],
  params: BacktestParams,
  onProgress: (done: number, total: number) => void = () => undefined,
): Promise<BacktestResult> {
  const release = await slot();
  const worker = idle.pop() ?? startWorker();
  let healthy = true;
  try {
    const job: BacktestJob = {
      timeframe: params.timeframe as Timeframe,
      params,
      series: series.map((s) => ({ symbol: s.symbol, assetType: s.assetType, columns: packBars(s.bars) })),
    };
    return await new Promise<BacktestResult>((resolve, reject) => {
      const onMessage = (message: BacktestMessage<BacktestResult>) => {
        if (message.kind === 'progress') return onProgress(message.done, message.total);
        done();
        if (message.kind === 'result') resolve(message.result);
        else reject(new BacktestInputError(message.message));
      };
      const onError = (err: Error) => {
        healthy = false;
        done();
        reject(err);
      };
      const onExit = (code: number) => onError(new Error(`backtest worker exited with code ${code}`));
      const done = () => {
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
      };
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.on('exit', onExit);
      worker.postMessage(
        job,
        job.series.map((s) => s.columns.buffer as ArrayBuffer),
      );
    });
  } finally {
    if (healthy) idle.push(worker);
    else void worker.terminate();
    release();
  }
}
