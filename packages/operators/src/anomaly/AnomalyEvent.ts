import type { Trade } from '@tickflow/core';

/**
 * An unusual trade found by `anomaly`: its log return or its volume lies `score` standard
 * deviations from the symbol's rolling mean.
 *
 * @example
 * ```ts
 * import type { AnomalyEvent } from '@tickflow/operators';
 * const describe = (e: AnomalyEvent) => `${e.symbol} ${e.kind} z=${e.score.toFixed(1)} at ${new Date(e.ts).toISOString()}`;
 * ```
 */
export interface AnomalyEvent<T extends Trade = Trade> {
  /** The trade's symbol. */
  symbol: string;
  /** `'return'`: the log return ln(price / previous price) is unusual; `'volume'`: the size is. */
  kind: 'return' | 'volume';
  /** z-score: (value − mean) / stdev, signed (negative = unusually low/down). */
  score: number;
  /** The sample scored: the log return, or the volume (ln(size) by default, see `volumeScale`). */
  value: number;
  /** Mean of the window the sample was scored against (before the sample joined it). */
  mean: number;
  /** Sample standard deviation of that window. */
  stdev: number;
  /** How many samples that window held. */
  window: number;
  /** The trade's event time, epoch ms. */
  ts: number;
  /** The trade itself. */
  trade: T;
}
