import { randomUUID } from 'node:crypto';

/**
 * Our own failures, as clients and the log see them. A client gets a generic message and an error id;
 * the log gets the id with what went wrong, never the SQL text, its parameters (a password hash among
 * them), nor a stack.
 */

const ids = new WeakMap<object, string>();

/** The id of one failure: the same for the response and the log line that describe it. */
export function errorIdOf(error: object): string {
  let id = ids.get(error);
  if (!id) {
    id = randomUUID().slice(0, 8);
    ids.set(error, id);
  }
  return id;
}

/** What a client reads for an INTERNAL error. */
export function internalErrorMessage(errorId: string): string {
  return `Something went wrong on our side. If it keeps happening, quote error id ${errorId}.`;
}

/** The parts of an error chain safe to log: names, Postgres SQLSTATE codes and the innermost message. */
export function describeFailure(error: unknown): { chain: string[]; sqlState?: string; message?: string } {
  const chain: string[] = [];
  let sqlState: string | undefined;
  let message: string | undefined;
  const seen = new Set<unknown>();
  for (
    let e: unknown = error;
    e && typeof e === 'object' && !seen.has(e);
    e = (e as { cause?: unknown }).cause
  ) {
    seen.add(e);
    const err = e as { name?: unknown; code?: unknown; message?: unknown };
    chain.push(typeof err.name === 'string' ? err.name : 'Error');
    if (typeof err.code === 'string' && /^[0-9A-Z]{5}$/.test(err.code)) sqlState = err.code;
    if (typeof err.message === 'string') message = safeMessage(err.message);
  }
  return { chain, ...(sqlState ? { sqlState } : {}), ...(message ? { message } : {}) };
}

/**
 * A message with what must never be logged taken out. drizzle's "Failed query: <sql> params: <values>"
 * is dropped whole (the driver's own message, innermost, says what failed); hashes and long tokens are
 * masked in anything else.
 */
function safeMessage(text: string): string | undefined {
  if (/^Failed query:/i.test(text)) return undefined;
  return text
    .split('\n')[0]!
    .replace(/\$argon2[^\s"',;]*/g, '[hash]')
    .replace(/[A-Za-z0-9+/_=-]{40,}/g, '[redacted]')
    .slice(0, 300);
}

// Characters a text field never needs: control characters other than tab, line feed and carriage
// return. Postgres refuses NUL in text outright; the rest only break logs, terminals and CSV exports.
const CONTROL = /(?![\t\n\r])\p{Cc}/u;

/** The path of the first string (key or value) in `input` holding a control character, or null. */
export function findControlCharacter(input: unknown, path: string[] = [], depth = 0): string | null {
  if (typeof input === 'string') return CONTROL.test(input) ? path.join('.') || 'input' : null;
  if (!input || typeof input !== 'object' || depth > 20) return null;
  for (const [key, value] of Object.entries(input)) {
    const at = [...path, key];
    if (CONTROL.test(key)) return at.join('.');
    const found = findControlCharacter(value, at, depth + 1);
    if (found) return found;
  }
  return null;
}
