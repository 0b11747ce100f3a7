import type { OhlcvBar } from './ohlcvWindow.js';

/**
 * Test-only: a bar from its fields in the usual OHLCV order (not exported by the package).
 * @example `ohlcv('AAPL', '5m', 0, 300_000, 1, 2, 1, 2, 10, 2, 1.5)`
 */
export const ohlcv = (
  symbol: string,
  interval: string,
  start: number,
  end: number,
  open: number,
  high: number,
  low: number,
  close: number,
  volume: number,
  count: number,
  vwap: number,
): OhlcvBar => ({ symbol, interval, start, end, open, high, low, close, volume, count, vwap });
