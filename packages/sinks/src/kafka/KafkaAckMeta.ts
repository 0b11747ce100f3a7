/**
 * Where an acknowledged record went; the `meta` of {@link kafkaSink}'s `Ack`s.
 *
 * `partition` and `offset` say exactly where the record landed (read it back with a consumer
 * seeking to that offset, or checkpoint it). They are set when the producer tells which partition
 * each message went to: always with a sink-created producer (`producer: kafka`), with a kafkajs
 * producer created with `createPartitioner: trackingPartitioner(Partitioners.DefaultPartitioner)`,
 * for any kafkajs producer when all of a batch's records for a topic went to one partition, and
 * with a custom {@link KafkaProducerAdapter} that returns `indexes` in its reports. They are
 * absent when that is not known (a plain kafkajs producer spreading a batch over several
 * partitions, a custom adapter without `indexes`, `acks: 0`), and for a record dead-lettered
 * without a `dlqTopic` (it was never written).
 *
 * @example
 * ```ts
 * import type { Ack, Trade } from '@tickflow/core';
 * import type { KafkaAckMeta } from '@tickflow/sinks/kafka';
 * const logAck = (ack: Ack<Trade, KafkaAckMeta>) => {
 *   const m = ack.meta;
 *   if (m?.deadLetter) console.warn(`dead-lettered to ${m.topic}: ${m.deadLetter}`);
 *   else if (m?.offset !== undefined) console.log(`${ack.record.symbol} at ${m.topic}/${m.partition}@${m.offset}`);
 *   else console.log(`${ack.record.symbol} written to ${m?.topic}`);
 * };
 * ```
 */
export interface KafkaAckMeta {
  /** Topic written (the dead-letter topic for dead-lettered records). */
  topic: string;
  /** Message key. */
  key: string | null;
  /** Partition the record was written to, when known (see above). */
  partition?: number;
  /**
   * Offset of the record in that partition, when known: Kafka's int64 offset as a decimal string
   * (`'1024'`), set together with `partition`.
   */
  offset?: string;
  /** Set when the record was dead-lettered instead of written: the reason. */
  deadLetter?: string;
}
