import { QueryClientProvider } from '@tanstack/react-query';
import { RouterProvider } from '@tanstack/react-router';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createAppRouter } from './router';
import { createClient, createOptions, createQueryClient, TRPCProvider } from './trpc';
import './styles.css';

// A session that ends mid-use (expired, or revoked by an admin) sends the user back to the login page.
const queryClient = createQueryClient(() => {
  if (router.state.location.pathname === '/login') return;
  queryClient.clear();
  void router.navigate({ to: '/login', search: { redirect: router.state.location.href } });
});
const trpcClient = createClient();
const router = createAppRouter({ queryClient, trpc: createOptions(trpcClient, queryClient) });

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');

createRoot(root).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
        <RouterProvider router={router} />
      </TRPCProvider>
    </QueryClientProvider>
  </StrictMode>,
);
