import type { AnomalyOptions } from '@tickflow/operators';

/**
 * How bars are scored for anomalies: the `anomaly` operator's own options (window and warm-up in
 * bars, threshold in standard deviations, kinds). Every one defaults to the operator's default:
 * a 100-bar window, full before anything is flagged, |z| ≥ 5, returns and volumes.
 *
 * @example
 * ```ts
 * const options: BarAnomalyOptions = { window: 100, threshold: 5 };
 * ```
 */
export type BarAnomalyOptions = Pick<AnomalyOptions, 'window' | 'threshold' | 'warmup' | 'kinds' | 'volumeScale' | 'minStdev'>;
