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
// An enqueue or a queue read answers within this or fails: an admin's click never hangs on a dead Redis.
const COMMAND_TIMEOUT_MS = 3000;
// How often a consuming runner checks its schedules are still in Redis (a flush or an empty restart
// loses them, and nothing else would bring them back before the next deploy).
const SCHEDULE_CHECK_MS = 60_000;

/** Rejects when `op` takes longer than `ms`, naming what timed out. */
async function within<T>(ms: number, what: string, op: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Redis did not answer ${what} within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([op, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

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
    /** How often to check the schedules are still registered (tests use a short period). */
    scheduleCheckMs?: number;
    commandTimeoutMs?: number;
  },
): JobRunner {
  const connections: Redis[] = [];
  const connect = () => {
    const c = new Redis(options.redisUrl, { maxRetriesPerRequest: null });
    connections.push(c);
    return c;
  };
  // Producer side: no offline queue, so while Redis is away a command fails at once instead of waiting
  // (and then running late, e.g. an admin's enqueue minutes after they gave up on it).
  const connection = new Redis(options.redisUrl, {
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    connectTimeout: 5000,
  });
  connection.on('error', () => undefined); // reconnects by itself; ping() and the calls report the outage
  connections.push(connection);
  const prefix = options.prefix ?? 'tradehits';
  const timeoutMs = options.commandTimeoutMs ?? COMMAND_TIMEOUT_MS;
  const queues = new Map(QUEUES.map((name) => [name, new Queue(name, { connection, prefix })]));
  const schedules = options.schedules ?? SCHEDULES;
  /** Resolves once the producer connection is up (at start, or back after an outage). */
  const connected = () =>
    connection.status === 'ready'
      ? Promise.resolve()
      : new Promise<void>((resolve) => connection.once('ready', () => resolve()));
  let scheduleTimer: NodeJS.Timeout | undefined;
  let closed = false;
  const workers: Worker[] = [];
  const backoff = { type: 'exponential', delay: options.backoffMs ?? 5_000 };

  const jobOptions = (name: JobName) => ({
    attempts: jobAttempts[name],
    backoff,
    removeOnComplete: { count: 500 },
    removeOnFail: { count: 1000 },
  });

  const upsert = (s: Schedule) =>
    queues
      .get(jobQueue[s.name])!
      .upsertJobScheduler(
        s.id,
        { pattern: s.pattern, tz: s.tz },
        { name: s.name, data: s.data, opts: jobOptions(s.name) },
      );

  /** Re-registers every schedule Redis no longer has; returns how many came back. */
  async function restoreSchedules(): Promise<number> {
    let restored = 0;
    for (const s of schedules) {
      const queue = queues.get(jobQueue[s.name])!;
      if (await queue.getJobScheduler(s.id)) continue;
      await upsert(s);
      restored++;
    }
    return restored;
  }

  function watchSchedules() {
    const check = async () => {
      try {
        const restored = await within(timeoutMs * 3, 'the schedule check', restoreSchedules());
        if (restored) services.log.warn({ restored }, 'job schedules were missing from Redis; restored');
      } catch (err) {
        services.log.warn({ err: (err as Error).message }, 'could not check the job schedules');
      }
    };
    const loop = () => {
      if (closed) return;
      scheduleTimer = setTimeout(
        () => void check().finally(loop),
        options.scheduleCheckMs ?? SCHEDULE_CHECK_MS,
      );
    };
    loop();
    // A Redis that restarts empty comes back through a reconnect: check at once rather than at the next tick.
    let first = true;
    connection.on('ready', () => {
      if (first) first = false;
      else void check();
    });
  }

  const runner: JobRunner = {
    kind: 'bullmq',
    async start() {
      if (!options.consume) return;
      // Schedulers live in Redis across deploys: one dropped from the list (the engine tick's old cron,
      // now triggered by ingestion) would otherwise keep firing.
      const wanted = new Set(schedules.map((s) => s.id));
      for (const queue of queues.values()) {
        for (const s of await queue.getJobSchedulers(0, -1)) {
          if (!wanted.has(s.key)) await queue.removeJobScheduler(s.key);
        }
      }
      for (const s of schedules) await upsert(s);
      watchSchedules();
      for (const name of QUEUES) {
        const worker = new Worker(
          name,
          async (job: Job) => {
            const jobName = job.name as JobName;
            const payload = jobPayloads[jobName].parse(job.data);
            return runProcessor(services, processors, jobName, payload, job.attemptsMade + 1, runner.enqueue);
          },
          // Orders of different users wait on different venues and accounts: a slow one holds up no other.
          { connection: connect(), prefix, lockDuration, concurrency: name === 'orders' ? 4 : 1 },
        );
        worker.on('error', (err) => services.log.error({ queue: name, err: err.message }, 'worker error'));
        workers.push(worker);
      }
    },
    async enqueue(name, data, jobId) {
      const payload = jobPayloads[name].parse(data);
      await within(
        timeoutMs,
        `enqueueing ${name}`,
        connected().then(() =>
          queues
            .get(jobQueue[name])!
            .add(name, payload, { ...jobOptions(name), ...(jobId ? { jobId } : {}) }),
        ),
      );
    },
    async ping() {
      await within(
        timeoutMs,
        'a ping',
        connected().then(() => connection.ping()),
      );
    },
    async health(): Promise<QueueHealth[]> {
      return within(timeoutMs, 'the queue counts', connected().then(readHealth));
    },
    async retry(queue, jobId) {
      return within(
        timeoutMs,
        'a retry',
        connected().then(() => retryJob(queue, jobId)),
      );
    },
    async close() {
      closed = true;
      clearTimeout(scheduleTimer);
      await Promise.all(workers.map((w) => w.close()));
      await Promise.all([...queues.values()].map((q) => q.close()));
      for (const c of connections) c.disconnect();
    },
  };
  return runner;

  async function readHealth(): Promise<QueueHealth[]> {
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
  }

  async function retryJob(queue: string, jobId: string) {
    const job = await queues.get(queue)?.getJob(jobId);
    if (!job || !(await job.isFailed())) return false;
    await job.retry();
    return true;
  }
}
