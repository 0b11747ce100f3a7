import type { Kafka, Producer } from 'kafkajs';
import { isKafka } from './isKafka.js';
import type { KafkaProducerAdapter } from './KafkaProducerAdapter.js';
import { type KafkajsProducerAdapterOptions, kafkajsProducerAdapter } from './kafkajsProducerAdapter.js';
import { trackingPartitioner } from './trackingPartitioner.js';

/** @internal What {@link kafkaSink} sends through, and how to start and stop it. */
export interface ResolvedProducer {
  adapter: KafkaProducerAdapter;
  /** Settles once the producer is usable (only when the sink created it). */
  start?: () => Promise<void>;
  /** Disconnects a producer the sink created; undefined for caller-owned clients. */
  close?: () => Promise<void>;
}

/**
 * Picks the adapter for what the caller passed. From a `Kafka` it creates its own idempotent
 * producer with kafkajs's own default partitioner wrapped in {@link trackingPartitioner} (same
 * key → partition mapping as a plain kafkajs producer; acks carry partition and offset). kafkajs is
 * loaded only then, so the subpath stays usable with another client behind an adapter.
 *
 * @param producer - a kafkajs `Producer`, `Kafka`, or an adapter
 * @param options - acks, timeout, compression
 * @returns the adapter, plus start/close when the sink owns the client
 * @internal
 */
export function resolveProducer(producer: Producer | Kafka | KafkaProducerAdapter, options: KafkajsProducerAdapterOptions): ResolvedProducer {
  if (isKafka(producer)) return ownProducer(producer, options);
  if (typeof (producer as Producer).sendBatch === 'function') return { adapter: kafkajsProducerAdapter(producer as Producer, options) };
  return { adapter: producer as KafkaProducerAdapter };
}

function ownProducer(kafka: Kafka, options: KafkajsProducerAdapterOptions): ResolvedProducer {
  let own: Promise<{ producer: Producer; adapter: KafkaProducerAdapter }> | undefined;
  const create = () => {
    own ??= import('kafkajs').then((k) => {
      const Partitioners = k.Partitioners ?? (k as unknown as { default: typeof k }).default.Partitioners;
      const producer = kafka.producer({
        idempotent: options.acks === undefined || options.acks === -1,
        maxInFlightRequests: 1,
        createPartitioner: trackingPartitioner(Partitioners.DefaultPartitioner),
      });
      return { producer, adapter: kafkajsProducerAdapter(producer, options) };
    });
    return own;
  };
  return {
    adapter: { send: async (batch) => (await create()).adapter.send(batch) },
    start: async () => (await create()).producer.connect(),
    close: async () => {
      if (own) await (await own).producer.disconnect();
    },
  };
}
