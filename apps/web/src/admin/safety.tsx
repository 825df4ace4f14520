import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ErrorState, QueryView } from '../components/states';
import { useTRPC } from '../trpc';
import { AdminSection } from './section';

/** The global kill switch and who is paused; stopping everything asks for confirmation first. */
export function SafetyPanel() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const safety = useQuery(trpc.admin.safety.get.queryOptions());
  const setKill = useMutation(
    trpc.admin.safety.setKillSwitch.mutationOptions({
      onSettled: () => {
        void queryClient.invalidateQueries(trpc.admin.safety.get.pathFilter());
        void queryClient.invalidateQueries(trpc.admin.audit.list.pathFilter());
      },
    }),
  );

  return (
    <AdminSection id="safety" title="Safety" testId="admin-safety">
      {setKill.error ? <ErrorState error={setKill.error} /> : null}
      <QueryView query={safety}>
        {(s) => (
          <div className="safety">
            <p className={s.killSwitch ? 'kill kill-on' : 'kill'} data-testid="kill-switch-state">
              Kill switch is <strong>{s.killSwitch ? 'ON — no new trades anywhere' : 'off'}</strong>
            </p>
            <button
              type="button"
              className={s.killSwitch ? 'btn' : 'btn btn-danger'}
              aria-pressed={s.killSwitch}
              disabled={setKill.isPending}
              onClick={() => {
                const on = !s.killSwitch;
                if (!on || window.confirm('Stop all new trading for every user?')) setKill.mutate({ on });
              }}
            >
              {s.killSwitch ? 'Turn kill switch off' : 'Turn kill switch on'}
            </button>
            <h3 className="subhead">Paused users</h3>
            {s.pausedUsers.length === 0 ? (
              <p className="muted small">Nobody is paused.</p>
            ) : (
              <ul className="chips">
                {s.pausedUsers.map((u) => (
                  <li key={u.id} className="chip">
                    {u.username}
                  </li>
                ))}
              </ul>
            )}
          </div>
        )}
      </QueryView>
    </AdminSection>
  );
}
