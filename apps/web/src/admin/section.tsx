import type { ReactNode } from 'react';

/** One admin panel: a titled card with an optional action on the right. */
export function AdminSection({
  id,
  title,
  action,
  children,
  testId,
}: {
  id: string;
  title: string;
  action?: ReactNode;
  children: ReactNode;
  testId?: string;
}) {
  return (
    <section className="card admin-section" id={id} aria-labelledby={`${id}-title`} data-testid={testId}>
      <header className="card-head">
        <h2 id={`${id}-title`}>{title}</h2>
        {action}
      </header>
      {children}
    </section>
  );
}
