import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { DataTable } from '../components/data-table';
import { FormError, SelectField } from '../components/field';
import { QueryView } from '../components/states';
import { formErrorMessage } from '../lib/errors';
import { formatUtc } from '../lib/format';
import { describeRecommended, type SummaryLike, summaryRows } from '../lib/research';
import { type RouterOutputs, useTRPC } from '../trpc';

type OptimizerRun = RouterOutputs['research']['optimizerRuns'][number];
type Recommended = Parameters<typeof describeRecommended>[0];

/**
 * Stored walk-forward runs: each one's out-of-sample result beside its in-sample figure, and a button
 * that writes its recommended parameters into one of the trader's own parameter sets.
 */
export function OptimizerRuns() {
  const trpc = useTRPC();
  const runs = useQuery(trpc.research.optimizerRuns.queryOptions());
  return (
    <section className="card" aria-labelledby="optimizer-title" data-testid="optimizer-runs">
      <h2 id="optimizer-title">Walk-forward optimiser results</h2>
      <p className="muted small">
        Out-of-sample figures come only from test windows the parameters were never chosen on; the in-sample
        column is what the same choices made on their own training windows. Run one with{' '}
        <code>npm run optimize</code>.
      </p>
      <QueryView query={runs} isEmpty={(d) => d.length === 0} empty="No optimiser runs are stored yet.">
        {(list) => (
          <div className="stack">
            {list.map((run) => (
              <OptimizerRunCard key={run.id} run={run} />
            ))}
          </div>
        )}
      </QueryView>
    </section>
  );
}

function OptimizerRunCard({ run }: { run: OptimizerRun }) {
  const oos = summaryRows(run.outOfSample as SummaryLike);
  const ins = summaryRows(run.inSample as SummaryLike);
  const own = summaryRows(run.recommendedOutOfSample as SummaryLike);
  const rows = oos.map((r, i) => ({ label: r.label, oos: r.value, ins: ins[i]!.value, own: own[i]!.value }));
  return (
    <article className="optimizer-run" data-testid="optimizer-run" data-run-id={run.id}>
      <h3>
        {run.dataset} · {run.symbols.join(', ')} · {run.timeframe}
      </h3>
      <p className="muted small">
        {formatUtc(run.dataFrom)} → {formatUtc(run.dataTo)} · run {formatUtc(run.createdAt)} · {run.seconds} s
        · {run.costModel}
      </p>
      <DataTable
        rows={rows}
        rowKey={(r) => r.label}
        columns={[
          { label: 'Figure', cell: (r) => r.label, rowHeader: true },
          { label: 'Out-of-sample (result)', cell: (r) => r.oos, className: 'num' },
          { label: 'In-sample', cell: (r) => r.ins, className: 'num' },
          { label: 'Recommended, after its window', cell: (r) => r.own, className: 'num' },
        ]}
      />
      <p>Recommended: {describeRecommended(run.recommended as Recommended)}</p>
      <ApplyRun runId={run.id} />
    </article>
  );
}

/** Applies a run's recommended parameters to one of the trader's parameter sets. */
function ApplyRun({ runId }: { runId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const sets = useQuery(trpc.me.parameters.list.queryOptions());
  const [target, setTarget] = useState('');
  const apply = useMutation(
    trpc.research.applyOptimizerRun.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.me.parameters.list.queryKey() }),
    }),
  );
  const list = sets.data ?? [];
  const chosen = target || list[0]?.id || '';
  if (sets.isPending) return null;
  if (list.length === 0) {
    return <p className="muted small">Create a parameter set in Settings to apply this result to it.</p>;
  }
  return (
    <form
      className="apply-run"
      onSubmit={(e) => {
        e.preventDefault();
        apply.mutate({ runId, parametersId: chosen });
      }}
    >
      <SelectField
        label="Apply to"
        name="parametersId"
        value={chosen}
        onChange={(e) => setTarget(e.target.value)}
      >
        {list.map((p) => (
          <option key={p.id} value={p.id}>
            {p.assetType} · {p.symbol}
          </option>
        ))}
      </SelectField>
      <button type="submit" className="btn" disabled={apply.isPending}>
        {apply.isPending ? 'Applying…' : 'Apply out-of-sample result'}
      </button>
      {apply.isSuccess ? <output className="muted small">Applied to your parameters.</output> : null}
      <FormError message={formErrorMessage(apply.error)} />
    </form>
  );
}
