import { ValidationError } from '@tickflow/core';
import type { KafkaValueEncoder } from './KafkaValueEncoder.js';

/**
 * A {@link KafkaValueEncoder} writing UTF-8 JSON values (no schema registry needed). Values that
 * JSON cannot represent (a `bigint`, a cycle) are rejected and dead-lettered by the sink.
 *
 * @returns the encoder
 * @example
 * ```ts
 * import { jsonEncoder } from '@tickflow/sinks/kafka';
 * jsonEncoder().encode({ symbol: 'AAPL', price: 1, size: 1, ts: 0 }, 'trades_raw');
 * ```
 */
export function jsonEncoder<T = unknown>(): KafkaValueEncoder<T> {
  return {
    format: 'json',
    prepare: () => undefined,
    encode(record: T): Buffer {
      let text: string | undefined;
      try {
        text = JSON.stringify(record);
      } catch (error) {
        throw new ValidationError(`record cannot be encoded as JSON: ${(error as Error).message}`, { input: record, cause: error });
      }
      if (text === undefined) throw new ValidationError('record cannot be encoded as JSON: it is undefined or a function', { input: record });
      return Buffer.from(text, 'utf8');
    },
  };
}
