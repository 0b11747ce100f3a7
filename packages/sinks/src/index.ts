/**
 * Sinks are operators that emit an ack once a write is durable.
 *
 * @module @tickflow/sinks
 */
/**
 * The package version.
 *
 * @example
 * ```ts
 * import { version } from '@tickflow/sinks';
 * console.log(version); // '0.1.0'
 * ```
 */
export const version = '0.1.0';
