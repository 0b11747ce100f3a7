/**
 * A rejected input, as given to `onInvalid` hooks and dead-letter paths.
 *
 * @example
 * ```ts
 * import type { InvalidRecord } from '@tickflow/core';
 * const dlq: InvalidRecord[] = [];
 * const onInvalid = (r: InvalidRecord) => dlq.push(r);
 * ```
 */
export interface InvalidRecord {
  /** Why it was rejected, naming the field (e.g. `price: price must be > 0`). */
  reason: string;
  /** The input as it arrived. */
  input: unknown;
  /** Dotted path of the first offending field, when one is known. */
  field?: string;
}
