import { TickflowError, type TickflowErrorOptions } from './TickflowError.js';

/**
 * An upstream said "too many requests" (HTTP 429 or equivalent). Retriable; `retryAfterMs`
 * carries the server's `Retry-After` when it sent one.
 *
 * @example
 * ```ts
 * import { RateLimitError } from '@tickflow/core';
 * throw new RateLimitError('Yahoo answered 429', { retryAfterMs: 2000 });
 * ```
 */
export class RateLimitError extends TickflowError {
  /** How long the server asked us to wait, in ms, if it said. */
  readonly retryAfterMs: number | undefined;

  /**
   * @param message - what was rate limited
   * @param options - retryAfterMs and the usual error options
   */
  constructor(message: string, options: TickflowErrorOptions & { retryAfterMs?: number } = {}) {
    super(message, { ...options, code: options.code ?? 'RATE_LIMIT', retriable: true });
    this.retryAfterMs = options.retryAfterMs;
  }
}
