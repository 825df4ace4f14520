import { useQuery } from '@tanstack/react-query';
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
          <div className="table-wrap">
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">Action</th>
                  <th scope="col">Actor</th>
                  <th scope="col">Target</th>
                </tr>
              </thead>
              <tbody>
                {list.map((e) => (
                  <tr key={e.id}>
                    <td className="small">{formatUtc(e.createdAt)}</td>
                    <th scope="row">{e.action}</th>
                    <td className="small">{e.actor ?? 'system'}</td>
                    <td className="small">{[e.targetType, e.targetId].filter(Boolean).join(' ') || '—'}</td>
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
          <div className="table-wrap">
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">Day</th>
                  <th scope="col">Venue</th>
                  <th scope="col">Field</th>
                  <th scope="col">Ours</th>
                  <th scope="col">Theirs</th>
                </tr>
              </thead>
              <tbody>
                {list.map((d) => (
                  <tr key={d.id}>
                    <th scope="row">{d.day}</th>
                    <td>{d.venue}</td>
                    <td>{d.field}</td>
                    <td>{d.ours ?? '—'}</td>
                    <td>{d.theirs ?? '—'}</td>
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

/** Sentiment sources: on, or off and why (missing credentials), with what the last collect run brought. */
export function SentimentSourcesPanel() {
  const trpc = useTRPC();
  const rows = useQuery(trpc.admin.sentimentSources.queryOptions());
  return (
    <AdminSection id="sentiment-sources" title="Sentiment sources" testId="admin-sentiment-sources">
      <QueryView query={rows} isEmpty={(d) => d.length === 0} empty="No sentiment sources are defined.">
        {(list) => (
          <div className="table-wrap">
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">Source</th>
                  <th scope="col">Kind</th>
                  <th scope="col">Status</th>
                  <th scope="col">Last run</th>
                  <th scope="col">Items</th>
                </tr>
              </thead>
              <tbody>
                {list.map((s) => (
                  <tr key={s.id}>
                    <th scope="row">{s.id}</th>
                    <td>{s.kind}</td>
                    <td className={s.status === 'ok' ? 'pos' : 'muted'}>{s.lastError ?? s.status}</td>
                    <td>{s.lastRunAt ? formatUtc(s.lastRunAt) : '—'}</td>
                    <td className="num">{s.lastCount ?? '—'}</td>
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
