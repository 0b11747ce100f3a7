import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { avroTypes, ConnectionError, toAvroRecord, tradeAvroSchema, ValidationError } from '@tickflow/core';
import avro from 'avsc';
import { describe, expect, it, vi } from 'vitest';
import { avroDecoder } from './avroDecoder.js';

const trade = { symbol: 'AAPL', price: 190.25, size: 3, ts: 1_700_000_000_000, conditions: ['1'] };
const frame = (id: number, body: Buffer) => {
  const h = Buffer.alloc(5);
  h.writeInt32BE(id, 1);
  return Buffer.concat([h, body]);
};
const body = avroTypes.trade.toBuffer(toAvroRecord(avroTypes.trade, trade));

function registryWith7() {
  const registry = new SchemaRegistry({ host: 'http://127.0.0.1:1' });
  registry.cache.setSchema(7, 'AVRO' as never, avro.Type.forSchema(tradeAvroSchema as unknown as avro.Schema) as never);
  return registry;
}

describe('avroDecoder', () => {
  it('decodes the Confluent wire format into a plain record without null optionals', async () => {
    const registry = registryWith7();
    const getSchema = vi.spyOn(registry, 'getSchema');
    const dec = avroDecoder({ registry });
    expect(await dec.decode(frame(7, body))).toEqual(trade);
    // second time: synchronous, no registry call
    expect(dec.decode(frame(7, body))).toEqual(trade);
    expect(getSchema).toHaveBeenCalledTimes(1);
    expect(await registry.decode(frame(7, body))).toMatchObject(trade);
  });

  it('rejects wrong magic, short, truncated and trailing-garbage values as ValidationErrors', async () => {
    const dec = avroDecoder({ registry: registryWith7() });
    await dec.decode(frame(7, body));
    const bad = Buffer.from(frame(7, body));
    bad[0] = 1;
    expect(() => dec.decode(bad)).toThrow(/magic byte 1/);
    expect(() => dec.decode(Buffer.from([0, 0, 0]))).toThrow(/too short/);
    expect(() => dec.decode(frame(7, body.subarray(0, body.length - 3)))).toThrow(ValidationError);
    expect(() => dec.decode(frame(7, Buffer.concat([body, Buffer.from([1, 2])])))).toThrow(ValidationError);
    expect(() => dec.decode(null)).toThrow(/tombstone/);
  });

  it('reports an unknown schema id as a ValidationError and an unreachable registry as retriable', async () => {
    const registry = registryWith7();
    vi.spyOn(registry, 'getSchema').mockImplementation(async (id) => {
      if (id === 404) throw Object.assign(new Error('Schema 404 not found'), { status: 404 });
      throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    });
    const dec = avroDecoder({ registry });
    await expect(dec.decode(frame(404, body))).rejects.toThrow(/unknown schema id 404/);
    await expect(dec.decode(frame(9, body))).rejects.toBeInstanceOf(ConnectionError);
  });

  it('resolves the writer schema into a reader schema', async () => {
    const reader = { ...tradeAvroSchema, fields: tradeAvroSchema.fields.filter((f) => f.name !== 'conditions') };
    const dec = avroDecoder({ registry: registryWith7(), readerSchema: reader });
    expect(await dec.decode(frame(7, body))).toEqual({ symbol: 'AAPL', price: 190.25, size: 3, ts: 1_700_000_000_000 });
  });
});
