import type { CompressionTypes, Message, Producer, TopicMessages } from 'kafkajs';
import type { KafkaDeliveryReport, KafkaOutgoingMessage, KafkaProducerAdapter } from './KafkaProducerAdapter.js';

/**
 * Options of {@link kafkajsProducerAdapter}.
 *
 * @example
 * ```ts
 * import { type KafkajsProducerAdapterOptions, kafkajsProducerAdapter } from '@tickflow/sinks/kafka';
 * import { CompressionTypes, Kafka } from 'kafkajs';
 * const producer = new Kafka({ brokers: ['127.0.0.1:9092'] }).producer({ idempotent: true });
 * const options: KafkajsProducerAdapterOptions = { acks: -1, timeoutMs: 10_000, compression: CompressionTypes.GZIP };
 * const adapter = kafkajsProducerAdapter(producer, options);
 * ```
 */
export interface KafkajsProducerAdapterOptions {
  /** Required broker acknowledgements: -1 = all in-sync replicas (default), 1 = leader, 0 = none. */
  acks?: -1 | 0 | 1;
  /** Broker-side time to wait for the acks, ms (default 30000). */
  timeoutMs?: number;
  /** kafkajs compression codec (default none). */
  compression?: CompressionTypes;
}

/**
 * Wraps a caller-owned kafkajs `Producer` as a {@link KafkaProducerAdapter}. Each sink batch
 * becomes one `producer.sendBatch()` call. The adapter never connects or disconnects the
 * producer: the caller owns it.
 *
 * For exactly-once writes per partition create the producer with `idempotent: true` (kafkajs then
 * requires `acks: -1`, retries internally with stable sequence numbers, and serializes produce
 * requests per broker).
 *
 * @param producer - a connected kafkajs producer
 * @param options - acks, timeout and compression used for every batch
 * @returns the adapter
 * @example
 * ```ts
 * import { Kafka } from 'kafkajs';
 * import { kafkajsProducerAdapter } from '@tickflow/sinks/kafka';
 * const producer = new Kafka({ brokers: ['127.0.0.1:9092'] }).producer({ idempotent: true });
 * const adapter = kafkajsProducerAdapter(producer, { acks: -1 });
 * ```
 */
export function kafkajsProducerAdapter(producer: Producer, options: KafkajsProducerAdapterOptions = {}): KafkaProducerAdapter {
  const acks = options.acks ?? -1;
  const timeout = options.timeoutMs ?? 30_000;
  const compression = options.compression;
  return {
    async send(batch: readonly KafkaOutgoingMessage[]): Promise<KafkaDeliveryReport[]> {
      const byTopic = new Map<string, Message[]>();
      let last: string | undefined;
      let lastList: Message[] | undefined;
      for (const m of batch) {
        if (m.topic !== last || !lastList) {
          last = m.topic;
          lastList = byTopic.get(m.topic);
          if (!lastList) byTopic.set(m.topic, (lastList = []));
        }
        lastList.push(m.headers ? { key: m.key, value: m.value, headers: m.headers } : { key: m.key, value: m.value });
      }
      const topicMessages: TopicMessages[] = [];
      for (const [topic, messages] of byTopic) topicMessages.push({ topic, messages });
      const res = await producer.sendBatch(
        compression === undefined ? { topicMessages, acks, timeout } : { topicMessages, acks, timeout, compression },
      );
      return res.map((r) => ({ topic: r.topicName, partition: r.partition, baseOffset: String(r.baseOffset ?? r.offset ?? '-1') }));
    },
  };
}
