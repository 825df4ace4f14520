import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { DataTable } from '../components/data-table';
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
          <DataTable
            testId="queue-health"
            rows={list}
            rowKey={(q) => q.name}
            columns={[
              { label: 'Queue', rowHeader: true, cell: (q) => q.name },
              { label: 'Waiting', className: 'num', cell: (q) => q.waiting },
              { label: 'Active', className: 'num', cell: (q) => q.active },
              { label: 'Delayed', className: 'num', cell: (q) => q.delayed },
              {
                label: 'Failed',
                className: 'num',
                cellClassName: (q) => (q.failed > 0 ? 'num down' : 'num'),
                cell: (q) => q.failed,
              },
              { label: 'Completed', className: 'num', cell: (q) => q.completed },
            ]}
          />
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
          <DataTable
            rows={list}
            rowKey={(r) => r.id}
            columns={[
              { label: 'Job', rowHeader: true, cell: (r) => r.job },
              {
                label: 'Target',
                className: 'small',
                cell: (r) => [r.symbol, r.timeframe].filter(Boolean).join(' · ') || '—',
              },
              {
                label: 'Status',
                cell: (r) => (
                  <>
                    <span className={`status status-${r.status}`}>{r.status}</span>
                    {r.error ? <div className="small down">{r.error}</div> : null}
                    {skipReason(r.detail) ? <div className="small muted">{skipReason(r.detail)}</div> : null}
                  </>
                ),
              },
              { label: 'Rows', className: 'num', cell: (r) => r.rows },
              { label: 'ms', className: 'num', cell: (r) => r.durationMs },
              { label: 'Started', className: 'small', cell: (r) => formatUtc(r.startedAt) },
            ]}
          />
        )}
      </QueryView>
    </AdminSection>
  );
}

/** Why a run was skipped, as its processor recorded it in `detail.skipped`; null otherwise. */
export function skipReason(detail: unknown): string | null {
  if (typeof detail !== 'object' || detail === null || !('skipped' in detail)) return null;
  const reason = (detail as { skipped: unknown }).skipped;
  return typeof reason === 'string' && reason !== '' ? reason : null;
}
