import type { Kafka, Producer } from 'kafkajs';
import { isKafka } from './isKafka.js';
import type { KafkaProducerAdapter } from './KafkaProducerAdapter.js';
import { type KafkajsProducerAdapterOptions, kafkajsProducerAdapter } from './kafkajsProducerAdapter.js';

/** @internal What {@link kafkaSink} sends through, and how to start and stop it. */
export interface ResolvedProducer {
  adapter: KafkaProducerAdapter;
  /** Settles once the producer is usable (only when the sink created it). */
  start?: () => Promise<void>;
  /** Disconnects a producer the sink created; undefined for caller-owned clients. */
  close?: () => Promise<void>;
}

/**
 * Picks the adapter for what the caller passed.
 *
 * @param producer - a kafkajs `Producer`, `Kafka`, or an adapter
 * @param options - acks, timeout, compression
 * @returns the adapter, plus start/close when the sink owns the client
 * @internal
 */
export function resolveProducer(producer: Producer | Kafka | KafkaProducerAdapter, options: KafkajsProducerAdapterOptions): ResolvedProducer {
  if (isKafka(producer)) {
    const own = producer.producer({ idempotent: options.acks === undefined || options.acks === -1, maxInFlightRequests: 1 });
    return {
      adapter: kafkajsProducerAdapter(own, options),
      start: () => own.connect(),
      close: () => own.disconnect(),
    };
  }
  if (typeof (producer as Producer).sendBatch === 'function') return { adapter: kafkajsProducerAdapter(producer as Producer, options) };
  return { adapter: producer as KafkaProducerAdapter };
}
