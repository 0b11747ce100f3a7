import { AvroDeserializer, SchemaRegistryClient, SerdeType } from '@confluentinc/schemaregistry';
import { fromAvroRecord, memoryInstrumentation, type Trade } from '@tickflow/core';
import { kafkaSink } from '@tickflow/sinks/kafka';
import { type KafkaRecord, type KafkaValueDecoder, kafkaSource } from '@tickflow/sources/kafka';
import type { Producer } from 'kafkajs';
import { firstValueFrom, from, lastValueFrom, count as rxCount, filter, take, toArray } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bySymbol, createTopics, makeTrades, newKafka, newRegistry, registryUrl, uniq } from './helpers.js';

const N = Number(process.env.KAFKA_IT_RECORDS ?? 100_000);
const kafka = newKafka();
const topic = uniq('it_trades');
const input = makeTrades(N);
let producer: Producer;

/** Reads `n` records of `topic` from the beginning with a fresh group, acking each. */
async function readAll<T>(n: number, opts: { topic: string; decoder?: KafkaValueDecoder<T>; registry?: ReturnType<typeof newRegistry> }) {
  const source = kafkaSource<T>({
    kafka,
    groupId: uniq('it_group'),
    topics: opts.topic,
    fromBeginning: true,
    ...(opts.decoder ? { decoder: opts.decoder } : {}),
    ...(opts.registry ? { registry: opts.registry } : {}),
  });
  const got: KafkaRecord<T>[] = [];
  await new Promise<void>((resolve, reject) => {
    source.subscribe({
      next: (r) => {
        got.push(r);
        source.ack(r);
        if (got.length === n) resolve();
      },
      error: reject,
    });
  });
  await source.close();
  return got;
}

describe('kafkaSink → Kafka → kafkaSource (real broker and registry)', () => {
  beforeAll(async () => {
    await createTopics(kafka, [{ topic, numPartitions: 10 }]);
    producer = kafka.producer({ idempotent: true });
    await producer.connect();
    const metrics = memoryInstrumentation();
    const acks = await lastValueFrom(
      from(input).pipe(kafkaSink<Trade>({ producer, topic, registry: newRegistry(), batchSize: 2000, instrumentation: metrics }), rxCount()),
    );
    expect(acks).toBe(N);
    expect(metrics.value('kafka_sink_records_total', { topic })).toBe(N);
  }, 180_000);

  afterAll(async () => {
    await producer?.disconnect();
  });

  it(`round-trips ${N} trades: same records, in order per symbol`, async () => {
    const got = await readAll<Trade>(N, { topic, registry: newRegistry() });
    expect(got).toHaveLength(N);
    const values = got.map((r) => r.value);
    expect([...values].sort((a, b) => a.ts - b.ts)).toEqual(input);
    const want = bySymbol(input);
    const have = bySymbol(values);
    expect(have.size).toBe(want.size);
    for (const [symbol, list] of want) expect(have.get(symbol)).toEqual(list);
    // keyed by symbol: each symbol lives in exactly one partition
    const partitions = new Map<string, Set<number>>();
    for (const r of got) (partitions.get(r.key ?? '') ?? partitions.set(r.key ?? '', new Set()).get(r.key ?? ''))?.add(r.partition);
    for (const [key, parts] of partitions) expect([key, parts.size]).toEqual([key, 1]);
    expect(got[0]?.key).toBe(got[0]?.value.symbol);
  }, 180_000);

  it("writes the Confluent wire format: Confluent's own Avro deserializer reads the same records", async () => {
    const raw: KafkaValueDecoder<Buffer> = { format: 'raw', decode: (v) => v ?? Buffer.alloc(0) };
    const got = await readAll<Buffer>(N, { topic, decoder: raw });
    const registered = await newRegistry().getLatestSchemaId(`${topic}-value`);
    const deserializer = new AvroDeserializer(new SchemaRegistryClient({ baseURLs: [registryUrl] }), SerdeType.VALUE, {});
    const decoded: Trade[] = [];
    for (const r of got) {
      expect(r.value[0]).toBe(0);
      expect(r.value.readInt32BE(1)).toBe(registered);
      decoded.push(fromAvroRecord<Trade>(await deserializer.deserialize(topic, r.value)));
    }
    expect(decoded.sort((a, b) => a.ts - b.ts)).toEqual(input);
  }, 180_000);
});

describe('kafkaSink dead-letter topic (real broker and registry)', () => {
  it('puts a record the schema cannot encode on the DLQ with a reason header; the stream goes on', async () => {
    const main = uniq('it_dlq_main');
    const dlq = uniq('it_dlq');
    await createTopics(kafka, [
      { topic: main, numPartitions: 1 },
      { topic: dlq, numPartitions: 1 },
    ]);
    const p = kafka.producer({ idempotent: true });
    await p.connect();
    const good = makeTrades(3, 1, 'dlq');
    const bad = { ...good[1], id: 'bad', price: 'not-a-number' } as unknown as Trade;
    const metrics = memoryInstrumentation();
    const acks = await lastValueFrom(
      from([good[0] as Trade, bad, good[2] as Trade]).pipe(
        kafkaSink<Trade>({ producer: p, topic: main, registry: newRegistry(), dlqTopic: dlq, instrumentation: metrics }),
        toArray(),
      ),
    );
    await p.disconnect();
    expect(acks.map((a) => [a.record.id, a.meta?.topic])).toEqual([
      ['dlq-0', main],
      ['bad', dlq],
      ['dlq-2', main],
    ]);
    expect(acks[1]?.meta?.deadLetter).toMatch(/price/);
    expect(metrics.value('kafka_sink_dead_letters_total', { kind: 'encode' })).toBe(1);

    const onMain = await readAll<Trade>(2, { topic: main, registry: newRegistry() });
    expect(onMain.map((r) => r.value)).toEqual([good[0], good[2]]);
    const source = kafkaSource<Record<string, unknown>>({ kafka, groupId: uniq('it_dlq_reader'), topics: dlq, fromBeginning: true });
    const dead = await firstValueFrom(source.pipe(filter(Boolean), take(1)));
    await source.close({ drainTimeoutMs: 0 });
    expect(dead.value).toMatchObject({ id: 'bad', price: 'not-a-number', symbol: good[1]?.symbol });
    expect(dead.key).toBe(good[1]?.symbol);
    expect(dead.headers['x-tickflow-reason']).toMatch(/price/);
    expect(dead.headers['x-tickflow-original-topic']).toBe(main);
    expect(dead.headers['x-tickflow-kind']).toBe('encode');
  }, 120_000);
});
