import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate } from '@tanstack/react-router';
import { type FormEvent, useState } from 'react';
import { FormError, TextField } from '../components/field';
import { formErrorMessage, serverFieldErrors } from '../lib/errors';
import { useTRPC } from '../trpc';

/** Create an account; the server signs the new user in and we go to the dashboard. */
export function RegisterPage() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [form, setForm] = useState({ username: '', email: '', fullName: '', password: '' });
  const set = (field: keyof typeof form) => (e: { target: { value: string } }) =>
    setForm((f) => ({ ...f, [field]: e.target.value }));

  const register = useMutation(
    trpc.auth.register.mutationOptions({
      onSuccess: async (user) => {
        queryClient.setQueryData(trpc.auth.me.queryKey(), user);
        await navigate({ to: '/' });
      },
    }),
  );
  const fieldErrors = serverFieldErrors(register.error);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    register.mutate({
      username: form.username.trim(),
      email: form.email.trim(),
      fullName: form.fullName.trim(),
      password: form.password,
    });
  };

  return (
    <main className="auth-page">
      <form className="card auth-card" onSubmit={submit} noValidate aria-labelledby="register-title">
        <h1 id="register-title">Create your account</h1>
        <p className="muted">Trade crypto and US stocks by your own rules.</p>
        <TextField
          label="Username"
          name="username"
          autoComplete="username"
          required
          value={form.username}
          onChange={set('username')}
          error={fieldErrors.username}
        />
        <TextField
          label="Email"
          name="email"
          type="email"
          autoComplete="email"
          required
          value={form.email}
          onChange={set('email')}
          error={fieldErrors.email}
        />
        <TextField
          label="Full name"
          name="fullName"
          autoComplete="name"
          required
          value={form.fullName}
          onChange={set('fullName')}
          error={fieldErrors.fullName}
        />
        <TextField
          label="Password"
          name="password"
          type="password"
          autoComplete="new-password"
          required
          value={form.password}
          onChange={set('password')}
          error={fieldErrors.password}
        />
        <FormError message={formErrorMessage(register.error)} />
        <button type="submit" className="btn btn-primary" disabled={register.isPending}>
          {register.isPending ? 'Registering…' : 'Register'}
        </button>
        <p className="muted">
          Already registered? <Link to="/login">Log in</Link>
        </p>
      </form>
    </main>
  );
}
