import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { formErrorMessage, serverFieldErrors } from '../lib/errors';
import { formatUsd } from '../lib/format';
import { useTRPC } from '../trpc';
import { FormError, SelectField, TextField } from './field';

type AssetType = 'crypto' | 'stock';
type Venue = 'kraken' | 'alpaca';

/** Crypto trades through Kraken; stocks through Kraken's xStocks or Alpaca. */
const VENUES: Record<AssetType, Venue[]> = { crypto: ['kraken'], stock: ['kraken', 'alpaca'] };
const VENUE_LABEL: Record<Venue, string> = { kraken: 'Kraken', alpaca: 'Alpaca' };

/**
 * Links the user's own exchange keys for live trading. The server checks them against the venue and
 * keeps them sealed; the form clears the secret once sent. Plain users see why it is not open yet.
 */
export function LinkVenueCard() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const me = useQuery(trpc.auth.me.queryOptions());
  const [assetType, setAssetType] = useState<AssetType>('crypto');
  const [venue, setVenue] = useState<Venue>('kraken');
  const [apiKey, setApiKey] = useState('');
  const [secret, setSecret] = useState('');
  const link = useMutation(
    trpc.me.linkVenue.mutationOptions({
      onSuccess: () => {
        setApiKey('');
        setSecret('');
        void queryClient.invalidateQueries(trpc.accounts.summary.pathFilter());
      },
    }),
  );
  const fieldErrors = serverFieldErrors(link.error);

  if (!me.data) return null;
  const allowed = me.data.role !== 'user';
  const submit = (event: FormEvent) => {
    event.preventDefault();
    link.mutate({ assetType, venue, apiKey: apiKey.trim(), secret: secret.trim() });
  };

  return (
    <section className="card" aria-labelledby="live-title">
      <h2 id="live-title">Live trading</h2>
      {!allowed ? (
        <p className="muted">Live trading opens to beta users first. You trade on paper until then.</p>
      ) : (
        <form className="form" onSubmit={submit} noValidate autoComplete="off" data-testid="link-venue-form">
          <p className="muted small">
            Use keys that can trade but not withdraw. Live orders are small-money capped and may need an
            admin's approval.
          </p>
          <div className="params-grid">
            <SelectField
              label="Market"
              name="assetType"
              value={assetType}
              onChange={(e) => {
                const next = e.target.value as AssetType;
                setAssetType(next);
                if (!VENUES[next].includes(venue)) setVenue(VENUES[next][0]!);
              }}
            >
              <option value="crypto">Crypto</option>
              <option value="stock">Stocks</option>
            </SelectField>
            <SelectField
              label="Venue"
              name="venue"
              value={venue}
              error={fieldErrors.venue}
              onChange={(e) => setVenue(e.target.value as Venue)}
            >
              {VENUES[assetType].map((v) => (
                <option key={v} value={v}>
                  {VENUE_LABEL[v]}
                </option>
              ))}
            </SelectField>
            <TextField
              label="API key"
              name="apiKey"
              value={apiKey}
              spellCheck={false}
              onChange={(e) => setApiKey(e.target.value)}
              error={fieldErrors.apiKey}
            />
            <TextField
              label="API secret"
              name="secret"
              type="password"
              autoComplete="new-password"
              value={secret}
              onChange={(e) => setSecret(e.target.value)}
              error={fieldErrors.secret}
            />
          </div>
          <FormError message={formErrorMessage(link.error)} />
          {link.data ? (
            <output className="form-ok">
              Linked {VENUE_LABEL[link.data.venue as Venue] ?? link.data.venue} for {link.data.assetType}:
              balance {formatUsd(link.data.balance)}.
            </output>
          ) : null}
          <div className="form-actions">
            <button type="submit" className="btn btn-primary" disabled={link.isPending}>
              {link.isPending ? 'Checking keys…' : 'Link account'}
            </button>
          </div>
        </form>
      )}
    </section>
  );
}
