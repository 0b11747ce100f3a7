/**
 * One message handed to a {@link KafkaProducerAdapter}.
 *
 * @example
 * ```ts
 * import type { KafkaOutgoingMessage } from '@tickflow/sinks/kafka';
 * const message: KafkaOutgoingMessage = { topic: 'trades_raw', key: 'AAPL', value: Buffer.from('{}'), headers: { source: 'demo' } };
 * ```
 */
export interface KafkaOutgoingMessage {
  /** Destination topic. */
  topic: string;
  /** Partitioning key (`null` lets the client spread messages). */
  key: string | null;
  /** Encoded value (`null` is a tombstone). */
  value: Buffer | null;
  /** Message headers. */
  headers?: Record<string, string>;
}

/**
 * Where a broker put a run of messages: one entry per topic-partition of a batch.
 *
 * @example
 * ```ts
 * import type { KafkaDeliveryReport } from '@tickflow/sinks/kafka';
 * const report: KafkaDeliveryReport = { topic: 'trades_raw', partition: 3, baseOffset: '1024' };
 * ```
 */
export interface KafkaDeliveryReport {
  /** Topic written. */
  topic: string;
  /** Partition written. */
  partition: number;
  /** Offset of the first message of the batch in that partition (a decimal string, Kafka offsets are int64). */
  baseOffset: string;
}

/**
 * The small surface {@link kafkaSink} needs from a Kafka client: send a batch and resolve only
 * once the broker acknowledged every message of it (with the acks level the adapter was built
 * with). A batch is all-or-nothing from the sink's point of view: a rejection means the whole
 * batch is retried (or, for record-level errors, split and retried one by one).
 *
 * Implement it to plug in another client (e.g. `@platformatic/kafka`); {@link kafkajsProducerAdapter}
 * is the kafkajs one.
 *
 * @example
 * ```ts
 * import type { KafkaProducerAdapter } from '@tickflow/sinks/kafka';
 * const memory: KafkaProducerAdapter = {
 *   async send(batch) {
 *     return [{ topic: batch[0]?.topic ?? 't', partition: 0, baseOffset: '0' }];
 *   },
 * };
 * ```
 */
export interface KafkaProducerAdapter {
  /**
   * Writes `batch` in order and resolves once the broker acknowledged it.
   *
   * @param batch - messages, possibly for several topics
   * @returns the base offset per topic-partition written
   */
  send(batch: readonly KafkaOutgoingMessage[]): Promise<KafkaDeliveryReport[]>;
}
