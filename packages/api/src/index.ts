export type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
export type { BarsAnswer } from './bars-cache';
export { ensureAdmin } from './bootstrap';
export { conditionalGet } from './conditional-get';
export { createContext } from './context';
export { type AppRouter, appRouter, createCaller } from './root';
export { type Context, createContextInner } from './trpc';
