import type { Instrumentation, Trade } from '@tickflow/core';
import type { AnomalyEvent } from './AnomalyEvent.js';

/**
 * Options of `anomaly`.
 *
 * @example
 * ```ts
 * import { type AnomalyOptions, anomaly } from '@tickflow/operators';
 * const options: AnomalyOptions = { window: 200, threshold: 6, kinds: ['return'], onAnomaly: (e) => console.warn(e.symbol, e.score) };
 * const flagUnusualMoves = anomaly(options);
 * ```
 */
export interface AnomalyOptions<T extends Trade = Trade> {
  /** Samples per symbol in the rolling window (default 100). */
  window?: number;
  /** Flag a sample when |z| ≥ threshold (default 5; see the false-positive rates in `anomaly`). */
  threshold?: number;
  /** Samples a symbol's window must hold before anything is flagged (default `window`; at least 2). */
  warmup?: number;
  /** What to score (default both: `['return', 'volume']`). */
  kinds?: ('return' | 'volume')[];
  /** Volume scale: `'log'` scores ln(size) (default: sizes are heavy-tailed), `'linear'` the size. */
  volumeScale?: 'log' | 'linear';
  /** Windows with a smaller stdev (e.g. a price that never moved) flag nothing (default 1e-12). */
  minStdev?: number;
  /** Symbols tracked at once; the least recently seen is forgotten beyond it (default 10000). */
  maxSymbols?: number;
  /** The side output: called with each anomaly, synchronously, before the trade is passed on. */
  onAnomaly?: (event: AnomalyEvent<T>) => void;
  /** Metrics (`anomalies_total{kind}`) and logs (default none). */
  instrumentation?: Instrumentation;
}
