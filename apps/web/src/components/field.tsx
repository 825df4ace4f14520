import { type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes, useId } from 'react';

interface FieldShell {
  label: string;
  error?: string | undefined;
  hint?: ReactNode;
}

/** A labelled input with its error under it, wired with aria-invalid and aria-describedby. */
export function TextField({
  label,
  error,
  hint,
  id,
  ...input
}: FieldShell & InputHTMLAttributes<HTMLInputElement>) {
  const auto = useId();
  const inputId = id ?? auto;
  const describedBy = [error ? `${inputId}-error` : null, hint ? `${inputId}-hint` : null]
    .filter(Boolean)
    .join(' ');
  return (
    <div className={error ? 'field field-invalid' : 'field'}>
      <label htmlFor={inputId}>{label}</label>
      <input
        id={inputId}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy || undefined}
        {...input}
      />
      {hint ? (
        <small id={`${inputId}-hint`} className="hint">
          {hint}
        </small>
      ) : null}
      {error ? (
        <small id={`${inputId}-error`} className="error">
          {error}
        </small>
      ) : null}
    </div>
  );
}

/** A labelled select with its error under it. */
export function SelectField({
  label,
  error,
  hint,
  id,
  children,
  ...select
}: FieldShell & SelectHTMLAttributes<HTMLSelectElement>) {
  const auto = useId();
  const selectId = id ?? auto;
  return (
    <div className={error ? 'field field-invalid' : 'field'}>
      <label htmlFor={selectId}>{label}</label>
      <select
        id={selectId}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${selectId}-error` : undefined}
        {...select}
      >
        {children}
      </select>
      {hint ? <small className="hint">{hint}</small> : null}
      {error ? (
        <small id={`${selectId}-error`} className="error">
          {error}
        </small>
      ) : null}
    </div>
  );
}

/** A labelled checkbox with its error beside it. */
export function CheckboxField({
  label,
  error,
  id,
  ...input
}: FieldShell & Omit<InputHTMLAttributes<HTMLInputElement>, 'type'>) {
  const auto = useId();
  const inputId = id ?? auto;
  return (
    <div className={error ? 'field field-check field-invalid' : 'field field-check'}>
      <input
        id={inputId}
        type="checkbox"
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${inputId}-error` : undefined}
        {...input}
      />
      <label htmlFor={inputId}>{label}</label>
      {error ? (
        <small id={`${inputId}-error`} className="error">
          {error}
        </small>
      ) : null}
    </div>
  );
}

/** A form-level message (server refusal, network failure), announced when it appears. */
export function FormError({ message }: { message: string | undefined }) {
  if (!message) return null;
  return (
    <p className="form-error" role="alert">
      {message}
    </p>
  );
}
