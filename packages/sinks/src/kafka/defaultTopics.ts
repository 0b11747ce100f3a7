import type { KafkaTopicSpec } from './KafkaTopicSpec.js';

const DAY = 24 * 60 * 60 * 1000;

/**
 * The topics of the reference pipeline: `trades_raw` (10 partitions, 7 days), `quotes_raw`
 * (5, 1 day), `crypto_raw` (5, 7 days) and the dead-letter topic `trades_dlq` (3, 14 days: long
 * enough to inspect and replay after a weekend).
 *
 * @example
 * ```ts
 * import { defaultTopics, ensureTopics } from '@tickflow/sinks/kafka';
 * const specs = defaultTopics.map((t) => ({ ...t, replicationFactor: 3 }));
 * ```
 */
export const defaultTopics: readonly KafkaTopicSpec[] = Object.freeze([
  { topic: 'trades_raw', numPartitions: 10, retentionMs: 7 * DAY },
  { topic: 'quotes_raw', numPartitions: 5, retentionMs: 1 * DAY },
  { topic: 'crypto_raw', numPartitions: 5, retentionMs: 7 * DAY },
  { topic: 'trades_dlq', numPartitions: 3, retentionMs: 14 * DAY },
]);
