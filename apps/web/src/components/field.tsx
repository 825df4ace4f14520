import { type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes, useId } from 'react';

interface FieldShell {
  label: string;
  error?: string | undefined;
  hint?: ReactNode;
}

/** The control's id (the caller's, or a generated one) and the aria wiring to its hint and error. */
function useFieldWiring(id: string | undefined, error: string | undefined, hint?: ReactNode) {
  const auto = useId();
  const controlId = id ?? auto;
  const describedBy = [error ? `${controlId}-error` : null, hint ? `${controlId}-hint` : null]
    .filter(Boolean)
    .join(' ');
  return {
    id: controlId,
    'aria-invalid': error ? true : undefined,
    'aria-describedby': describedBy || undefined,
  } as const;
}

/** The hint and the error under a control, with the ids its aria-describedby points at. */
function FieldNotes({
  controlId,
  hint,
  error,
}: {
  controlId: string;
  hint?: ReactNode;
  error?: string | undefined;
}) {
  return (
    <>
      {hint ? (
        <small id={`${controlId}-hint`} className="hint">
          {hint}
        </small>
      ) : null}
      {error ? (
        <small id={`${controlId}-error`} className="error">
          {error}
        </small>
      ) : null}
    </>
  );
}

/** A labelled input with its error under it, wired with aria-invalid and aria-describedby. */
export function TextField({
  label,
  error,
  hint,
  id,
  ...input
}: FieldShell & InputHTMLAttributes<HTMLInputElement>) {
  const wiring = useFieldWiring(id, error, hint);
  return (
    <div className={error ? 'field field-invalid' : 'field'}>
      <label htmlFor={wiring.id}>{label}</label>
      <input {...wiring} {...input} />
      <FieldNotes controlId={wiring.id} hint={hint} error={error} />
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
  const wiring = useFieldWiring(id, error, hint);
  return (
    <div className={error ? 'field field-invalid' : 'field'}>
      <label htmlFor={wiring.id}>{label}</label>
      <select {...wiring} {...select}>
        {children}
      </select>
      <FieldNotes controlId={wiring.id} hint={hint} error={error} />
    </div>
  );
}

/** A labelled checkbox with its error beside it. */
export function CheckboxField({
  label,
  error,
  id,
  ...input
}: Omit<FieldShell, 'hint'> & Omit<InputHTMLAttributes<HTMLInputElement>, 'type'>) {
  const wiring = useFieldWiring(id, error);
  return (
    <div className={error ? 'field field-check field-invalid' : 'field field-check'}>
      <input {...wiring} type="checkbox" {...input} />
      <label htmlFor={wiring.id}>{label}</label>
      <FieldNotes controlId={wiring.id} error={error} />
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
