import { Worker } from 'node:worker_threads';
import type { BacktestSeries } from '@tradehits/core/backtest';
import {
  assembleReport,
  type CandidateScore,
  finishFold,
  foldCandidates,
  spanOf,
  type WalkForwardConfig,
  type WalkForwardReport,
  walkForwardFolds,
} from '@tradehits/core/optimize';
import type { BacktestParams } from '@tradehits/core/params';
import type { ScoreTask, WorkerSetup } from './optimize-worker';

/**
 * The walk-forward optimiser spread over worker threads: each fold's candidates are cut into chunks
 * scored in parallel (every worker holds the bars once), then each fold's choice runs on its test
 * window here. The pure steps are core's, so the result equals `walkForward` in one thread.
 */
export async function walkForwardParallel(
  series: BacktestSeries[],
  base: BacktestParams,
  config: WalkForwardConfig,
  options: { workers: number; onProgress?: (done: number, total: number) => void },
): Promise<WalkForwardReport> {
  const { from, to } = spanOf(series);
  const folds = walkForwardFolds(from, to, config);
  const setup: WorkerSetup = { series, base, config };
  const count = Math.max(1, options.workers);
  const workers = Array.from({ length: count }, () => spawn(setup));
  try {
    const perFold = folds.map((fold) => foldCandidates(base, fold, config));
    // Chunks small enough to keep every worker busy to the end.
    const tasks: ScoreTask[] = [];
    for (const [f, candidates] of perFold.entries()) {
      const size = Math.max(1, Math.ceil(candidates.length / (count * 2)));
      for (let first = 0; first < candidates.length; first += size) {
        tasks.push({
          id: tasks.length,
          fold: folds[f]!,
          candidates: candidates.slice(first, first + size),
          first,
        });
      }
    }
    const scores = folds.map(() => [] as CandidateScore[]);
    let next = 0;
    let done = 0;
    await Promise.all(
      workers.map(async (worker) => {
        while (next < tasks.length) {
          const task = tasks[next++]!;
          const result = await run(worker, task);
          scores[task.fold.index]!.push(...result);
          options.onProgress?.(++done, tasks.length);
        }
      }),
    );
    const finished = folds.map((fold, f) => {
      const sorted = scores[f]!.sort((a, b) => a.candidate - b.candidate);
      return finishFold(series, fold, base, perFold[f]!, sorted);
    });
    return assembleReport({ series, config, base, finished });
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

function spawn(setup: WorkerSetup): Worker {
  // The worker is TypeScript: a small bootstrap registers tsx in the thread first (loader flags are
  // not inherited by worker threads on Node 20).
  const tsx = import.meta.resolve('tsx/esm/api');
  const entry = new URL('./optimize-worker.ts', import.meta.url).href;
  const bootstrap = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(bootstrap, { eval: true, workerData: setup });
}

function run(worker: Worker, task: ScoreTask): Promise<CandidateScore[]> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: { id: number; scores?: CandidateScore[]; error?: string }) => {
      if (m.id !== task.id) return;
      cleanup();
      if (m.error !== undefined) reject(new Error(`optimiser worker: ${m.error}`));
      else resolve(m.scores!);
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    const cleanup = () => {
      worker.off('message', onMessage);
      worker.off('error', onError);
    };
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.postMessage(task);
  });
}
