/**
 * What a sink emits once a record is durable. `record` is the input record; `meta` says where it
 * went (topic/partition/offset, table, …), sink-specific.
 *
 * @example
 * ```ts
 * import type { Ack, Trade } from '@tickflow/core';
 * const onAck = (a: Ack<Trade>) => console.log('stored', a.record.symbol, a.meta);
 * ```
 */
export interface Ack<T, M = Record<string, unknown>> {
  /** The record that is now durable. */
  record: T;
  /** Where it went, sink-specific. */
  meta?: M;
}
