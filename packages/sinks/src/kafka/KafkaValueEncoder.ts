/**
 * Turns records into Kafka message values for {@link kafkaSink}. Encoding is synchronous so the hot
 * path never awaits; anything asynchronous (a schema-registry lookup) happens once per topic in
 * {@link KafkaValueEncoder.prepare}.
 *
 * @example
 * ```ts
 * import type { KafkaValueEncoder } from '@tickflow/sinks/kafka';
 * const utf8: KafkaValueEncoder<string> = {
 *   format: 'text',
 *   prepare: () => undefined,
 *   encode: (s) => Buffer.from(s, 'utf8'),
 * };
 * ```
 */
export interface KafkaValueEncoder<T> {
  /** Short name of the format, used in metrics and dead-letter headers (`'avro'`, `'json'`). */
  readonly format: string;
  /**
   * Gets ready to encode for `topic` (e.g. looks up or registers the schema).
   *
   * @param topic - the destination topic
   * @returns `undefined` when already ready, otherwise a promise that settles once ready
   */
  prepare(topic: string): Promise<void> | undefined;
  /**
   * Encodes one record; called only after `prepare(topic)` settled.
   *
   * @param record - the record
   * @param topic - the destination topic
   * @returns the message value
   * @throws when the record cannot be encoded (the sink dead-letters it with the error message)
   */
  encode(record: T, topic: string): Buffer;
}
