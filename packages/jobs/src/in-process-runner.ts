import { errorMessage } from '@tradehits/core/errors';
import type { Services } from '@tradehits/trading';
import parser from 'cron-parser';
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

interface FailedJob {
  id: string;
  name: JobName;
  data: unknown;
  failedReason: string;
  attemptsMade: number;
  finishedOn: number;
}

const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * The embedded runner: the same processors on the same cron schedules, in this process, with the
 * same retry counts. A schedule never overlaps itself: a run still going when the next is due skips it.
 */
export function createInProcessRunner(
  services: Services,
  processors: Processors,
  options: { schedules?: Schedule[]; backoffMs?: number } = {},
): JobRunner {
  const schedules = options.schedules ?? SCHEDULES;
  const backoffMs = options.backoffMs ?? 2_000;
  const timers = new Set<NodeJS.Timeout>();
  const running = new Set<string>();
  const failed = new Map<string, FailedJob>();
  const counts = new Map(QUEUES.map((q) => [q, { active: 0, completed: 0, waiting: 0 }]));
  let stopped = false;
  let seq = 0;

  async function execute(name: JobName, data: unknown, id: string) {
    const queue = jobQueue[name];
    const c = counts.get(queue)!;
    const payload = jobPayloads[name].parse(data);
    const attempts = jobAttempts[name];
    c.active++;
    try {
      for (let attempt = 1; ; attempt++) {
        try {
          await runProcessor(services, processors, name, payload, attempt);
          c.completed++;
          failed.delete(id);
          return;
        } catch (err) {
          if (attempt >= attempts || stopped) {
            failed.set(id, {
              id,
              name,
              data,
              failedReason: errorMessage(err),
              attemptsMade: attempt,
              finishedOn: Date.now(),
            });
            return;
          }
          await new Promise((r) => setTimeout(r, backoffMs * 2 ** (attempt - 1)));
        }
      }
    } finally {
      c.active--;
    }
  }

  function arm(s: Schedule) {
    if (stopped) return;
    const next = parser
      .parseExpression(s.pattern, { tz: s.tz, currentDate: services.now() })
      .next()
      .getTime();
    const delay = Math.min(Math.max(next - services.now().getTime(), 0), MAX_TIMER_MS);
    const timer = setTimeout(() => {
      timers.delete(timer);
      if (services.now().getTime() + 5 >= next && !running.has(s.id)) {
        running.add(s.id);
        void execute(s.name, s.data, `${s.id}:${next}`).finally(() => running.delete(s.id));
      }
      arm(s);
    }, delay);
    timer.unref();
    timers.add(timer);
  }

  return {
    kind: 'in-process',
    async start() {
      for (const s of schedules) arm(s);
    },
    /** Starts the job and returns, as adding to a queue does; a job id already running is not started twice. */
    async enqueue(name, data, jobId) {
      const id = jobId ?? `${name}:${Date.now()}:${seq++}`;
      if (running.has(id)) return;
      jobPayloads[name].parse(data);
      running.add(id);
      void execute(name, data, id).finally(() => running.delete(id));
    },
    async health(): Promise<QueueHealth[]> {
      return QUEUES.map((name) => {
        const c = counts.get(name)!;
        const failedJobs = [...failed.values()]
          .filter((f) => jobQueue[f.name] === name)
          .map((f) => ({
            id: f.id,
            name: f.name,
            failedReason: f.failedReason,
            attemptsMade: f.attemptsMade,
            finishedOn: f.finishedOn,
          }));
        return {
          name,
          waiting: 0,
          delayed: 0,
          active: c.active,
          completed: c.completed,
          failed: failedJobs.length,
          failedJobs,
        };
      });
    },
    async retry(queue, jobId) {
      const f = failed.get(jobId);
      if (!f || jobQueue[f.name] !== queue) return false;
      failed.delete(jobId);
      void execute(f.name, f.data, jobId);
      return true;
    },
    async close() {
      stopped = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
    },
  };
}
