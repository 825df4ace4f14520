import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { formErrorMessage, serverFieldErrors } from '../lib/errors';
import { formatUsd, formatUtc } from '../lib/format';
import { type RouterOutputs, useTRPC } from '../trpc';
import { FormError, TextField } from './field';
import { QueryView } from './states';

type Profile = RouterOutputs['me']['profile'];

/** The signed-in user's name and email (editable) with role and paper balances. */
export function ProfileCard() {
  const trpc = useTRPC();
  const profile = useQuery(trpc.me.profile.queryOptions());
  return (
    <section className="card" aria-labelledby="profile-title">
      <h2 id="profile-title">Profile</h2>
      <QueryView query={profile}>{(p) => <ProfileForm key={p.id} profile={p} />}</QueryView>
    </section>
  );
}

function ProfileForm({ profile }: { profile: Profile }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [fullName, setFullName] = useState(profile.fullName);
  const [email, setEmail] = useState(profile.email);
  const update = useMutation(
    trpc.me.updateProfile.mutationOptions({
      onSuccess: (user) => {
        queryClient.setQueryData(trpc.me.profile.queryKey(), user);
        void queryClient.invalidateQueries(trpc.auth.me.pathFilter());
      },
    }),
  );
  const fieldErrors = serverFieldErrors(update.error);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    update.mutate({ fullName: fullName.trim(), email: email.trim() });
  };
  return (
    <form className="form" onSubmit={submit} noValidate data-testid="profile-form">
      <p className="muted small">
        {profile.username} · {profile.role.replace('_', ' ')} · paper balances: crypto{' '}
        {formatUsd(profile.cryptoBalance)}, stocks {formatUsd(profile.stockBalance)} · member since{' '}
        {formatUtc(profile.createdAt)}
      </p>
      <div className="params-grid">
        <TextField
          label="Full name"
          name="fullName"
          autoComplete="name"
          value={fullName}
          onChange={(e) => setFullName(e.target.value)}
          error={fieldErrors.fullName}
        />
        <TextField
          label="Email"
          name="email"
          type="email"
          autoComplete="email"
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          error={fieldErrors.email}
        />
      </div>
      <FormError message={formErrorMessage(update.error)} />
      {update.isSuccess ? <output className="form-ok">Profile saved.</output> : null}
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={update.isPending}>
          {update.isPending ? 'Saving…' : 'Save profile'}
        </button>
      </div>
    </form>
  );
}
