/**
 * How often and how patiently to retry a retriable failure.
 *
 * Delay before retry `n` (1-based) is `min(maxDelayMs, initialDelayMs · multiplier^(n-1))`, of which
 * the fraction `jitter` is randomised (0 = none, 1 = "full jitter").
 *
 * @example
 * ```ts
 * import type { RetryPolicy } from '@tickflow/core';
 * const patient: RetryPolicy = { maxAttempts: 10, initialDelayMs: 200, maxDelayMs: 30_000, multiplier: 2, jitter: 0.2 };
 * ```
 */
export interface RetryPolicy {
  /** Total attempts including the first; `Infinity` retries forever. */
  maxAttempts: number;
  /** Delay before the first retry, ms. */
  initialDelayMs: number;
  /** Upper bound of any delay, ms. */
  maxDelayMs: number;
  /** Growth factor per attempt (2 = doubling). */
  multiplier: number;
  /** Fraction of the delay that is random, 0..1. */
  jitter: number;
}

/**
 * The default policy: 5 attempts, 100 ms doubling up to 10 s, 20 % jitter (as kafkajs retries).
 *
 * @example
 * ```ts
 * import { defaultRetryPolicy } from '@tickflow/core';
 * const policy = { ...defaultRetryPolicy, maxAttempts: 3 };
 * ```
 */
export const defaultRetryPolicy: Readonly<RetryPolicy> = Object.freeze({
  maxAttempts: 5,
  initialDelayMs: 100,
  maxDelayMs: 10_000,
  multiplier: 2,
  jitter: 0.2,
});
