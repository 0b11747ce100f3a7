/**
 * RxJS operators for market data in event time: validate, dedupe, watermark, ohlcvWindow, rollup and more.
 *
 * @module @tickflow/operators
 */
/**
 * The package version.
 *
 * @example
 * ```ts
 * import { version } from '@tickflow/operators';
 * console.log(version); // '0.1.0'
 * ```
 */
export const version = '0.1.0';
export { type AnomalyEvent, type AnomalyOptions, anomaly } from './anomaly/index.js';
export { type DedupeOptions, dedupe } from './dedupe.js';
export { type MergeTarget, mergeBars } from './mergeBars.js';
export {
  type OhlcvBar,
  type OhlcvWindowOptions,
  ohlcvWindow,
  type TradeConditionRules,
} from './ohlcvWindow.js';
export { type RollupOptions, rollup } from './rollup.js';
export { type ValidateOptions, validate } from './validate.js';
export type { Watermarked } from './Watermarked.js';
export { type WatermarkOptions, watermark } from './watermark.js';
