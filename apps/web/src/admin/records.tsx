import { useQuery } from '@tanstack/react-query';
import { DataTable } from '../components/data-table';
import { QueryView } from '../components/states';
import { formatUtc } from '../lib/format';
import { useTRPC } from '../trpc';
import { AdminSection } from './section';

/** Daily reports, newest first; each body is shown as the server stored it. */
export function ReportsPanel() {
  const trpc = useTRPC();
  const reports = useQuery(trpc.admin.reports.list.queryOptions());
  return (
    <AdminSection id="reports" title="Reports" testId="admin-reports">
      <QueryView query={reports} isEmpty={(d) => d.length === 0} empty="No reports yet.">
        {(list) => (
          <ul className="records">
            {list.map((r) => (
              <li key={r.id}>
                <details>
                  <summary>
                    <strong>{r.kind}</strong> · {r.day}
                    {r.emailedAt ? (
                      <span className="muted small"> · emailed {formatUtc(r.emailedAt)}</span>
                    ) : null}
                  </summary>
                  <pre className="json">{JSON.stringify(r.body, null, 2)}</pre>
                </details>
              </li>
            ))}
          </ul>
        )}
      </QueryView>
    </AdminSection>
  );
}

/** What traders said, newest first. */
export function FeedbackPanel() {
  const trpc = useTRPC();
  const feedback = useQuery(trpc.admin.feedback.list.queryOptions());
  return (
    <AdminSection id="feedback" title="Feedback" testId="admin-feedback">
      <QueryView query={feedback} isEmpty={(d) => d.length === 0} empty="No feedback yet.">
        {(list) => (
          <ul className="records">
            {list.map((f) => (
              <li key={f.id} className="feedback-item">
                <span className="stars" role="img" aria-label={`${f.rating} out of 5`}>
                  {'★'.repeat(f.rating)}
                  <span className="muted">{'★'.repeat(5 - f.rating)}</span>
                </span>
                <p>{f.text}</p>
                <span className="muted small">{formatUtc(f.createdAt)}</span>
              </li>
            ))}
          </ul>
        )}
      </QueryView>
    </AdminSection>
  );
}

/** Who did what, newest first. */
export function AuditPanel() {
  const trpc = useTRPC();
  const audit = useQuery(trpc.admin.audit.list.queryOptions({ limit: 100 }));
  return (
    <AdminSection id="audit" title="Audit log" testId="admin-audit">
      <QueryView query={audit} isEmpty={(d) => d.length === 0} empty="The audit log is empty.">
        {(list) => (
          <DataTable
            rows={list}
            rowKey={(e) => e.id}
            columns={[
              { label: 'When', className: 'small', cell: (e) => formatUtc(e.createdAt) },
              { label: 'Action', rowHeader: true, cell: (e) => e.action },
              { label: 'Actor', className: 'small', cell: (e) => e.actor ?? 'system' },
              {
                label: 'Target',
                className: 'small',
                cell: (e) => [e.targetType, e.targetId].filter(Boolean).join(' ') || '—',
              },
            ]}
          />
        )}
      </QueryView>
    </AdminSection>
  );
}

/** Days our NYSE calendar and a venue's calendar disagree on; each needs a look. */
export function CalendarPanel() {
  const trpc = useTRPC();
  const rows = useQuery(trpc.admin.calendar.disagreements.queryOptions());
  return (
    <AdminSection id="calendar" title="Calendar disagreements" testId="admin-calendar">
      <QueryView
        query={rows}
        isEmpty={(d) => d.length === 0}
        empty="No disagreements recorded (the daily cross-check runs when Alpaca keys are configured)."
      >
        {(list) => (
          <DataTable
            rows={list}
            rowKey={(d) => d.id}
            columns={[
              { label: 'Day', rowHeader: true, cell: (d) => d.day },
              { label: 'Venue', cell: (d) => d.venue },
              { label: 'Field', cell: (d) => d.field },
              { label: 'Ours', cell: (d) => d.ours ?? '—' },
              { label: 'Theirs', cell: (d) => d.theirs ?? '—' },
            ]}
          />
        )}
      </QueryView>
    </AdminSection>
  );
}

/** Sentiment sources: on, or off and why (missing credentials), with what the last collect run brought. */
export function SentimentSourcesPanel() {
  const trpc = useTRPC();
  const rows = useQuery(trpc.admin.sentimentSources.queryOptions());
  return (
    <AdminSection id="sentiment-sources" title="Sentiment sources" testId="admin-sentiment-sources">
      <QueryView query={rows} isEmpty={(d) => d.length === 0} empty="No sentiment sources are defined.">
        {(list) => (
          <DataTable
            rows={list}
            rowKey={(src) => src.id}
            columns={[
              { label: 'Source', rowHeader: true, cell: (src) => src.id },
              { label: 'Kind', cell: (src) => src.kind },
              { label: 'Status', cell: (src) => src.lastError ?? src.status },
              { label: 'Last run', cell: (src) => (src.lastRunAt ? formatUtc(src.lastRunAt) : '—') },
              { label: 'Items', className: 'num', cell: (src) => src.lastCount ?? '—' },
            ]}
          />
        )}
      </QueryView>
    </AdminSection>
  );
}
