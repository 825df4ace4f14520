import { type ErrorComponentProps, Link } from '@tanstack/react-router';
import type { ReactNode } from 'react';
import { errorMessage } from '../lib/errors';

/** A quiet placeholder while data loads; announced politely to screen readers. */
export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <p className="state state-loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      {label}
    </p>
  );
}

/** What an empty list says, instead of showing nothing. */
export function Empty({ children }: { children: ReactNode }) {
  return <p className="state state-empty">{children}</p>;
}

/** A failed load with its reason and, when given, a way to try again. */
export function ErrorState({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  return (
    <div className="state state-error" role="alert">
      <span>{errorMessage(error)}</span>
      {onRetry ? (
        <button type="button" className="btn btn-small" onClick={onRetry}>
          Retry
        </button>
      ) : null}
    </div>
  );
}

/**
 * Renders a query's three states: loading, error (with retry) and data. Data already on screen stays
 * when a background refetch fails. `isEmpty` picks the empty message over the data view.
 */
export function QueryView<T>({
  query,
  empty,
  isEmpty,
  loadingLabel,
  children,
}: {
  query: { data: T | undefined; error: unknown; isPending: boolean; refetch: () => unknown };
  empty?: ReactNode;
  isEmpty?: (data: T) => boolean;
  loadingLabel?: string;
  children: (data: T) => ReactNode;
}) {
  if (query.isPending) return <Loading {...(loadingLabel ? { label: loadingLabel } : {})} />;
  if (query.data === undefined) {
    return <ErrorState error={query.error} onRetry={() => void query.refetch()} />;
  }
  if (empty !== undefined && isEmpty?.(query.data)) return <Empty>{empty}</Empty>;
  return <>{children(query.data)}</>;
}

/** The router's fallback when a route's loader or component throws. */
export function RouteError({ error, reset }: ErrorComponentProps) {
  return (
    <main className="page page-narrow">
      <h1>Something went wrong</h1>
      <ErrorState error={error} onRetry={reset} />
    </main>
  );
}

/** Any path the app does not know. */
export function NotFound() {
  return (
    <main className="page page-narrow">
      <h1>Page not found</h1>
      <p>
        <Link to="/">Back to the dashboard</Link>
      </p>
    </main>
  );
}
