import type { Services } from '@tradehits/trading';
import { type Job, Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import {
  type JobName,
  jobAttempts,
  jobPayloads,
  jobQueue,
  QUEUES,
  SCHEDULES,
  type Schedule,
} from './contracts';
import { runProcessor } from './run-processor';
import type { JobRunner, Processors, QueueHealth } from './runner';

const lockDuration = 120_000; // a 5m ingest of every symbol can take a minute against a slow venue

/**
 * BullMQ on Redis. `consume: true` (the worker app) registers the schedules and runs the processors;
 * `consume: false` (the API server) only enqueues and reads queue health.
 */
export function createBullmqRunner(
  services: Services,
  processors: Processors,
  options: {
    redisUrl: string;
    consume: boolean;
    prefix?: string;
    schedules?: Schedule[];
    backoffMs?: number;
  },
): JobRunner {
  const connections: Redis[] = [];
  const connect = () => {
    const c = new Redis(options.redisUrl, { maxRetriesPerRequest: null });
    connections.push(c);
    return c;
  };
  const connection = connect();
  const prefix = options.prefix ?? 'tradehits';
  const queues = new Map(QUEUES.map((name) => [name, new Queue(name, { connection, prefix })]));
  const workers: Worker[] = [];
  const backoff = { type: 'exponential', delay: options.backoffMs ?? 5_000 };

  const jobOptions = (name: JobName) => ({
    attempts: jobAttempts[name],
    backoff,
    removeOnComplete: { count: 500 },
    removeOnFail: { count: 1000 },
  });

  return {
    kind: 'bullmq',
    async start() {
      if (!options.consume) return;
      for (const s of options.schedules ?? SCHEDULES) {
        await queues
          .get(jobQueue[s.name])!
          .upsertJobScheduler(
            s.id,
            { pattern: s.pattern, tz: s.tz },
            { name: s.name, data: s.data, opts: jobOptions(s.name) },
          );
      }
      for (const name of QUEUES) {
        const worker = new Worker(
          name,
          async (job: Job) => {
            const jobName = job.name as JobName;
            const payload = jobPayloads[jobName].parse(job.data);
            return runProcessor(services, processors, jobName, payload, job.attemptsMade + 1);
          },
          { connection: connect(), prefix, lockDuration, concurrency: 1 },
        );
        worker.on('error', (err) => services.log.error({ queue: name, err: err.message }, 'worker error'));
        workers.push(worker);
      }
    },
    async enqueue(name, data, jobId) {
      await queues.get(jobQueue[name])!.add(name, jobPayloads[name].parse(data), {
        ...jobOptions(name),
        ...(jobId ? { jobId } : {}),
      });
    },
    async health(): Promise<QueueHealth[]> {
      return Promise.all(
        [...queues].map(async ([name, queue]) => {
          const c = await queue.getJobCounts('waiting', 'active', 'delayed', 'completed', 'failed');
          const failed = await queue.getFailed(0, 19);
          return {
            name,
            waiting: c.waiting ?? 0,
            active: c.active ?? 0,
            delayed: c.delayed ?? 0,
            completed: c.completed ?? 0,
            failed: c.failed ?? 0,
            failedJobs: failed.map((j) => ({
              id: String(j.id),
              name: j.name,
              failedReason: j.failedReason,
              attemptsMade: j.attemptsMade,
              finishedOn: j.finishedOn ?? null,
            })),
          };
        }),
      );
    },
    async retry(queue, jobId) {
      const job = await queues.get(queue)?.getJob(jobId);
      if (!job || !(await job.isFailed())) return false;
      await job.retry();
      return true;
    },
    async close() {
      await Promise.all(workers.map((w) => w.close()));
      await Promise.all([...queues.values()].map((q) => q.close()));
      for (const c of connections) c.disconnect();
    },
  };
}
