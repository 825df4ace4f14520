export * from './contracts';
export { createRunner } from './create-runner';
export { createBullmqRunner } from './bullmq-runner';
export { createInProcessRunner } from './in-process-runner';
export { createMemoryBus, createRedisBus, type EventBus, type LiveEvent } from './events';
export { createLogger, type Logger } from './log';
export { processors } from './processors';
export type { JobContext, JobRunner, Processor, Processors, QueueHealth, Services } from './runner';
export { createServices } from './services';
