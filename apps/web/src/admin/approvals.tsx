import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ErrorState, QueryView } from '../components/states';
import { formatMoney, formatUtc } from '../lib/format';
import { useTRPC } from '../trpc';
import { AdminSection } from './section';

/** Live orders waiting for a human: approve to execute, reject with a note. Refreshed by live events. */
export function ApprovalQueue() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const pending = useQuery(trpc.admin.approvals.list.queryOptions({ status: 'pending' }));
  const [notes, setNotes] = useState<Record<string, string>>({});
  const decide = useMutation(
    trpc.admin.approvals.decide.mutationOptions({
      onSettled: () => {
        void queryClient.invalidateQueries(trpc.admin.approvals.list.pathFilter());
        void queryClient.invalidateQueries(trpc.admin.audit.list.pathFilter());
      },
    }),
  );

  const act = (id: string, decision: 'approve' | 'reject') => {
    const note = notes[id]?.trim();
    decide.mutate({ id, decision, ...(note ? { note } : {}) });
  };

  return (
    <AdminSection id="approvals" title="Live-order approvals" testId="approval-queue">
      {decide.error ? <ErrorState error={decide.error} /> : null}
      <QueryView query={pending} isEmpty={(d) => d.length === 0} empty="No orders are waiting for approval.">
        {(list) => (
          <ul className="approvals">
            {list.map((a) => (
              <li key={a.id} className="approval" data-testid="approval">
                <div className="approval-main">
                  <strong>
                    {a.symbol} <span className="num">{formatMoney(a.amount, a.currency)}</span>
                    <span className="badge">{a.assetType}</span>
                  </strong>
                  <span className="muted small">
                    {a.executionReason} · by {a.username} · requested {formatUtc(a.requestedAt)} · expires{' '}
                    {formatUtc(a.expiresAt)}
                  </span>
                </div>
                <div className="approval-actions">
                  <label className="sr-only" htmlFor={`note-${a.id}`}>
                    Note for {a.username}'s {a.symbol} order
                  </label>
                  <input
                    id={`note-${a.id}`}
                    placeholder="Note (optional)"
                    value={notes[a.id] ?? ''}
                    onChange={(e) => setNotes((n) => ({ ...n, [a.id]: e.target.value }))}
                  />
                  <button
                    type="button"
                    className="btn btn-small btn-buy"
                    disabled={decide.isPending}
                    onClick={() => act(a.id, 'approve')}
                    aria-label={`Approve ${a.username}'s ${a.symbol} order`}
                  >
                    Approve
                  </button>
                  <button
                    type="button"
                    className="btn btn-small btn-danger"
                    disabled={decide.isPending}
                    onClick={() => act(a.id, 'reject')}
                    aria-label={`Reject ${a.username}'s ${a.symbol} order`}
                  >
                    Reject
                  </button>
                </div>
              </li>
            ))}
          </ul>
        )}
      </QueryView>
    </AdminSection>
  );
}
