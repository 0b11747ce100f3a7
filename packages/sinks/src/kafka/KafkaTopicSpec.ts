/**
 * A topic {@link ensureTopics} creates.
 *
 * @example
 * ```ts
 * import { type KafkaTopicSpec, defaultTopics, ensureTopics } from '@tickflow/sinks/kafka';
 * import { Kafka } from 'kafkajs';
 * const alerts: KafkaTopicSpec = { topic: 'alerts', numPartitions: 3, retentionMs: 86_400_000, config: { 'cleanup.policy': 'delete' } };
 * const admin = new Kafka({ brokers: ['127.0.0.1:9092'] }).admin();
 * await admin.connect();
 * await ensureTopics(admin, [...defaultTopics, alerts]);
 * ```
 */
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
