/**
 * Typed venue failures. Job processors branch on the class: a `RetryableVenueError` is thrown back to
 * the queue (which retries with exponential backoff); any other `VenueError` fails the job for good.
 * Messages name the venue and what went wrong, and never carry credentials.
 */

/** A venue refused or failed a request in a way retrying will not fix. */
export class VenueError extends Error {
  override name = 'VenueError';
  /** Whether the same request may succeed later. */
  readonly retryable: boolean = false;
  constructor(
    readonly venue: string,
    message: string,
  ) {
    super(`${venue}: ${message}`);
  }
}

/** A transient failure (timeout, rate limit, 5xx, maintenance): the same request may succeed later. */
export class RetryableVenueError extends VenueError {
  override name = 'RetryableVenueError';
  override readonly retryable: boolean = true;
}

/** The venue throttled us (HTTP 429 or its own rate-limit error). */
export class RateLimitedError extends RetryableVenueError {
  override name = 'RateLimitedError';
}

/** The venue is down, in maintenance, timed out or answered 5xx. */
export class VenueUnavailableError extends RetryableVenueError {
  override name = 'VenueUnavailableError';
}

/**
 * The request's nonce was not above the last one the venue saw for this key: usually another client
 * shares the key. A fresh request gets a fresh nonce, so it is retryable.
 */
export class InvalidNonceError extends RetryableVenueError {
  override name = 'InvalidNonceError';
}

/** The API key is unknown, revoked, or lacks the permission the call needs. */
export class InvalidCredentialsError extends VenueError {
  override name = 'InvalidCredentialsError';
}

/** The account cannot pay for the order. */
export class InsufficientFundsError extends VenueError {
  override name = 'InsufficientFundsError';
}

/** The venue rejected the order itself (unknown symbol, below the minimum, bad quantity). */
export class OrderRejectedError extends VenueError {
  override name = 'OrderRejectedError';
}

/** No order with that id exists on the venue for this account. */
export class OrderNotFoundError extends VenueError {
  override name = 'OrderNotFoundError';
}
