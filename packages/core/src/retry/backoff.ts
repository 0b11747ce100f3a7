import { ConfigurationError } from '../errors/ConfigurationError.js';
import { defaultRetryPolicy, type RetryPolicy } from './RetryPolicy.js';

/**
 * The delay before retry number `attempt` (1 = first retry): exponential, capped, with jitter.
 * A pure function of its inputs: pass a seeded `random` (see {@link seededRandom}) and the result
 * is exact, which is how the tests check it.
 *
 * @param attempt - 1-based retry number
 * @param policy - the retry policy (defaults to {@link defaultRetryPolicy})
 * @param random - a source of numbers in [0, 1); defaults to `Math.random`
 * @returns the delay in whole milliseconds
 * @example
 * ```ts
 * import { backoff, seededRandom } from '@tickflow/core';
 * const rnd = seededRandom(42);
 * const delays = [1, 2, 3].map((n) => backoff(n, undefined, rnd));
 * ```
 */
export function backoff(attempt: number, policy: Partial<RetryPolicy> = defaultRetryPolicy, random: () => number = Math.random): number {
  const p = { ...defaultRetryPolicy, ...policy };
  if (!Number.isInteger(attempt) || attempt < 1) {
    throw new ConfigurationError(`backoff attempt must be an integer >= 1, got ${String(attempt)}`, { setting: 'attempt' });
  }
  if (p.jitter < 0 || p.jitter > 1) {
    throw new ConfigurationError(`retry jitter must be between 0 and 1, got ${p.jitter}`, { setting: 'jitter' });
  }
  const exp = p.initialDelayMs * p.multiplier ** (attempt - 1);
  const capped = Math.min(p.maxDelayMs, Number.isFinite(exp) ? exp : p.maxDelayMs);
  const fixed = capped * (1 - p.jitter);
  return Math.round(fixed + capped * p.jitter * random());
}
