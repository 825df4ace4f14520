/** Field name → first message, from a tRPC error whose server formatter attached zod's flattened issues. */
export type FieldErrors = Record<string, string>;

interface ZodFlat {
  fieldErrors?: Record<string, string[] | undefined>;
  formErrors?: string[];
}

function zodErrorOf(error: unknown): ZodFlat | null {
  const data = (error as { data?: { zodError?: unknown } } | null | undefined)?.data;
  const zod = data?.zodError;
  return zod && typeof zod === 'object' ? (zod as ZodFlat) : null;
}

/** Per-field messages from a server validation error; empty when the error is not about fields. */
export function serverFieldErrors(error: unknown): FieldErrors {
  const fields = zodErrorOf(error)?.fieldErrors ?? {};
  const out: FieldErrors = {};
  for (const [field, messages] of Object.entries(fields)) {
    const first = messages?.[0];
    if (first) out[field] = first;
  }
  return out;
}

/**
 * One sentence for the user. Zod form errors first (they are about the whole input), then the
 * error's own message; a network failure says so instead of echoing "Failed to fetch".
 */
export function errorMessage(error: unknown): string {
  if (error === null || error === undefined) return '';
  const formError = zodErrorOf(error)?.formErrors?.[0];
  if (formError) return formError;
  if (zodErrorOf(error) && Object.keys(serverFieldErrors(error)).length > 0) {
    return 'Please correct the highlighted fields.';
  }
  const message = error instanceof Error ? error.message : typeof error === 'string' ? error : '';
  if (/failed to fetch|networkerror|load failed/i.test(message)) {
    return 'The server cannot be reached. Check your connection and try again.';
  }
  return message || 'Something went wrong.';
}

/**
 * What a form says above its submit button after a failed submit: the error in a sentence, or nothing
 * when the server's complaint is about fields, which show their own messages under their inputs.
 */
export function formErrorMessage(error: unknown): string | undefined {
  if (error === null || error === undefined) return undefined;
  return Object.keys(serverFieldErrors(error)).length === 0 ? errorMessage(error) : undefined;
}

/** Per-field messages from a zod `safeParse` failure, keyed by the top-level field name. */
export function issuesToFieldErrors(
  issues: readonly { path: readonly PropertyKey[]; message: string }[],
): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of issues) {
    const key = issue.path.length > 0 ? String(issue.path[0]) : '_form';
    out[key] ??= issue.message;
  }
  return out;
}
