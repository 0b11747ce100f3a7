/**
 * Turns Kafka message values into records for {@link kafkaSource}. `decode` returns the record
 * directly when it can (the hot path) and a promise only when it must fetch something first (a
 * schema it has not seen). It throws a non-retriable error (e.g. core's `ValidationError`) for a
 * value that can never be decoded; the source then reports it to `onInvalid` and moves on.
 *
 * @example
 * ```ts
 * import type { KafkaValueDecoder } from '@tickflow/sources/kafka';
 * const text: KafkaValueDecoder<string> = { format: 'text', decode: (v) => (v ?? Buffer.alloc(0)).toString('utf8') };
 * ```
 */
export interface KafkaValueDecoder<T> {
  /** Short name of the format (`'avro'`, `'json'`). */
  readonly format: string;
  /**
   * Decodes one value.
   *
   * @param value - the raw message value (`null` for a tombstone)
   * @returns the record, or a promise of it
   */
  decode(value: Buffer | null): T | Promise<T>;
}
