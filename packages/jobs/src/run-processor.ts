import { randomUUID } from 'node:crypto';
import { errorMessage } from '@tradehits/core/errors';
import { recordJobRuns } from '@tradehits/db';
import type { Services } from '@tradehits/trading';
import type { JobName, JobPayload } from './contracts';
import type { JobContext, Processors } from './runner';

/**
 * Runs one job body and records the run (job, duration, outcome) for the admin console. Both runners
 * call this, so a job behaves the same on Redis and in process.
 */
export async function runProcessor<N extends JobName>(
  services: Services,
  processors: Processors,
  name: N,
  payload: JobPayload<N>,
  attempt: number,
  enqueue: JobContext['enqueue'],
): Promise<unknown> {
  const startedAt = services.now();
  const t0 = performance.now();
  // Every line a job logs carries its name, run id and attempt, as a request's carry its request id.
  const log = services.log.child({ job: name, runId: randomUUID(), attempt });
  const scoped: Services = { ...services, log };
  const processor = processors[name] as (
    p: JobPayload<N>,
    ctx: Parameters<Processors[N]>[1],
  ) => Promise<unknown>;
  try {
    const detail = await processor(payload, { services: scoped, now: startedAt, attempt, enqueue });
    // A processor that declined to run (a stock job outside the session) says why in `skipped`.
    const skipped = typeof detail === 'object' && detail !== null && 'skipped' in detail;
    log.info(
      { status: skipped ? 'skipped' : 'ok', durationMs: Math.round(performance.now() - t0) },
      'job done',
    );
    await recordJobRuns(services.db, [
      {
        job: name,
        status: skipped ? 'skipped' : 'ok',
        durationMs: performance.now() - t0,
        detail: { payload, ...(detail as object) },
        startedAt,
      },
    ]);
    return detail;
  } catch (err) {
    const message = errorMessage(err);
    log.warn({ err: message, durationMs: Math.round(performance.now() - t0) }, 'job failed');
    await recordJobRuns(services.db, [
      {
        job: name,
        status: 'failed',
        durationMs: performance.now() - t0,
        error: message,
        detail: { payload, attempt },
        startedAt,
      },
    ]).catch(() => undefined);
    throw err;
  }
}
