/**
 * NATS JetStream sink.
 *
 * @module @tickflow/sinks/nats
 */
export { type EnsureStreamOptions, ensureStream } from './ensureStream.js';
export type { NatsAckMeta, NatsDeadLetter, NatsSinkOptions } from './NatsSinkOptions.js';
export { natsSink } from './natsSink.js';
