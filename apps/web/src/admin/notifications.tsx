import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ErrorState } from '../components/states';
import { formatUtc } from '../lib/format';
import { useTRPC } from '../trpc';

/**
 * The console's notification badge: the unread count, refreshed by the live feed the moment an alert
 * is raised (a pending approval, a failing job, stale data, a quarantined account, a loss limit hit),
 * and the newest alerts on demand.
 */
export function NotificationBadge() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const list = useQuery(trpc.admin.notifications.list.queryOptions({ limit: 30 }));
  const markRead = useMutation(
    trpc.admin.notifications.markRead.mutationOptions({
      onSettled: () => void queryClient.invalidateQueries(trpc.admin.notifications.list.pathFilter()),
    }),
  );
  const unread = list.data?.unread ?? 0;

  return (
    <div className="notifications">
      <button
        type="button"
        className="notification-button"
        aria-expanded={open}
        aria-controls="notification-list"
        onClick={() => setOpen(!open)}
        data-testid="notification-badge"
        data-unread={unread}
      >
        Alerts <span className={unread ? 'badge badge-alert' : 'badge'}>{unread}</span>
      </button>
      {open ? (
        <section id="notification-list" className="card notification-list" aria-label="Alerts">
          {list.error ? <ErrorState error={list.error} /> : null}
          {markRead.error ? <ErrorState error={markRead.error} /> : null}
          {list.data && list.data.items.length === 0 ? <p>No alerts.</p> : null}
          <ul>
            {list.data?.items.map((n) => (
              <li
                key={n.id}
                className={n.readAt ? 'notification' : 'notification unread'}
                data-testid="notification"
              >
                <strong>{n.title}</strong> <span className="badge">{n.severity}</span>
                <div>{n.body}</div>
                <small>{formatUtc(n.createdAt)}</small>
              </li>
            ))}
          </ul>
          {unread ? (
            <button type="button" onClick={() => markRead.mutate({})} disabled={markRead.isPending}>
              Mark all read
            </button>
          ) : null}
        </section>
      ) : null}
    </div>
  );
}
