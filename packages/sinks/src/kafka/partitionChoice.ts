/**
 * Key of the slot in which a {@link trackingPartitioner} writes the partition kafkajs's
 * partitioner chose for a message: `-1` when it chose differently on two calls for the same message
 * (kafkajs re-partitions on internal retries; a keyless round-robin message can then move).
 * Only messages that carry the slot (`kafkajsProducerAdapter` creates them so) are written to; a
 * caller's own messages are left alone. A registered symbol, so ESM and CJS copies of the package
 * agree, and a plain property, which costs next to nothing per message (a `WeakMap` made the
 * garbage collector crawl at 200k messages/s).
 *
 * @internal
 */
export const partitionChoice: unique symbol = Symbol.for('tickflow.kafka.partitionChoice');

/** @internal A message with the slot. */
export interface TrackedMessage {
  [partitionChoice]?: number | undefined;
}
