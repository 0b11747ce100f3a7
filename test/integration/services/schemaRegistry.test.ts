import { randomUUID } from 'node:crypto';
import { AvroDeserializer, AvroSerializer, SchemaRegistryClient, SerdeType } from '@confluentinc/schemaregistry';
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { describe, expect, it } from 'vitest';

const url = process.env.SCHEMA_REGISTRY_URL!;
const record = (fields: object[]) => JSON.stringify({ type: 'record', name: 'Trade', namespace: 'tickflow.test', fields });
const v1 = record([
  { name: 'symbol', type: 'string' },
  { name: 'price', type: 'double' },
]);
const v2 = record([
  { name: 'symbol', type: 'string' },
  { name: 'price', type: 'double' },
  { name: 'size', type: 'double', default: 0 },
]);
const incompatible = record([
  { name: 'symbol', type: 'string' },
  { name: 'price', type: 'double' },
  { name: 'venue', type: 'string' }, // no default: cannot read v1/v2 data
]);

async function api(method: string, path: string, body?: unknown) {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, type: res.headers.get('content-type'), body: (await res.json()) as any };
}

describe('schema registry (services:up) with @kafkajs/confluent-schema-registry', () => {
  const registry = new SchemaRegistry({ host: url });
  const subject = `services-test-${randomUUID()}-value`;

  it('registers, fetches, encodes and rejects an incompatible schema', async () => {
    const { id } = await registry.register({ type: SchemaType.AVRO, schema: v1 }, { subject });
    expect(id).toBeGreaterThan(0);
    // the same schema again: same id
    expect((await registry.register({ type: SchemaType.AVRO, schema: v1 }, { subject })).id).toBe(id);
    expect(await registry.getRegistryId(subject, 1)).toBe(id);

    const encoded = await registry.encode(id, { symbol: 'AAPL', price: 187.5 });
    expect(encoded[0]).toBe(0); // Confluent wire format: magic byte 0, 4-byte big-endian id, Avro body
    expect(encoded.readInt32BE(1)).toBe(id);
    expect(await new SchemaRegistry({ host: url }).decode(encoded)).toEqual({ symbol: 'AAPL', price: 187.5 });

    const { id: id2 } = await registry.register({ type: SchemaType.AVRO, schema: v2 }, { subject });
    expect(id2).not.toBe(id);
    expect(await registry.getLatestSchemaId(subject)).toBe(id2);

    await expect(registry.register({ type: SchemaType.AVRO, schema: incompatible }, { subject })).rejects.toMatchObject({ status: 409 });
    expect(await registry.getLatestSchemaId(subject)).toBe(id2);
  });

  it('answers like Confluent: 409 body, 404 codes, content type, config, compatibility', async () => {
    const rejected = await api('POST', `/subjects/${subject}/versions`, { schema: incompatible });
    expect(rejected.status).toBe(409);
    expect(rejected.type).toBe('application/vnd.schemaregistry.v1+json');
    expect(rejected.body).toMatchObject({ error_code: 409, message: expect.stringContaining('incompatible') });

    expect((await api('GET', '/subjects/no-such-subject/versions')).body.error_code).toBe(40401);
    expect((await api('GET', `/subjects/${subject}/versions/99`)).body.error_code).toBe(40402);
    expect((await api('GET', '/schemas/ids/99999999')).body.error_code).toBe(40403);

    expect((await api('GET', '/subjects')).body).toContain(subject);
    expect((await api('GET', `/subjects/${subject}/versions`)).body).toEqual([1, 2]);
    const latest = await api('GET', `/subjects/${subject}/versions/latest`);
    expect(latest.body).toMatchObject({ subject, version: 2, schema: v2 });
    expect((await api('POST', `/subjects/${subject}`, { schema: v1 })).body).toMatchObject({ subject, version: 1 });
    expect((await api('GET', `/schemas/ids/${latest.body.id}`)).body).toEqual({ schema: v2 });

    expect((await api('GET', `/config/${subject}`)).body).toEqual({ compatibilityLevel: 'BACKWARD' });
    expect((await api('POST', `/compatibility/subjects/${subject}/versions/latest`, { schema: incompatible })).body).toEqual({
      is_compatible: false,
    });
    expect((await api('PUT', `/config/${subject}`, { compatibility: 'NONE' })).body).toEqual({ compatibility: 'NONE' });
    expect((await api('POST', `/compatibility/subjects/${subject}/versions/latest`, { schema: incompatible })).body).toEqual({
      is_compatible: true,
    });
    expect((await api('DELETE', `/subjects/${subject}`)).body).toEqual([1, 2]);
    expect((await api('GET', `/subjects/${subject}/versions`)).body.error_code).toBe(40401);
  });
});

describe('schema registry (services:up) with @confluentinc/schemaregistry', () => {
  it('produces the same wire-format bytes as @kafkajs/confluent-schema-registry', async () => {
    const topic = `services-test-${randomUUID()}`;
    const client = new SchemaRegistryClient({ baseURLs: [url] });
    const serializer = new AvroSerializer(client, SerdeType.VALUE, { autoRegisterSchemas: false, useLatestVersion: true });
    const info = { schemaType: 'AVRO', schema: v1 };
    const id = await client.register(`${topic}-value`, info);

    const trade = { symbol: 'MSFT', price: 415.25 };
    const confluentBytes = await serializer.serialize(topic, trade);
    expect(confluentBytes[0]).toBe(0);
    expect(confluentBytes.readInt32BE(1)).toBe(id);

    const kafkajsRegistry = new SchemaRegistry({ host: url });
    const kafkajsBytes = await kafkajsRegistry.encode(id, trade);
    expect(Buffer.compare(confluentBytes, kafkajsBytes)).toBe(0);
    expect(await kafkajsRegistry.decode(confluentBytes)).toEqual(trade);

    const deserializer = new AvroDeserializer(client, SerdeType.VALUE, {});
    expect(await deserializer.deserialize(topic, kafkajsBytes)).toEqual(trade);
  });
});
