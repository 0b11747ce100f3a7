import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { avroTypes, ConfigurationError, ConnectionError, toAvroRecord, tradeAvroSchema, ValidationError } from '@tickflow/core';
import avro from 'avsc';
import { describe, expect, it, vi } from 'vitest';
import { avroEncoder } from './avroEncoder.js';

/** A real registry client whose HTTP calls are replaced, with schema 42 in its cache. */
function offlineRegistry(opts: { registered?: boolean; down?: boolean } = {}) {
  const registry = new SchemaRegistry({ host: 'http://127.0.0.1:1' });
  const type = avro.Type.forSchema(tradeAvroSchema as unknown as avro.Schema);
  registry.cache.setSchema(42, 'AVRO' as never, type as never);
  const notFound = Object.assign(new Error("Confluent_Schema_Registry - Subject 'trades_raw-value' not found."), { name: 'ConfluentSchemaRegistryError' });
  const lookup = vi.spyOn(registry, 'getRegistryIdBySchema').mockImplementation(async () => {
    if (opts.down) throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    if (!opts.registered) throw notFound;
    return 42;
  });
  const register = vi.spyOn(registry, 'register').mockImplementation(async () => ({ id: 42 }));
  return { registry, lookup, register };
}

const trade = { symbol: 'AAPL', price: 190.25, size: 3, ts: 1_700_000_000_000, id: 't1', conditions: ['1', '12'] };

describe('avroEncoder', () => {
  it('writes the Confluent wire format, byte-identical to the registry client encode()', async () => {
    const { registry, lookup, register } = offlineRegistry({ registered: true });
    const enc = avroEncoder({ registry });
    await enc.prepare('trades_raw');
    expect(enc.prepare('trades_raw')).toBeUndefined();
    expect(lookup).toHaveBeenCalledTimes(1);
    expect(lookup.mock.calls[0]?.[0]).toBe('trades_raw-value');
    expect(register).not.toHaveBeenCalled();
    const bytes = enc.encode(trade, 'trades_raw');
    expect(bytes[0]).toBe(0);
    expect(bytes.readInt32BE(1)).toBe(42);
    expect(bytes.subarray(5)).toEqual(avroTypes.trade.toBuffer(toAvroRecord(avroTypes.trade, trade)));
    expect(bytes).toEqual(await registry.encode(42, toAvroRecord(avroTypes.trade, trade)));
    expect(await registry.decode(bytes)).toMatchObject({ symbol: 'AAPL', price: 190.25, source: null });
  });

  it('registers the schema under the TopicNameStrategy subject when missing', async () => {
    const { registry, register } = offlineRegistry();
    const enc = avroEncoder({ registry, compatibility: 'FULL' });
    await enc.prepare('crypto_raw');
    expect(register).toHaveBeenCalledWith({ type: 'AVRO', schema: JSON.stringify(tradeAvroSchema) }, { subject: 'crypto_raw-value', compatibility: 'FULL' });
  });

  it('refuses to register when autoRegister is false', async () => {
    const { registry } = offlineRegistry();
    await expect(avroEncoder({ registry, autoRegister: false }).prepare('t')).rejects.toBeInstanceOf(ConfigurationError);
  });

  it('reports an unreachable registry as a retriable ConnectionError, and retries the lookup next time', async () => {
    const { registry, lookup } = offlineRegistry({ down: true });
    const enc = avroEncoder({ registry });
    const err = await enc.prepare('t')?.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectionError);
    expect((err as ConnectionError).retriable).toBe(true);
    await enc.prepare('t')?.catch(() => undefined);
    expect(lookup).toHaveBeenCalledTimes(2);
  });

  it('throws a ValidationError naming the bad field for records the schema cannot encode', async () => {
    const { registry } = offlineRegistry({ registered: true });
    const enc = avroEncoder({ registry });
    await enc.prepare('t');
    expect(() => enc.encode({ ...trade, price: 'abc' as never }, 't')).toThrow(ValidationError);
    expect(() => enc.encode({ ...trade, price: 'abc' as never }, 't')).toThrow(/price/);
    expect(() => enc.encode({ symbol: 'AAPL' } as never, 'unprepared')).toThrow(/before prepare/);
  });
});
