import { ConnectionError } from '@tickflow/core';
import type { Admin } from 'kafkajs';
import { defaultTopics } from './defaultTopics.js';
import type { KafkaTopicSpec } from './KafkaTopicSpec.js';

/**
 * What {@link ensureTopics} did, per topic.
 *
 * @example
 * ```ts
 * import { type EnsureTopicsResult, ensureTopics } from '@tickflow/sinks/kafka';
 * import { Kafka } from 'kafkajs';
 * const admin = new Kafka({ brokers: ['127.0.0.1:9092'] }).admin();
 * await admin.connect();
 * const result: EnsureTopicsResult = await ensureTopics(admin);
 * console.log('created', result.created, 'updated', result.updated);
 * ```
 */
export interface EnsureTopicsResult {
  /** Topics that did not exist and were created. */
  created: string[];
  /** Existing topics whose partitions were grown or whose configs were changed. */
  updated: string[];
  /** Existing topics that already matched. */
  unchanged: string[];
}

/**
 * Creates the topics that are missing and brings existing ones in line (grows partitions, sets
 * `retention.ms` and the other configs), so it can run on every deploy. Uses the caller's
 * connected kafkajs `Admin` and never disconnects it.
 *
 * @param admin - a connected kafkajs admin client
 * @param topics - the specs (default {@link defaultTopics})
 * @returns which topics were created, updated or already fine
 * @example
 * ```ts
 * import { ensureTopics } from '@tickflow/sinks/kafka';
 * import { Kafka } from 'kafkajs';
 * const admin = new Kafka({ brokers: ['127.0.0.1:9092'] }).admin();
 * await admin.connect();
 * console.log(await ensureTopics(admin));
 * await admin.disconnect();
 * ```
 */
export async function ensureTopics(admin: Admin, topics: readonly KafkaTopicSpec[] = defaultTopics): Promise<EnsureTopicsResult> {
  const configOf = (t: KafkaTopicSpec) => ({ 'retention.ms': String(t.retentionMs), ...t.config });
  const result: EnsureTopicsResult = { created: [], updated: [], unchanged: [] };
  try {
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter((t) => !existing.has(t.topic));
    if (missing.length > 0) {
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((t) => ({
          topic: t.topic,
          numPartitions: t.numPartitions,
          ...(t.replicationFactor !== undefined ? { replicationFactor: t.replicationFactor } : {}),
          configEntries: Object.entries(configOf(t)).map(([name, value]) => ({ name, value })),
        })),
      });
      result.created.push(...missing.map((t) => t.topic));
    }
    const present = topics.filter((t) => existing.has(t.topic));
    if (present.length === 0) return result;
    const meta = await admin.fetchTopicMetadata({ topics: present.map((t) => t.topic) });
    const described = await admin.describeConfigs({
      includeSynonyms: false,
      resources: present.map((t) => ({ type: 2 /* ConfigResourceTypes.TOPIC */, name: t.topic, configNames: Object.keys(configOf(t)) })),
    });
    const grow: { topic: string; count: number }[] = [];
    const alter: { type: number; name: string; configEntries: { name: string; value: string }[] }[] = [];
    for (const t of present) {
      const partitions = meta.topics.find((m) => m.name === t.topic)?.partitions.length ?? 0;
      if (partitions < t.numPartitions) grow.push({ topic: t.topic, count: t.numPartitions });
      const current = described.resources.find((r) => r.resourceName === t.topic)?.configEntries ?? [];
      const wanted = configOf(t);
      const differs = Object.entries(wanted).some(([name, value]) => current.find((c) => c.configName === name)?.configValue !== value);
      // AlterConfigs replaces the topic's whole dynamic config, so send every wanted entry.
      if (differs) alter.push({ type: 2, name: t.topic, configEntries: Object.entries(wanted).map(([name, value]) => ({ name, value })) });
      (grow.at(-1)?.topic === t.topic || differs ? result.updated : result.unchanged).push(t.topic);
    }
    if (grow.length > 0) await admin.createPartitions({ topicPartitions: grow });
    if (alter.length > 0) await admin.alterConfigs({ validateOnly: false, resources: alter as never });
    return result;
  } catch (error) {
    throw new ConnectionError(`ensureTopics failed: ${(error as Error)?.message ?? String(error)}`, {
      cause: error,
      retriable: (error as { retriable?: boolean })?.retriable ?? true,
      hint: 'check that the brokers are reachable and that this client may create and alter topics',
    });
  }
}
