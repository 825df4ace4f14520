export type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
export { ensureAdmin } from './bootstrap';
export { createContext } from './context';
export { describeFailure, errorIdOf } from './errors';
export { type AppRouter, appRouter, createCaller } from './root';
export { checkHealth, type HealthReport } from './routers/health';
export { type Context, createContextInner } from './trpc';
