/**
 * The partition kafkajs's partitioner chose for each message object it was handed by a
 * {@link trackingPartitioner}, or `-1` when it chose differently on two calls for the same message
 * (kafkajs re-partitions on internal retries; a keyless round-robin message can then move).
 * Weakly held: entries go with the messages.
 *
 * @internal
 */
export const partitionChoices = new WeakMap<object, number>();
