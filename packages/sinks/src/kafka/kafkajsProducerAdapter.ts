import type { CompressionTypes, Message, Producer, RecordMetadata, TopicMessages } from 'kafkajs';
import type { KafkaDeliveryReport, KafkaOutgoingMessage, KafkaProducerAdapter } from './KafkaProducerAdapter.js';
import { partitionChoice, type TrackedMessage } from './partitionChoice.js';
import { placeTopic } from './placeTopic.js';

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

/** One topic's messages of a batch, and where each sits in the batch. */
interface TopicRun {
  messages: (Message & TrackedMessage)[];
  at: number[];
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
 * Each report carries `indexes` (so the sink's acks carry partition and offset) when the
 * partition of every message is known: the producer was created with
 * `createPartitioner: trackingPartitioner(...)`, or all of the batch's messages for a topic went to
 * one partition. kafkajs appends a topic-partition's messages of one request as one record batch,
 * in the order given, so message `j` of that run is at `baseOffset + j`.
 *
 * @param producer - a connected kafkajs producer
 * @param options - acks, timeout and compression used for every batch
 * @returns the adapter
 * @example
 * ```ts
 * import { Kafka, Partitioners } from 'kafkajs';
 * import { kafkajsProducerAdapter, trackingPartitioner } from '@tickflow/sinks/kafka';
 * const producer = new Kafka({ brokers: ['127.0.0.1:9092'] }).producer({
 *   idempotent: true,
 *   createPartitioner: trackingPartitioner(Partitioners.DefaultPartitioner),
 * });
 * const adapter = kafkajsProducerAdapter(producer, { acks: -1 });
 * ```
 */
export function kafkajsProducerAdapter(producer: Producer, options: KafkajsProducerAdapterOptions = {}): KafkaProducerAdapter {
  const acks = options.acks ?? -1;
  const timeout = options.timeoutMs ?? 30_000;
  const compression = options.compression;
  return {
    async send(batch: readonly KafkaOutgoingMessage[]): Promise<KafkaDeliveryReport[]> {
      const byTopic = new Map<string, TopicRun>();
      let last: string | undefined;
      let run: TopicRun | undefined;
      for (let i = 0; i < batch.length; i++) {
        const m = batch[i] as KafkaOutgoingMessage;
        if (m.topic !== last || !run) {
          last = m.topic;
          run = byTopic.get(m.topic);
          if (!run) byTopic.set(m.topic, (run = { messages: [], at: [] }));
        }
        // The empty slot lets a trackingPartitioner note the partition kafkajs chooses for it.
        run.messages.push(
          m.headers ? { key: m.key, value: m.value, headers: m.headers, [partitionChoice]: undefined } : { key: m.key, value: m.value, [partitionChoice]: undefined },
        );
        run.at.push(i);
      }
      const topicMessages: TopicMessages[] = [];
      for (const [topic, { messages }] of byTopic) topicMessages.push({ topic, messages });
      const res = await producer.sendBatch(
        compression === undefined ? { topicMessages, acks, timeout } : { topicMessages, acks, timeout, compression },
      );
      return reportsOf(res, byTopic);
    },
  };
}

/** kafkajs's per-partition results as reports, with each run's batch positions where known. */
function reportsOf(res: RecordMetadata[], byTopic: Map<string, TopicRun>): KafkaDeliveryReport[] {
  const reports: KafkaDeliveryReport[] = [];
  const perTopic = new Map<string, KafkaDeliveryReport[]>();
  for (const r of res) {
    const report: KafkaDeliveryReport = { topic: r.topicName, partition: r.partition, baseOffset: String(r.baseOffset ?? r.offset ?? '-1') };
    reports.push(report);
    let list = perTopic.get(report.topic);
    if (!list) perTopic.set(report.topic, (list = []));
    list.push(report);
  }
  for (const [topic, list] of perTopic) {
    const run = byTopic.get(topic);
    if (run) placeTopic(list, run.messages, run.at);
  }
  return reports;
}
