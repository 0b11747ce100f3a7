/**
 * The start of the UTC-epoch-aligned window of `sizeMs` that contains `ts` (works for negative
 * timestamps too).
 *
 * @param ts - epoch ms
 * @param sizeMs - window size in ms
 * @returns the window start, epoch ms
 * @example
 * ```ts
 * import { alignToInterval } from '@tickflow/core';
 * alignToInterval(Date.UTC(2024, 0, 1, 9, 33), 300_000) === Date.UTC(2024, 0, 1, 9, 30); // true
 * ```
 */
export function alignToInterval(ts: number, sizeMs: number): number {
  return ts - (((ts % sizeMs) + sizeMs) % sizeMs);
}
