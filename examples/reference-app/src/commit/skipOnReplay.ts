import { floorTo } from './floorTo.js';

/**
 * Whether a replayed record must skip the windows: its coarse window ended at or before the
 * partition's stored `closedThrough`, so its bars are already complete in the store.
 *
 * @param ts - the record's event time
 * @param closedThrough - from the partition's last commit
 * @param coarseWindowMs - the coarse window (default 1 h)
 * @returns true when the record must only be written to Bronze/Silver
 * @example
 * ```ts
 * skipOnReplay(Date.UTC(2020, 1, 22, 0, 30), Date.UTC(2020, 1, 22, 1, 0)); // true
 * ```
 */
export function skipOnReplay(ts: number, closedThrough: number, coarseWindowMs = 3_600_000): boolean {
  return floorTo(ts, coarseWindowMs) + coarseWindowMs <= closedThrough;
}
