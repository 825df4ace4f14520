import { authRouter } from './routers/auth';
import { feedbackRouter } from './routers/feedback';
import { healthRouter } from './routers/health';
import { liveRouter } from './routers/live';
import { meRouter } from './routers/me';
import { createCallerFactory, router } from './trpc';

/** Every procedure the platform offers, one router per domain. */
export const appRouter = router({
  auth: authRouter,
  me: meRouter,
  health: healthRouter,
  live: liveRouter,
  feedback: feedbackRouter,
});

export type AppRouter = typeof appRouter;

/** In-process caller for tests and scripts that already hold a context. */
export const createCaller = createCallerFactory(appRouter);
