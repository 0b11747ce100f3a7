import { ConfigurationError, tradeAvroSchema } from '@tickflow/core';
import { ensureTopics, registerSchemas } from '@tickflow/sinks/kafka';
import { ConfigResourceTypes } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newKafka, newRegistry, registryUrl, uniq } from './helpers.js';

const kafka = newKafka('tickflow-setup-it');
const admin = kafka.admin();

async function describeTopic(topic: string) {
  const meta = await admin.fetchTopicMetadata({ topics: [topic] });
  const cfg = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: ['retention.ms'] }] });
  return {
    partitions: meta.topics[0]?.partitions.length,
    retentionMs: cfg.resources[0]?.configEntries.find((e) => e.configName === 'retention.ms')?.configValue,
  };
}

describe('ensureTopics (real broker)', () => {
  beforeAll(() => admin.connect());
  afterAll(() => admin.disconnect());

  it('creates missing topics with partitions and retention, is idempotent, and brings drifted topics in line', async () => {
    const a = uniq('it_setup_a');
    const b = uniq('it_setup_b');
    const specs = [
      { topic: a, numPartitions: 10, retentionMs: 7 * 86_400_000 },
      { topic: b, numPartitions: 5, retentionMs: 86_400_000 },
    ];
    expect(await ensureTopics(admin, specs)).toEqual({ created: [a, b], updated: [], unchanged: [] });
    expect(await describeTopic(a)).toEqual({ partitions: 10, retentionMs: String(7 * 86_400_000) });
    expect(await describeTopic(b)).toEqual({ partitions: 5, retentionMs: '86400000' });
    expect(await ensureTopics(admin, specs)).toEqual({ created: [], updated: [], unchanged: [a, b] });
    const drifted = [{ ...specs[0], numPartitions: 12 } as (typeof specs)[0], { ...specs[1], retentionMs: 3_600_000 } as (typeof specs)[0]];
    expect(await ensureTopics(admin, drifted)).toEqual({ created: [], updated: [a, b], unchanged: [] });
    expect(await describeTopic(a)).toEqual({ partitions: 12, retentionMs: String(7 * 86_400_000) });
    expect(await describeTopic(b)).toEqual({ partitions: 5, retentionMs: '3600000' });
  }, 60_000);
});

describe('registerSchemas (real registry)', () => {
  it('registers under the given subjects with the compatibility mode, idempotently, and can switch modes', async () => {
    const registry = newRegistry();
    const subject = `${uniq('it_schema')}-value`;
    const subjects = [{ subject, schema: tradeAvroSchema }];
    const [first] = await registerSchemas(registry, { subjects, compatibility: 'BACKWARD' });
    expect(first?.id).toBeGreaterThan(0);
    const config = async () => ((await (await fetch(`${registryUrl}/config/${subject}`)).json()) as { compatibilityLevel: string }).compatibilityLevel;
    expect(await config()).toBe('BACKWARD');
    expect(await registerSchemas(registry, { subjects, compatibility: 'BACKWARD' })).toEqual([{ subject, id: first?.id }]);
    expect(await registerSchemas(registry, { subjects, compatibility: 'FULL' })).toEqual([{ subject, id: first?.id }]);
    expect(await config()).toBe('FULL');
    // a required field without default breaks FULL compatibility
    const breaking = { ...tradeAvroSchema, fields: [...tradeAvroSchema.fields, { name: 'venue', type: 'string' }] };
    await expect(registerSchemas(registry, { subjects: [{ subject, schema: breaking }], compatibility: 'FULL' })).rejects.toBeInstanceOf(ConfigurationError);
  }, 60_000);
});
