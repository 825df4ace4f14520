import { errorMessage } from '@tradehits/core/errors';
import { InsufficientFundsError, InvalidCredentialsError, VenueError } from '@tradehits/exchange';

/** A failure as it is recorded: why, whether trying again may help, and whether the account is at fault. */
export interface Failure {
  reason: string;
  retryable: boolean;
  /** The venue refuses this account (bad key, no funds): it is quarantined rather than retried. */
  accountRefused: boolean;
}

/** The account's venue keys cannot be used (missing, unreadable): nothing was sent. */
export class AccountSetupError extends Error {
  override name = 'AccountSetupError';
}

/**
 * Classifies a failure. A venue's typed errors say whether they are transient; an account refused for
 * its keys or its funds will be refused again; anything untyped is treated as possibly transient, so a
 * later look at the venue decides rather than a guess now.
 */
export function classify(err: unknown): Failure {
  const reason = errorMessage(err);
  if (err instanceof InvalidCredentialsError || err instanceof InsufficientFundsError)
    return { reason, retryable: false, accountRefused: true };
  if (err instanceof AccountSetupError) return { reason, retryable: false, accountRefused: true };
  if (err instanceof VenueError) return { reason, retryable: err.retryable, accountRefused: false };
  return { reason, retryable: true, accountRefused: false };
}
