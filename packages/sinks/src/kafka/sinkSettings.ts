import { ConfigurationError } from '@tickflow/core';
import type { KafkaSinkOptions } from './KafkaSinkOptions.js';

/**
 * Validates the sink's numeric settings and applies their defaults.
 *
 * @param options - the sink options
 * @returns batch size, in-flight bound, buffer bound, message size bound and linger
 * @throws ConfigurationError naming the setting, e.g. for two batches in flight without `preserveOrder: false`
 * @internal
 */
export function sinkSettings<T>(options: KafkaSinkOptions<T>) {
  const batchSize = positiveInt(options.batchSize ?? 1000, 'batchSize');
  const maxInFlight = positiveInt(options.maxInFlightBatches ?? 1, 'maxInFlightBatches');
  const maxBuffered = positiveInt(options.maxBuffered ?? 100_000, 'maxBuffered');
  const maxBytes = positiveInt(options.maxMessageBytes ?? 1_000_000, 'maxMessageBytes');
  const lingerMs = options.lingerMs ?? 5;
  if (!(lingerMs >= 0)) throw new ConfigurationError(`kafkaSink lingerMs must be >= 0, got ${lingerMs}`, { setting: 'lingerMs' });
  if (maxInFlight > 1 && options.preserveOrder !== false) {
    throw new ConfigurationError(`kafkaSink maxInFlightBatches ${maxInFlight} can reorder a key's records when a batch is retried`, {
      setting: 'maxInFlightBatches',
      hint: 'use maxInFlightBatches: 1, or pass preserveOrder: false to accept reordering on retries',
    });
  }
  return { batchSize, maxInFlight, maxBuffered, maxBytes, lingerMs };
}

function positiveInt(v: number, setting: string): number {
  if (!Number.isInteger(v) || v < 1) throw new ConfigurationError(`kafkaSink ${setting} must be an integer >= 1, got ${v}`, { setting });
  return v;
}
