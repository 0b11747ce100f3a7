import { asyncScheduler, type SchedulerLike } from 'rxjs';
import { RetriesExhaustedError } from '../errors/RetriesExhaustedError.js';
import { backoff } from './backoff.js';
import { isRetriable as defaultIsRetriable } from './isRetriable.js';
import { defaultRetryPolicy, type RetryPolicy } from './RetryPolicy.js';

/**
 * Options of {@link retryAsync}.
 *
 * @example
 * ```ts
 * import { type RetryAsyncOptions, retryAsync } from '@tickflow/core';
 * const options: RetryAsyncOptions = {
 *   operation: 'fetch quotes',
 *   policy: { maxAttempts: 3, initialDelayMs: 200 },
 *   onRetry: (error, attempt, delayMs) => console.warn(`attempt ${attempt} failed, retrying in ${delayMs} ms`, error),
 * };
 * const body = await retryAsync(async () => (await fetch('https://example.com')).text(), options);
 * ```
 */
export interface RetryAsyncOptions {
  /** Name of the operation, used in the exhaustion error. */
  operation?: string;
  /** Retry policy; defaults to {@link defaultRetryPolicy}. */
  policy?: Partial<RetryPolicy>;
  /** Decides which errors are retried; defaults to {@link isRetriable}. */
  isRetriable?: (error: unknown) => boolean;
  /** Called before each retry with the error and the delay chosen. */
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
  /** Scheduler used for the waits (inject a virtual one in tests). */
  scheduler?: SchedulerLike;
  /** Random source for jitter. */
  random?: () => number;
  /** Aborts the waits and the loop. */
  signal?: AbortSignal;
}

/**
 * Runs an async function, retrying retriable failures with exponential backoff. A non-retriable
 * error is rethrown at once; when attempts run out a {@link RetriesExhaustedError} is thrown with
 * the last error as `cause`.
 *
 * @param fn - the operation; receives the 1-based attempt number
 * @param options - policy, retry predicate, scheduler, hooks
 * @returns what `fn` resolves to
 * @example
 * ```ts
 * import { retryAsync } from '@tickflow/core';
 * const body = await retryAsync(() => fetch('http://127.0.0.1:8081/subjects').then((r) => r.json()), {
 *   operation: 'list subjects', policy: { maxAttempts: 3 },
 * });
 * ```
 */
export async function retryAsync<T>(fn: (attempt: number) => Promise<T>, options: RetryAsyncOptions = {}): Promise<T> {
  const policy = { ...defaultRetryPolicy, ...options.policy };
  const retriable = options.isRetriable ?? defaultIsRetriable;
  const scheduler = options.scheduler ?? asyncScheduler;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (error) {
      if (!retriable(error) || options.signal?.aborted) throw error;
      if (attempt >= policy.maxAttempts) {
        throw new RetriesExhaustedError(options.operation ?? 'operation', attempt, error);
      }
      const delay = backoff(attempt, policy, options.random);
      options.onRetry?.(error, attempt, delay);
      await new Promise<void>((resolve) => {
        const sub = scheduler.schedule(() => {
          options.signal?.removeEventListener('abort', onAbort);
          resolve();
        }, delay);
        const onAbort = () => {
          sub.unsubscribe();
          resolve();
        };
        options.signal?.addEventListener('abort', onAbort, { once: true });
      });
    }
  }
}
