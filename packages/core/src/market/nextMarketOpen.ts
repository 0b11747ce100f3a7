import { marketSession } from './marketSession.js';

/**
 * The next regular-session open strictly after `ts` (skipping weekends and holidays).
 *
 * @param ts - epoch ms
 * @returns epoch ms of the next 9:30 New York open
 * @example
 * ```ts
 * import { nextMarketOpen } from '@tickflow/core';
 * new Date(nextMarketOpen(Date.UTC(2026, 11, 24, 20))).toISOString(); // '2026-12-28T14:30:00.000Z'
 * ```
 */
export function nextMarketOpen(ts: number): number {
  for (let i = 0; i < 15; i++) {
    const s = marketSession(ts + i * 86_400_000);
    if (s.isTradingDay && (s.open as number) > ts) return s.open as number;
  }
  throw new RangeError(`nextMarketOpen: no trading day within 15 days after ${new Date(ts).toISOString()}`);
}
