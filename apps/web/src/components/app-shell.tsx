import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, Outlet, useNavigate } from '@tanstack/react-router';
import { useTRPC } from '../trpc';
import { type LiveStatus, useLiveEvents } from './live-events';

const LIVE_LABEL: Record<LiveStatus, string> = {
  live: 'Live',
  connecting: 'Connecting…',
  offline: 'Offline — retrying',
};

/** The signed-in frame: navigation, live-stream status, the signed-in user and the page. */
export function AppShell() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const me = useQuery(trpc.auth.me.queryOptions());
  const live = useLiveEvents();
  const logout = useMutation(
    trpc.auth.logout.mutationOptions({
      onSettled: async () => {
        queryClient.clear();
        await navigate({ to: '/login' });
      },
    }),
  );

  const user = me.data;
  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <Link to="/" className="brand" aria-label="TradeHits dashboard">
          Trade<span>Hits</span>
        </Link>
        <nav aria-label="Main" className="nav">
          <Link to="/" activeOptions={{ exact: true, includeSearch: false }}>
            Dashboard
          </Link>
          <Link to="/settings">Settings</Link>
          <Link to="/backtest">Backtest</Link>
          <Link to="/study">Study</Link>
          <Link to="/feedback">Feedback</Link>
          {user?.role === 'admin' ? (
            <Link to="/admin" data-testid="nav-admin">
              Admin
            </Link>
          ) : null}
        </nav>
        <div className="topbar-end">
          <output className={`live-pill live-${live}`} data-testid="live-status" aria-live="polite">
            <span className="dot" aria-hidden="true" />
            {LIVE_LABEL[live]}
          </output>
          {user ? (
            <span className="who" title={user.email}>
              {user.fullName || user.username}
              {user.role !== 'user' ? <span className="role-tag">{user.role.replace('_', ' ')}</span> : null}
            </span>
          ) : null}
          <button
            type="button"
            className="btn btn-ghost btn-small"
            onClick={() => logout.mutate()}
            disabled={logout.isPending}
          >
            Log out
          </button>
        </div>
      </header>
      <main id="main" className="page" tabIndex={-1}>
        <Outlet />
      </main>
    </div>
  );
}
