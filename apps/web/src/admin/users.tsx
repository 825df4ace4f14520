import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { DataTable } from '../components/data-table';
import { ErrorState, QueryView } from '../components/states';
import { formatUsd, formatUtc } from '../lib/format';
import { useTRPC } from '../trpc';
import { AdminSection } from './section';

const ROLES = ['user', 'beta_user', 'admin'] as const;
type Role = (typeof ROLES)[number];

/** A role change or (de)activation waiting for the admin to confirm it. */
interface PendingChange {
  id: string;
  question: string;
  change: { role: Role } | { active: boolean };
}

/** Every account: role, active flag, balances, and a per-user trading pause. */
export function UsersPanel() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const users = useQuery(trpc.admin.users.list.queryOptions());
  const safety = useQuery(trpc.admin.safety.get.queryOptions());
  const refresh = () => {
    void queryClient.invalidateQueries(trpc.admin.users.list.pathFilter());
    void queryClient.invalidateQueries(trpc.admin.safety.get.pathFilter());
    void queryClient.invalidateQueries(trpc.admin.audit.list.pathFilter());
  };
  const update = useMutation(trpc.admin.users.update.mutationOptions({ onSettled: refresh }));
  const pause = useMutation(trpc.admin.safety.pauseUser.mutationOptions({ onSettled: refresh }));
  const paused = new Set((safety.data?.pausedUsers ?? []).map((p) => p.id));
  // Role changes and deactivations take effect on the user's next request: ask before applying them.
  const [pending, setPending] = useState<PendingChange | null>(null);

  return (
    <AdminSection id="users" title="Users" testId="admin-users">
      {update.error ? <ErrorState error={update.error} /> : null}
      {pause.error ? <ErrorState error={pause.error} /> : null}
      {pending ? (
        <div
          className="confirm-bar"
          role="alertdialog"
          aria-label="Confirm change"
          data-testid="confirm-change"
        >
          <span>{pending.question}</span>
          <button
            type="button"
            className="btn btn-small btn-warn"
            onClick={() => {
              update.mutate({ id: pending.id, ...pending.change });
              setPending(null);
            }}
          >
            Confirm
          </button>
          <button type="button" className="btn btn-small" onClick={() => setPending(null)}>
            Cancel
          </button>
        </div>
      ) : null}
      <QueryView query={users} isEmpty={(d) => d.length === 0} empty="No users.">
        {(list) => (
          <DataTable
            rows={list}
            rowKey={(u) => u.id}
            columns={[
              {
                label: 'User',
                rowHeader: true,
                cell: (u) => (
                  <>
                    {u.username}
                    <div className="muted small">{u.email}</div>
                  </>
                ),
              },
              {
                label: 'Role',
                cell: (u) => (
                  <>
                    <label className="sr-only" htmlFor={`role-${u.id}`}>
                      Role of {u.username}
                    </label>
                    <select
                      id={`role-${u.id}`}
                      value={u.role}
                      disabled={update.isPending}
                      onChange={(e) => {
                        const role = e.target.value as Role;
                        setPending({
                          id: u.id,
                          question: `Change ${u.username}'s role from ${u.role.replace('_', ' ')} to ${role.replace('_', ' ')}?`,
                          change: { role },
                        });
                      }}
                    >
                      {ROLES.map((r) => (
                        <option key={r} value={r}>
                          {r.replace('_', ' ')}
                        </option>
                      ))}
                    </select>
                  </>
                ),
              },
              {
                label: 'Active',
                cell: (u) => (
                  <label className="inline-check">
                    <input
                      type="checkbox"
                      checked={u.active}
                      disabled={update.isPending}
                      onChange={(e) => {
                        const active = e.target.checked;
                        setPending({
                          id: u.id,
                          question: active
                            ? `Reactivate ${u.username}?`
                            : `Deactivate ${u.username}? They are signed out and cannot log in.`,
                          change: { active },
                        });
                      }}
                    />
                    <span className="sr-only">{u.username} is </span>active
                  </label>
                ),
              },
              {
                label: 'Trading',
                cell: (u) => (
                  <button
                    type="button"
                    className={paused.has(u.id) ? 'btn btn-small btn-warn' : 'btn btn-small'}
                    aria-pressed={paused.has(u.id)}
                    disabled={pause.isPending}
                    onClick={() => pause.mutate({ userId: u.id, paused: !paused.has(u.id) })}
                  >
                    {paused.has(u.id) ? `Resume ${u.username}` : `Pause ${u.username}`}
                  </button>
                ),
              },
              { label: 'Crypto', className: 'num', cell: (u) => formatUsd(u.cryptoBalance) },
              { label: 'Stocks', className: 'num', cell: (u) => formatUsd(u.stockBalance) },
              { label: 'Last login', cellClassName: 'small', cell: (u) => formatUtc(u.lastLoginAt) },
            ]}
          />
        )}
      </QueryView>
    </AdminSection>
  );
}
