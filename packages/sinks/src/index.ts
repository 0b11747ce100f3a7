/**
 * Sinks are operators that emit an ack once a write is durable.
 *
 * @module @tickflow/sinks
 */
/** The package version. */
export const version = '0.1.0';
