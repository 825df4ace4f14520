import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { DataTable } from '../components/data-table';
import { FormError } from '../components/field';
import { LinkVenueCard } from '../components/link-venue';
import { ParamsFields } from '../components/params-fields';
import { ProfileCard } from '../components/profile-form';
import { ErrorState, QueryView } from '../components/states';
import { type FieldErrors, formErrorMessage, serverFieldErrors } from '../lib/errors';
import { formatUsd } from '../lib/format';
import { type ParamsFormValues, paramsToForm, validateParamsForm } from '../lib/params-form';
import { type RouterOutputs, useTRPC } from '../trpc';

type Params = RouterOutputs['me']['parameters']['list'][number];

/** The user's trade-parameter sets: list, create, edit, delete. */
export function SettingsPage() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const list = useQuery(trpc.me.parameters.list.queryOptions());
  const [editing, setEditing] = useState<Params | 'new' | null>(null);
  const remove = useMutation(
    trpc.me.parameters.delete.mutationOptions({
      onSettled: () => queryClient.invalidateQueries(trpc.me.parameters.list.pathFilter()),
    }),
  );

  return (
    <div className="settings">
      <header className="page-head">
        <h1>Trade parameters</h1>
        <button type="button" className="btn btn-primary" onClick={() => setEditing('new')}>
          New parameter set
        </button>
      </header>
      <p className="muted">
        Each set applies to one asset type, for one symbol or for ALL. The engine trades only where
        auto-trading is on.
      </p>
      {editing ? (
        <ParamsEditor
          key={editing === 'new' ? 'new' : editing.id}
          existing={editing === 'new' ? null : editing}
          onDone={() => setEditing(null)}
        />
      ) : null}
      {remove.error ? <ErrorState error={remove.error} /> : null}
      <QueryView
        query={list}
        isEmpty={(d) => d.length === 0}
        empty="No parameter sets yet. Create one to start trading."
      >
        {(sets) => (
          <DataTable
            className="card"
            testId="params-list"
            rows={sets}
            rowKey={(p) => p.id}
            columns={[
              {
                label: 'Applies to',
                rowHeader: true,
                cell: (p) => (
                  <>
                    {p.assetType} · {p.symbol}
                  </>
                ),
              },
              {
                label: 'Auto',
                cellClassName: (p) => (p.autoTradingEnabled ? 'up' : 'muted'),
                cell: (p) => (p.autoTradingEnabled ? 'on' : 'off'),
              },
              { label: 'Amount', className: 'num', cell: (p) => formatUsd(p.tradeAmount) },
              {
                label: 'TP / SL',
                className: 'num',
                cell: (p) => (
                  <>
                    {p.takeProfitPct}% / {p.stopLossPct}%
                  </>
                ),
              },
              { label: 'Max open', className: 'num', cell: (p) => p.maxConcurrentTrades },
              {
                label: 'Hours (UTC)',
                cell: (p) => (
                  <>
                    {p.tradingHoursStart}–{p.tradingHoursEnd}
                  </>
                ),
              },
              {
                label: 'Actions',
                hideLabel: true,
                cellClassName: 'actions',
                cell: (p) => (
                  <>
                    <button
                      type="button"
                      className="btn btn-small"
                      onClick={() => setEditing(p)}
                      aria-label={`Edit ${p.assetType} ${p.symbol}`}
                    >
                      Edit
                    </button>
                    <button
                      type="button"
                      className="btn btn-small btn-danger"
                      disabled={remove.isPending}
                      onClick={() => {
                        if (window.confirm(`Delete the ${p.assetType} ${p.symbol} parameters?`)) {
                          remove.mutate({ id: p.id });
                        }
                      }}
                      aria-label={`Delete ${p.assetType} ${p.symbol}`}
                    >
                      Delete
                    </button>
                  </>
                ),
              },
            ]}
          />
        )}
      </QueryView>
      <ProfileCard />
      <LinkVenueCard />
    </div>
  );
}

/** Create or edit one parameter set, checked in the browser with the server's own schema. */
function ParamsEditor({ existing, onDone }: { existing: Params | null; onDone: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [values, setValues] = useState<ParamsFormValues>(() => paramsToForm(existing ?? undefined));
  const [clientErrors, setClientErrors] = useState<FieldErrors>({});
  const onSaved = () => {
    void queryClient.invalidateQueries(trpc.me.parameters.list.pathFilter());
    onDone();
  };
  const create = useMutation(trpc.me.parameters.create.mutationOptions({ onSuccess: onSaved }));
  const update = useMutation(trpc.me.parameters.update.mutationOptions({ onSuccess: onSaved }));
  const save = existing ? update : create;
  const errors = { ...serverFieldErrors(save.error), ...clientErrors };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const result = validateParamsForm(values);
    if (!result.ok) {
      setClientErrors(result.errors);
      return;
    }
    setClientErrors({});
    if (existing) update.mutate({ id: existing.id, ...result.input });
    else create.mutate(result.input);
  };

  return (
    <form
      className="card form"
      onSubmit={submit}
      noValidate
      aria-labelledby="editor-title"
      data-testid="params-form"
    >
      <h2 id="editor-title">
        {existing ? `Edit ${existing.assetType} · ${existing.symbol}` : 'New parameter set'}
      </h2>
      <ParamsFields
        values={values}
        errors={errors}
        onChange={(next) => {
          setValues(next);
          // Re-check as the user types once a submit has shown errors, so they clear as fixed.
          if (Object.keys(clientErrors).length > 0) {
            const again = validateParamsForm(next);
            setClientErrors(again.ok ? {} : again.errors);
          }
        }}
      />
      <FormError message={formErrorMessage(save.error)} />
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={save.isPending}>
          {save.isPending ? 'Saving…' : existing ? 'Save changes' : 'Create'}
        </button>
        <button type="button" className="btn btn-ghost" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}
