import { marketSession } from './marketSession.js';

/**
 * Whether the US equities regular session is open at an instant (open inclusive, close exclusive).
 *
 * @param ts - epoch ms
 * @returns true between 9:30 and the close of a trading day, New York time
 * @example
 * ```ts
 * import { isMarketOpen } from '@tickflow/core';
 * isMarketOpen(Date.UTC(2026, 10, 23, 15, 0)); // Monday 10:00 New York → true
 * ```
 */
export function isMarketOpen(ts: number): boolean {
  const s = marketSession(ts);
  return s.isTradingDay && ts >= (s.open as number) && ts < (s.close as number);
}
