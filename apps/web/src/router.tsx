import type { QueryClient } from '@tanstack/react-query';
import {
  createRootRouteWithContext,
  createRoute,
  createRouter,
  lazyRouteComponent,
  Outlet,
  redirect,
  type SearchSchemaInput,
} from '@tanstack/react-router';
import { z } from 'zod';
import { AppShell } from './components/app-shell';
import { NotFound, RouteError } from './components/states';
import { type DashboardSearchInput, parseDashboardSearch } from './lib/search';
import { FeedbackPage } from './routes/feedback';
import { LoginPage } from './routes/login';
import { RegisterPage } from './routes/register';
import { SettingsPage } from './routes/settings';
import type { TrpcOptions } from './trpc';

/** What every route's loader and beforeLoad can reach. */
export interface RouterContext {
  queryClient: QueryClient;
  trpc: TrpcOptions;
}

const rootRoute = createRootRouteWithContext<RouterContext>()({
  component: Outlet,
  notFoundComponent: NotFound,
  errorComponent: RouteError,
});

// Only same-app paths may be a post-login target, so a crafted link cannot send the user off-site.
const authSearch = z.object({
  redirect: z
    .string()
    .regex(/^\/(?!\/)/)
    .optional()
    .catch(undefined),
});

async function currentUser(context: RouterContext) {
  return context.queryClient.ensureQueryData(context.trpc.auth.me.queryOptions());
}

const loginRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/login',
  validateSearch: authSearch,
  beforeLoad: async ({ context, search }) => {
    if (await currentUser(context)) throw redirect({ to: search.redirect ?? '/' });
  },
  component: LoginPage,
});

const registerRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/register',
  beforeLoad: async ({ context }) => {
    if (await currentUser(context)) throw redirect({ to: '/' });
  },
  component: RegisterPage,
});

/** Everything behind the login: the shell with navigation and the live-event stream. */
const appRoute = createRoute({
  getParentRoute: () => rootRoute,
  id: 'app',
  beforeLoad: async ({ context, location }) => {
    const user = await currentUser(context);
    if (!user) throw redirect({ to: '/login', search: { redirect: location.href } });
    return { user };
  },
  component: AppShell,
});

const dashboardRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/',
  // Tagged as the input type, so links may leave out any parameter and get its default.
  validateSearch: (raw: DashboardSearchInput & SearchSchemaInput) => parseDashboardSearch(raw),
  loaderDeps: ({ search }) => ({ tab: search.tab }),
  // Start the symbol list while the chart chunk downloads; the page reads the same query.
  loader: ({ context, deps }) => {
    void context.queryClient.prefetchQuery(
      context.trpc.markets.symbols.queryOptions({ assetType: deps.tab }),
    );
  },
  component: lazyRouteComponent(() => import('./routes/dashboard'), 'DashboardPage'),
});

const settingsRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/settings',
  loader: ({ context }) => {
    void context.queryClient.prefetchQuery(context.trpc.me.parameters.list.queryOptions());
  },
  component: SettingsPage,
});

const backtestRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/backtest',
  component: lazyRouteComponent(() => import('./routes/backtest'), 'BacktestPage'),
});

const studyRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/study',
  component: lazyRouteComponent(() => import('./routes/study'), 'StudyPage'),
});

const feedbackRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/feedback',
  component: FeedbackPage,
});

const adminRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/admin',
  component: lazyRouteComponent(() => import('./routes/admin'), 'AdminPage'),
});

const routeTree = rootRoute.addChildren([
  loginRoute,
  registerRoute,
  appRoute.addChildren([dashboardRoute, settingsRoute, backtestRoute, studyRoute, feedbackRoute, adminRoute]),
]);

/** The app's router over the given query cache and tRPC options. */
export function createAppRouter(context: RouterContext) {
  return createRouter({
    routeTree,
    context,
    defaultPreload: 'intent',
    // Loaders only warm the query cache; React Query decides freshness.
    defaultPreloadStaleTime: 0,
    scrollRestoration: true,
  });
}

declare module '@tanstack/react-router' {
  interface Register {
    router: ReturnType<typeof createAppRouter>;
  }
}
