import { parentPort } from 'node:worker_threads';
import { runBacktest } from '@tradehits/core/backtest';
import { isMarketOpen } from '@tradehits/core/calendar';
import type { BacktestParams } from '@tradehits/core/params';
import { type BacktestJob, unpackBars } from './backtest-pack';

/**
 * The backtest worker thread: for each job it receives packed bars and parameters, runs the same
 * backtester the CLI runs, and posts progress and then the result (or the error's message). It lives
 * as long as the server, so a run never pays for starting a thread.
 */
const port = parentPort;
if (!port) throw new Error('backtest-worker runs only as a worker thread');

port.on('message', (job: BacktestJob) => {
  try {
    const series = job.series.map((s) => ({
      symbol: s.symbol,
      assetType: s.assetType,
      bars: unpackBars(s.symbol, job.timeframe, s.columns),
    }));
    const result = runBacktest(series, {
      params: job.params as BacktestParams,
      isMarketOpen,
      onProgress: (done, total) => port.postMessage({ kind: 'progress', done, total }),
    });
    port.postMessage({ kind: 'result', result });
  } catch (err) {
    port.postMessage({ kind: 'error', message: (err as Error).message });
  }
});
