import { ValidationError } from '@tickflow/core';
import type { KafkaValueDecoder } from './KafkaValueDecoder.js';

/**
 * A {@link KafkaValueDecoder} for UTF-8 JSON values. Tombstones and invalid JSON are rejected with
 * a `ValidationError` (the source reports them to `onInvalid`).
 *
 * @returns the decoder
 * @example
 * ```ts
 * import { jsonDecoder } from '@tickflow/sources/kafka';
 * jsonDecoder().decode(Buffer.from('{"symbol":"AAPL"}'));
 * ```
 */
export function jsonDecoder<T = unknown>(): KafkaValueDecoder<T> {
  return {
    format: 'json',
    decode(value: Buffer | null): T {
      if (value === null) throw new ValidationError('value is null (a tombstone), expected JSON');
      try {
        return JSON.parse(value.toString('utf8')) as T;
      } catch (error) {
        throw new ValidationError(`value is not valid JSON: ${(error as Error).message}`, { cause: error });
      }
    },
  };
}
