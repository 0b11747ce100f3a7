import type { ICustomPartitioner, PartitionerArgs } from 'kafkajs';
import { partitionChoice, type TrackedMessage } from './partitionChoice.js';

/**
 * Wraps a kafkajs partitioner so {@link kafkaSink} learns which partition each message went to,
 * and can put every ack's exact `partition` and `offset` in its meta. The partition is still
 * chosen by `base`, unchanged: pass `Partitioners.DefaultPartitioner` to keep the mapping of a
 * plain kafkajs 2.x producer (murmur2 of the key modulo the partition count, the Java client's
 * mapping), or `Partitioners.LegacyPartitioner` / your own to keep that one.
 *
 * Use it when you create the producer you hand to `kafkaSink`; a producer the sink creates itself
 * (`producer: kafka`) already uses `trackingPartitioner(Partitioners.DefaultPartitioner)`.
 * Without it the sink still knows a record's place when all of a batch's records for a topic went
 * to one partition.
 *
 * @param base - the kafkajs partitioner factory that decides (e.g. `Partitioners.DefaultPartitioner`)
 * @returns a partitioner factory for `kafka.producer({ createPartitioner })`
 * @example
 * ```ts
 * import { jsonEncoder, kafkaSink, trackingPartitioner } from '@tickflow/sinks/kafka';
 * import { Kafka, Partitioners } from 'kafkajs';
 * const producer = new Kafka({ brokers: ['127.0.0.1:9092'] }).producer({
 *   idempotent: true,
 *   createPartitioner: trackingPartitioner(Partitioners.DefaultPartitioner),
 * });
 * await producer.connect();
 * const writeTrades = kafkaSink({ producer, topic: 'trades_raw', encoder: jsonEncoder() }); // acks: meta.partition, meta.offset
 * ```
 */
export function trackingPartitioner(base: ICustomPartitioner): ICustomPartitioner {
  return () => {
    const choose = base();
    return (args: PartitionerArgs) => {
      const partition = choose(args);
      const message = args.message as TrackedMessage;
      if (partitionChoice in message) {
        const before = message[partitionChoice];
        message[partitionChoice] = before === undefined || before === partition ? partition : -1;
      }
      return partition;
    };
  };
}
