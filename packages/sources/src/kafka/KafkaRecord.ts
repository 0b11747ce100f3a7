/**
 * A record read by {@link kafkaSource}: the decoded value with where it came from. Pass it (or an
 * `Ack` of it) back to `source.ack()` once it is durably handled, so its offset can be committed.
 *
 * @example
 * ```ts
 * import type { Trade } from '@tickflow/core';
 * import type { KafkaRecord } from '@tickflow/sources/kafka';
 * const describe = (r: KafkaRecord<Trade>) =>
 *   `${r.topic}[${r.partition}]@${r.offset} key=${r.key ?? '-'}: ${r.value.symbol} ${r.value.price} (${new Date(r.timestamp).toISOString()})`;
 * ```
 */
export interface KafkaRecord<T> {
  /** Topic it was read from. */
  topic: string;
  /** Partition it was read from. */
  partition: number;
  /** Its offset in the partition, as a decimal string (Kafka offsets are int64). */
  offset: string;
  /** Message key as UTF-8, or `null`. */
  key: string | null;
  /** The decoded value. */
  value: T;
  /** Message headers as UTF-8 strings (the last value when a header repeats). */
  headers: Record<string, string>;
  /** Message timestamp, epoch ms. */
  timestamp: number;
}

/**
 * What identifies a record for acknowledgement: topic, partition and offset.
 *
 * @example
 * ```ts
 * import { Kafka } from 'kafkajs';
 * import { type KafkaRecordRef, kafkaSource } from '@tickflow/sources/kafka';
 * const source = kafkaSource({ kafka: new Kafka({ brokers: ['127.0.0.1:9092'] }), groupId: 'audit', topic: 'trades' });
 * source.subscribe((record) => {
 *   const ref: KafkaRecordRef = { topic: record.topic, partition: record.partition, offset: record.offset };
 *   source.ack(ref); // the same as source.ack(record)
 * });
 * ```
 */
export type KafkaRecordRef = Pick<KafkaRecord<unknown>, 'topic' | 'partition' | 'offset'>;
