import { ConfigurationError } from '@tickflow/core';
import { avroEncoder } from './avroEncoder.js';
import type { KafkaSinkOptions } from './KafkaSinkOptions.js';
import type { KafkaValueEncoder } from './KafkaValueEncoder.js';

/**
 * The encoder a sink uses: `encoder` when given, else Avro through `registry`.
 *
 * @param options - the sink options
 * @returns the encoder
 * @internal
 */
export function resolveEncoder<T>(options: KafkaSinkOptions<T>): KafkaValueEncoder<T> {
  if (options.encoder) return options.encoder;
  if (options.registry) {
    return avroEncoder({ registry: options.registry, ...(options.schema ? { schema: options.schema } : {}) }) as KafkaValueEncoder<T>;
  }
  throw new ConfigurationError('kafkaSink needs a value encoder', {
    setting: 'encoder',
    hint: "pass registry (Avro via the schema registry) or encoder: jsonEncoder() / avroEncoder({...})",
  });
}
