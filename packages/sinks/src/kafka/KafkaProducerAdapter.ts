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
 * `indexes` (optional) says which messages of the batch that run holds: the message at
 * `batch[indexes[j]]` got offset `baseOffset + j`. {@link kafkaSink} fills each ack's `partition`
 * and `offset` from it; an adapter that leaves it out still works, its acks then carry no
 * partition or offset.
 *
 * @example
 * ```ts
 * import type { KafkaDeliveryReport } from '@tickflow/sinks/kafka';
 * // batch[0] and batch[2] went to partition 3 at offsets 1024 and 1025, batch[1] to partition 7 at 88
 * const reports: KafkaDeliveryReport[] = [
 *   { topic: 'trades_raw', partition: 3, baseOffset: '1024', indexes: [0, 2] },
 *   { topic: 'trades_raw', partition: 7, baseOffset: '88', indexes: [1] },
 * ];
 * ```
 */
export interface KafkaDeliveryReport {
  /** Topic written. */
  topic: string;
  /** Partition written. */
  partition: number;
  /** Offset of the first message of the run in that partition (a decimal string, Kafka offsets are int64). */
  baseOffset: string;
  /**
   * Positions in the sent batch of the messages written to this topic-partition, in the order
   * they were appended (contiguous from `baseOffset`). Leave it out when unknown.
   */
  indexes?: readonly number[];
}

/**
 * The small surface {@link kafkaSink} needs from a Kafka client: send a batch and resolve only
 * once the broker acknowledged every message of it (with the acks level the adapter was built
 * with). A batch is all-or-nothing from the sink's point of view: a rejection means the whole
 * batch is retried (or, for record-level errors, split and retried one by one).
 *
 * Implement it to plug in another client (e.g. `@platformatic/kafka`); {@link kafkajsProducerAdapter}
 * is the kafkajs one. Return `indexes` in each report so the sink's acks carry each record's
 * partition and offset; adapters written before `indexes` existed keep working (their acks carry
 * topic and key only).
 *
 * @example
 * ```ts
 * import type { KafkaOutgoingMessage, KafkaProducerAdapter } from '@tickflow/sinks/kafka';
 * // An in-memory log of one topic with one partition: message i of a batch lands at offset base + i.
 * const log: KafkaOutgoingMessage[] = [];
 * const memory: KafkaProducerAdapter = {
 *   async send(batch) {
 *     const baseOffset = String(log.length);
 *     log.push(...batch);
 *     return [{ topic: 'trades_raw', partition: 0, baseOffset, indexes: batch.map((_, i) => i) }];
 *   },
 * };
 * ```
 */
export interface KafkaProducerAdapter {
  /**
   * Writes `batch` in order and resolves once the broker acknowledged it.
   *
   * @param batch - messages, possibly for several topics
   * @returns the base offset per topic-partition written, with the batch positions of its messages when known
   */
  send(batch: readonly KafkaOutgoingMessage[]): Promise<KafkaDeliveryReport[]>;
}
