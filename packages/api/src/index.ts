export type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
export { ensureAdmin } from './bootstrap';
export { createContext } from './context';
export { type AppRouter, appRouter, createCaller } from './root';
export { type Context, createContextInner, type ProcedureTiming } from './trpc';
