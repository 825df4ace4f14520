/** A Postgres SQLSTATE, e.g. 23505 for a unique violation. */
const SQL_STATE = /^[0-9A-Z]{5}$/;

/**
 * The message of anything thrown: an Error's message, anything else as text. A query error wrapped by
 * drizzle ("Failed query: <sql> params: <values>") gives its driver's message and SQLSTATE instead: the
 * SQL and its parameters never reach a log line or a recorded failure.
 */
export function errorMessage(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  if (!/^Failed query:/i.test(err.message)) return err.message;
  const cause = err.cause;
  const inner = cause === undefined ? 'the database refused a query' : errorMessage(cause);
  const code = (cause as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && SQL_STATE.test(code) ? `database error ${code}: ${inner}` : inner;
}
