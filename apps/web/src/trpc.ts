import { QueryCache, QueryClient } from '@tanstack/react-query';
import type { AppRouter } from '@tradehits/api';
import {
  createTRPCClient,
  httpBatchLink,
  httpLink,
  httpSubscriptionLink,
  splitLink,
  type TRPCClient,
} from '@trpc/client';
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import { createTRPCContext, createTRPCOptionsProxy } from '@trpc/tanstack-react-query';
import superjson from 'superjson';

/** Every procedure's output, by path: `RouterOutputs['trades']['active']`. */
export type RouterOutputs = inferRouterOutputs<AppRouter>;
/** Every procedure's input, by path. */
export type RouterInputs = inferRouterInputs<AppRouter>;

/** React bindings: `TRPCProvider` at the root, `useTRPC()` in components. */
export const { TRPCProvider, useTRPC, useTRPCClient } = createTRPCContext<AppRouter>();

/** The options proxy outside React (route loaders), over the same client and cache as `useTRPC()`. */
export type TrpcOptions = ReturnType<typeof createTRPCOptionsProxy<AppRouter>>;

const API_PATH = '/trpc';

/**
 * A query cache tuned for a live dashboard: live events invalidate, so refetch-on-focus is not needed.
 * A query refused as UNAUTHORIZED (the session expired or was revoked) calls `onSignedOut` once.
 */
export function createQueryClient(onSignedOut: () => void = () => undefined): QueryClient {
  return new QueryClient({
    queryCache: new QueryCache({
      onError: (error) => {
        if (errorCode(error) === 'UNAUTHORIZED') onSignedOut();
      },
    }),
    defaultOptions: {
      queries: {
        staleTime: 15_000,
        refetchOnWindowFocus: false,
        retry: (failureCount, error) => failureCount < 2 && !isClientFault(error),
      },
    },
  });
}

/**
 * The typed client: subscriptions over SSE (the browser's EventSource reconnects), the rest batched.
 * superjson as on the server, so dates arrive as Dates and cursors go back as they came. Bars go alone,
 * one request per chart, so each answer has its own URL and ETag and the browser's cache revalidates it.
 */
export function createClient(): TRPCClient<AppRouter> {
  return createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === 'subscription',
        true: httpSubscriptionLink({ url: API_PATH, transformer: superjson }),
        false: splitLink({
          condition: (op) => op.path === 'markets.bars',
          true: httpLink({ url: API_PATH, transformer: superjson }),
          false: httpBatchLink({ url: API_PATH, transformer: superjson }),
        }),
      }),
    ],
  });
}

/** Options proxy for loaders, bound to the same client and cache the provider uses. */
export function createOptions(client: TRPCClient<AppRouter>, queryClient: QueryClient): TrpcOptions {
  return createTRPCOptionsProxy<AppRouter>({ client, queryClient });
}

function errorCode(error: unknown): string | undefined {
  return (error as { data?: { code?: string } } | null)?.data?.code;
}

// A 4xx is an answer, not an outage: retrying UNAUTHORIZED or a zod error only delays the message.
function isClientFault(error: unknown): boolean {
  const status = (error as { data?: { httpStatus?: number } } | null)?.data?.httpStatus;
  return typeof status === 'number' && status >= 400 && status < 500;
}
