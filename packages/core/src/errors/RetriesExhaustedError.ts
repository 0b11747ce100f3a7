import { TickflowError, type TickflowErrorOptions } from './TickflowError.js';

/**
 * An operation kept failing with retriable errors until the retry policy gave up. `cause` is the
 * last error; `attempts` how many were made.
 *
 * @example
 * ```ts
 * import { RetriesExhaustedError } from '@tickflow/core';
 * throw new RetriesExhaustedError('kafka send', 5, new Error('broker down'));
 * ```
 */
export class RetriesExhaustedError extends TickflowError {
  /** Number of attempts made. */
  readonly attempts: number;

  /**
   * @param operation - what was being attempted
   * @param attempts - how many attempts were made
   * @param cause - the last error
   * @param options - the usual error options
   */
  constructor(operation: string, attempts: number, cause: unknown, options: TickflowErrorOptions = {}) {
    const last = cause instanceof Error ? cause.message : String(cause);
    super(`${operation} failed after ${attempts} attempts: ${last}`, {
      hint: 'check that the server is reachable, or raise retry.maxAttempts',
      ...options,
      cause,
      code: options.code ?? 'RETRIES_EXHAUSTED',
      retriable: false,
    });
    this.attempts = attempts;
  }
}
