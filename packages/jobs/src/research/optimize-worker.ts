import { parentPort, workerData } from 'node:worker_threads';
import type { BacktestSeries } from '@tradehits/core/backtest';
import { type Candidate, type Fold, scoreFold, type WalkForwardConfig } from '@tradehits/core/optimize';
import type { BacktestParams } from '@tradehits/core/params';

/** A worker of the optimiser's pool: scores chunks of candidates on a fold's train window. */

export interface WorkerSetup {
  series: BacktestSeries[];
  base: BacktestParams;
  config: WalkForwardConfig;
}

export interface ScoreTask {
  id: number;
  fold: Fold;
  candidates: Candidate[];
  first: number;
}

const { series, base, config } = workerData as WorkerSetup;
parentPort!.on('message', (task: ScoreTask) => {
  try {
    const scores = scoreFold(series, task.fold, base, task.candidates, config, task.first);
    parentPort!.postMessage({ id: task.id, scores });
  } catch (error) {
    parentPort!.postMessage({ id: task.id, error: (error as Error).stack ?? String(error) });
  }
});
