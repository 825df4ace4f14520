import { useQuery } from '@tanstack/react-query';
import { ApprovalQueue } from '../admin/approvals';
import { JobsPanel } from '../admin/jobs';
import { NotificationBadge } from '../admin/notifications';
import {
  AuditPanel,
  CalendarPanel,
  FeedbackPanel,
  ReportsPanel,
  SentimentSourcesPanel,
} from '../admin/records';
import { SafetyPanel } from '../admin/safety';
import { UsersPanel } from '../admin/users';
import { Loading } from '../components/states';
import { useTRPC } from '../trpc';

const SECTIONS = [
  ['approvals', 'Approvals'],
  ['safety', 'Safety'],
  ['users', 'Users'],
  ['jobs', 'Jobs'],
  ['reports', 'Reports'],
  ['feedback', 'Feedback'],
  ['audit', 'Audit log'],
  ['calendar', 'Calendar'],
  ['sentiment-sources', 'Sentiment'],
] as const;

/** The admin console; anyone else sees "not authorised" (and the server refuses them regardless). */
export function AdminPage() {
  const trpc = useTRPC();
  const me = useQuery(trpc.auth.me.queryOptions());
  if (me.isPending) return <Loading />;
  if (me.data?.role !== 'admin') {
    return (
      <div className="page-narrow" data-testid="not-authorised">
        <h1>Not authorised</h1>
        <p>The admin console is for administrators only.</p>
      </div>
    );
  }
  return (
    <div className="admin">
      <header className="page-head">
        <h1>Admin console</h1>
        <NotificationBadge />
        <nav aria-label="Admin sections" className="subnav">
          {SECTIONS.map(([id, label]) => (
            <a key={id} href={`#${id}`}>
              {label}
            </a>
          ))}
        </nav>
      </header>
      <div className="admin-grid">
        <ApprovalQueue />
        <SafetyPanel />
        <UsersPanel />
        <JobsPanel />
        <ReportsPanel />
        <FeedbackPanel />
        <AuditPanel />
        <CalendarPanel />
        <SentimentSourcesPanel />
      </div>
    </div>
  );
}
