import type { ApiBar } from './BarReader.js';

/**
 * An unusual bar, as `GET /api/anomalies` and the `anomaly` event of `GET /api/stream` return it:
 * the `anomaly` operator's event for one final bar of a series, scored as a trade-like point
 * (close as price, volume as size, the bar's start as time).
 *
 * @example
 * ```ts
 * const a: ApiAnomaly = { symbol: 'AAPL', interval: '5m', kind: 'volume', score: 6.2, value: 9.9, mean: 7.1, stdev: 0.45, window: 100, ts: 1704205800000, bar };
 * const text = `${a.kind} z=${a.score.toFixed(1)}`; // "volume z=6.2"
 * ```
 */
export interface ApiAnomaly {
  /** The bar's symbol. */
  symbol: string;
  /** The bar's interval (`5m` or `1h`). */
  interval: string;
  /** `'return'`: ln(close / previous close) is unusual; `'volume'`: ln(volume) is. */
  kind: 'return' | 'volume';
  /** z-score against the series' previous `window` bars, signed (negative = unusually low/down). */
  score: number;
  /** The sample scored: the log return, or ln(volume). */
  value: number;
  /** Mean of the window the bar was scored against. */
  mean: number;
  /** Sample standard deviation of that window. */
  stdev: number;
  /** How many bars that window held. */
  window: number;
  /** The bar's start (epoch ms): the candle the marker goes on. */
  ts: number;
  /** The bar itself. */
  bar: ApiBar;
}
