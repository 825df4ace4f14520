import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ErrorState, QueryView } from '../components/states';
import { formatUtc } from '../lib/format';
import { useTRPC } from '../trpc';
import { AdminSection } from './section';

/** Queue health with each queue's failed jobs (retry one), and the recent job runs. */
export function JobsPanel() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const queues = useQuery({ ...trpc.admin.jobs.queues.queryOptions(), refetchInterval: 15_000 });
  const runs = useQuery(trpc.admin.jobs.runs.queryOptions({ limit: 50 }));
  const retry = useMutation(
    trpc.admin.jobs.retry.mutationOptions({
      onSettled: () => {
        void queryClient.invalidateQueries(trpc.admin.jobs.pathFilter());
        void queryClient.invalidateQueries(trpc.admin.audit.list.pathFilter());
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
            <table className="table" data-testid="queue-health">
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
      {queues.data?.some((q) => q.failedJobs.length > 0) ? (
        <>
          <h3 className="subhead">Failed jobs</h3>
          <ul className="records" data-testid="failed-jobs">
            {queues.data.flatMap((q) =>
              q.failedJobs.map((job) => (
                <li key={`${q.name}:${job.id}`} className="failed-job">
                  <div>
                    <strong>{job.name}</strong> <span className="muted small">{q.name}</span>
                    <div className="small down">{job.failedReason}</div>
                    <div className="muted small">
                      {job.attemptsMade} attempts
                      {job.finishedOn ? ` · failed ${formatUtc(job.finishedOn)}` : ''}
                    </div>
                  </div>
                  <button
                    type="button"
                    className="btn btn-small"
                    disabled={retry.isPending}
                    onClick={() => retry.mutate({ queue: q.name, jobId: job.id })}
                    aria-label={`Retry ${job.name} in ${q.name}`}
                  >
                    Retry
                  </button>
                </li>
              )),
            )}
          </ul>
        </>
      ) : null}
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
