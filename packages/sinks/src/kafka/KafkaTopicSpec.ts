/** A topic {@link ensureTopics} creates. */
export interface KafkaTopicSpec {
  /** Topic name. */
  topic: string;
  /** Number of partitions (existing topics with fewer are grown; Kafka cannot shrink them). */
  numPartitions: number;
  /** Retention, ms (`retention.ms`). */
  retentionMs: number;
  /** Replication factor (default: the broker's `default.replication.factor`). */
  replicationFactor?: number;
  /** Further topic configs, e.g. `{ 'cleanup.policy': 'delete' }`. */
  config?: Record<string, string>;
}
