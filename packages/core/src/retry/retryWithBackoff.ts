import { asyncScheduler, type MonoTypeOperatorFunction, retry, type SchedulerLike, throwError, timer } from 'rxjs';
import { RetriesExhaustedError } from '../errors/RetriesExhaustedError.js';
import { backoff } from './backoff.js';
import { isRetriable as defaultIsRetriable } from './isRetriable.js';
import { defaultRetryPolicy, type RetryPolicy } from './RetryPolicy.js';

/**
 * Options of {@link retryWithBackoff}.
 *
 * @example
 * ```ts
 * import { type RetryWithBackoffOptions, retryWithBackoff } from '@tickflow/core';
 * import { interval } from 'rxjs';
 * const options: RetryWithBackoffOptions = { operation: 'ticks', policy: { maxAttempts: 10 }, resetOnSuccess: true };
 * interval(1000).pipe(retryWithBackoff(options)).subscribe();
 * ```
 */
export interface RetryWithBackoffOptions {
  /** Retry policy (default {@link defaultRetryPolicy}). */
  policy?: Partial<RetryPolicy>;
  /** Which errors to retry (default {@link isRetriable}). */
  isRetriable?: (error: unknown) => boolean;
  /** Called before each resubscription. */
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
  /** Scheduler for the delays. */
  scheduler?: SchedulerLike;
  /** Random source for jitter. */
  random?: () => number;
  /** Name used in the exhaustion error. */
  operation?: string;
  /** Reset the attempt count once a value arrives (default true). */
  resetOnSuccess?: boolean;
}

/**
 * RxJS operator: resubscribes to the source after a retriable error, waiting `backoff(attempt)`
 * on the given scheduler. Non-retriable errors pass through; exhaustion errors the stream with
 * a {@link RetriesExhaustedError}.
 *
 * @param options - policy, predicate, scheduler and hooks
 * @returns a mono-type operator
 * @example
 * ```ts
 * import { defer } from 'rxjs';
 * import { retryWithBackoff } from '@tickflow/core';
 * const quotes$ = defer(() => fetch('http://127.0.0.1:9/q').then((r) => r.json())).pipe(
 *   retryWithBackoff({ policy: { maxAttempts: 3 } }),
 * );
 * ```
 */
export function retryWithBackoff<T>(options: RetryWithBackoffOptions = {}): MonoTypeOperatorFunction<T> {
  const policy = { ...defaultRetryPolicy, ...options.policy };
  const retriable = options.isRetriable ?? defaultIsRetriable;
  const scheduler = options.scheduler ?? asyncScheduler;
  return retry<T>({
    resetOnSuccess: options.resetOnSuccess ?? true,
    delay: (error, attempt) => {
      if (!retriable(error)) return throwError(() => error);
      if (attempt >= policy.maxAttempts) {
        return throwError(() => new RetriesExhaustedError(options.operation ?? 'operation', attempt, error));
      }
      const d = backoff(attempt, policy, options.random);
      options.onRetry?.(error, attempt, d);
      return timer(d, scheduler);
    },
  });
}
