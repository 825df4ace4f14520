export type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
export type { BarsAnswer } from './bars-cache';
export { ensureAdmin } from './bootstrap';
export { conditionalGet } from './conditional-get';
export { createContext } from './context';
export { describeFailure, errorIdOf } from './errors';
export { type AppRouter, appRouter, createCaller } from './root';
export { checkHealth, type HealthReport } from './routers/health';
export { type Context, createContextInner, type ProcedureTiming } from './trpc';
