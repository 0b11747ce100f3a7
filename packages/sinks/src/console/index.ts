/**
 * A sink that prints records, for demos and debugging.
 *
 * @module @tickflow/sinks/console
 */
export { type ConsoleSinkOptions, consoleSink } from './consoleSink.js';
