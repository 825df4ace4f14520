import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ErrorState, QueryView } from '../components/states';
import { formatUtc } from '../lib/format';
import { useTRPC } from '../trpc';
import { AdminSection } from './section';

/** Queue health (waiting, active, failed…) and recent job runs; a failed job can be retried. */
export function JobsPanel() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const queues = useQuery({ ...trpc.admin.jobs.queues.queryOptions(), refetchInterval: 15_000 });
  const runs = useQuery(trpc.admin.jobs.runs.queryOptions({ limit: 50 }));
  const retry = useMutation(
    trpc.admin.jobs.retry.mutationOptions({
      onSettled: () => {
        void queryClient.invalidateQueries(trpc.admin.jobs.pathFilter());
      },
    }),
  );

  return (
    <AdminSection id="jobs" title="Jobs" testId="admin-jobs">
      {retry.error ? <ErrorState error={retry.error} /> : null}
      <h3 className="subhead">Queues</h3>
      <QueryView query={queues} isEmpty={(d) => d.length === 0} empty="No queues reported.">
        {(list) => (
          <div className="table-wrap">
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">Queue</th>
                  <th scope="col" className="num">
                    Waiting
                  </th>
                  <th scope="col" className="num">
                    Active
                  </th>
                  <th scope="col" className="num">
                    Delayed
                  </th>
                  <th scope="col" className="num">
                    Failed
                  </th>
                  <th scope="col" className="num">
                    Completed
                  </th>
                </tr>
              </thead>
              <tbody>
                {list.map((q) => (
                  <tr key={q.name}>
                    <th scope="row">{q.name}</th>
                    <td className="num">{q.waiting}</td>
                    <td className="num">{q.active}</td>
                    <td className="num">{q.delayed}</td>
                    <td className={q.failed > 0 ? 'num down' : 'num'}>{q.failed}</td>
                    <td className="num">{q.completed}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </QueryView>
      <h3 className="subhead">Recent runs</h3>
      <QueryView query={runs} isEmpty={(d) => d.length === 0} empty="No job runs yet.">
        {(list) => (
          <div className="table-wrap">
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">Job</th>
                  <th scope="col">Target</th>
                  <th scope="col">Status</th>
                  <th scope="col" className="num">
                    Rows
                  </th>
                  <th scope="col" className="num">
                    ms
                  </th>
                  <th scope="col">Started</th>
                  <th scope="col">
                    <span className="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {list.map((r) => (
                  <tr key={r.id}>
                    <th scope="row">{r.job}</th>
                    <td className="small">{[r.symbol, r.timeframe].filter(Boolean).join(' · ') || '—'}</td>
                    <td>
                      <span className={`status status-${r.status}`}>{r.status}</span>
                      {r.error ? <div className="small down">{r.error}</div> : null}
                    </td>
                    <td className="num">{r.rows}</td>
                    <td className="num">{r.durationMs}</td>
                    <td className="small">{formatUtc(r.startedAt)}</td>
                    <td>
                      {r.status === 'failed' && r.queue && r.jobId ? (
                        <button
                          type="button"
                          className="btn btn-small"
                          disabled={retry.isPending}
                          onClick={() => retry.mutate({ queue: r.queue as string, jobId: r.jobId as string })}
                        >
                          Retry
                        </button>
                      ) : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </QueryView>
    </AdminSection>
  );
}
