/**
 * Start of the window of `size` ms (aligned to the epoch) that contains `ts`.
 * @param ts - event time (ms)
 * @param size - window size (ms)
 * @returns the window start
 * @example
 * ```ts
 * floorTo(301_000, 300_000); // 300000
 * ```
 */
export function floorTo(ts: number, size: number): number {
  return ts - (((ts % size) + size) % size);
}
