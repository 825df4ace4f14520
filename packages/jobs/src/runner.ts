import type { Services } from '@tradehits/trading';
import type { JobName, JobPayload } from './contracts';

export interface JobContext {
  services: Services;
  now: Date;
  attempt: number;
}

/** A job's body: validated payload in, a small summary out (stored as the run's detail). */
export type Processor<N extends JobName> = (payload: JobPayload<N>, ctx: JobContext) => Promise<unknown>;
export type Processors = { [N in JobName]: Processor<N> };

export interface QueueHealth {
  name: string;
  waiting: number;
  active: number;
  delayed: number;
  completed: number;
  failed: number;
  failedJobs: {
    id: string;
    name: string;
    failedReason: string;
    attemptsMade: number;
    finishedOn: number | null;
  }[];
}

/** The two runners (BullMQ on Redis, in process) share this face, so callers never ask which one runs. */
export interface JobRunner {
  readonly kind: 'bullmq' | 'in-process';
  /** Registers the schedules and starts consuming. */
  start(): Promise<void>;
  /** Runs a job now (deduplicated by `jobId` when given). */
  enqueue<N extends JobName>(name: N, data: JobPayload<N>, jobId?: string): Promise<void>;
  health(): Promise<QueueHealth[]>;
  retry(queue: string, jobId: string): Promise<boolean>;
  close(): Promise<void>;
}
