import { accountsRouter } from './routers/accounts';
import { adminRouter } from './routers/admin';
import { authRouter } from './routers/auth';
import { backtestRouter } from './routers/backtest';
import { feedbackRouter } from './routers/feedback';
import { healthRouter } from './routers/health';
import { liveRouter } from './routers/live';
import { marketsRouter } from './routers/markets';
import { meRouter } from './routers/me';
import { researchRouter } from './routers/research';
import { sentimentRouter } from './routers/sentiment';
import { signalsRouter } from './routers/signals';
import { tradesRouter } from './routers/trades';
import { createCallerFactory, router } from './trpc';

/** Every procedure the platform offers, one router per domain. */
export const appRouter = router({
  auth: authRouter,
  me: meRouter,
  health: healthRouter,
  live: liveRouter,
  markets: marketsRouter,
  sentiment: sentimentRouter,
  signals: signalsRouter,
  trades: tradesRouter,
  accounts: accountsRouter,
  backtest: backtestRouter,
  research: researchRouter,
  feedback: feedbackRouter,
  admin: adminRouter,
});

export type AppRouter = typeof appRouter;

/** In-process caller for tests and scripts that already hold a context. */
export const createCaller = createCallerFactory(appRouter);
