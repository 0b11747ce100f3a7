import { AvroDeserializer, SchemaRegistryClient, SerdeType } from '@confluentinc/schemaregistry';
import { type Ack, fromAvroRecord, memoryInstrumentation, type Trade } from '@tickflow/core';
import { type KafkaAckMeta, kafkaSink, trackingPartitioner } from '@tickflow/sinks/kafka';
import { type KafkaRecord, type KafkaValueDecoder, kafkaSource } from '@tickflow/sources/kafka';
import { Partitioners, type PartitionMetadata, type Producer } from 'kafkajs';
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

describe('kafkaSink ack meta: partition and offset (real broker)', () => {
  /** Reads `n` messages of `topic` with a plain kafkajs consumer: partition@offset → key and Avro-decoded value. */
  async function readPositions(topic: string, n: number) {
    const registry = newRegistry();
    const consumer = kafka.consumer({ groupId: uniq('it_positions') });
    const seen = new Map<string, { key: string | null; value: Trade }>();
    await consumer.connect();
    try {
      await consumer.subscribe({ topic, fromBeginning: true });
      await new Promise<void>((resolve, reject) => {
        consumer
          .run({
            eachMessage: async ({ partition, message }) => {
              const value = fromAvroRecord<Trade>(await registry.decode(message.value as Buffer));
              seen.set(`${partition}@${message.offset}`, { key: message.key?.toString('utf8') ?? null, value });
              if (seen.size >= n) resolve();
            },
          })
          .catch(reject);
      });
    } finally {
      await consumer.disconnect();
    }
    return seen;
  }

  it('every ack names the partition and offset that hold exactly its record, as a plain kafkajs consumer reads them', async () => {
    const topic = uniq('it_positions');
    await createTopics(kafka, [{ topic, numPartitions: 3 }]);
    const write = async (producer: Parameters<typeof kafkaSink<Trade>>[0]['producer'], trades: Trade[], batchSize: number) =>
      lastValueFrom(from(trades).pipe(kafkaSink<Trade>({ producer, topic, registry: newRegistry(), batchSize, lingerMs: 2 }), toArray()));
    const acks: Ack<Trade, KafkaAckMeta>[] = [];

    // 1. the caller's producer, created with the tracking partitioner (kafkajs's default mapping)
    const tracked = kafka.producer({ idempotent: true, createPartitioner: trackingPartitioner(Partitioners.DefaultPartitioner) });
    await tracked.connect();
    try {
      acks.push(...(await write(tracked, makeTrades(3000, 40, 'pos-a'), 500)));
    } finally {
      await tracked.disconnect();
    }
    // 2. a producer the sink creates (and disconnects) from the Kafka
    acks.push(...(await write(kafka, makeTrades(1000, 25, 'pos-b'), 300)));
    // 3. a plain producer, one record per batch: each batch lands in one partition, so its place is known too
    const plain = kafka.producer({ idempotent: true });
    await plain.connect();
    try {
      acks.push(...(await write(plain, makeTrades(60, 10, 'pos-c'), 1)));
    } finally {
      await plain.disconnect();
    }

    const n = acks.length;
    expect(n).toBe(4060);
    for (const a of acks) {
      expect(a.meta).toEqual({ topic, key: a.record.symbol, partition: expect.any(Number), offset: expect.stringMatching(/^\d+$/) });
    }
    // the partition is the one a plain kafkajs producer chooses for the key
    const partitionMetadata = [0, 1, 2].map((partitionId) => ({ partitionId, leader: 0 }) as PartitionMetadata);
    const kafkajsChoice = Partitioners.DefaultPartitioner();
    for (const a of acks) expect(a.meta?.partition).toBe(kafkajsChoice({ topic, partitionMetadata, message: { key: a.record.symbol, value: null } }));
    expect(new Set(acks.map((a) => a.meta?.partition))).toEqual(new Set([0, 1, 2]));

    const positions = await readPositions(topic, n);
    expect(positions.size).toBe(n);
    const claimed = new Set<string>();
    for (const a of acks) {
      const at = `${a.meta?.partition}@${a.meta?.offset}`;
      expect(claimed.has(at)).toBe(false); // no two acks claim one place
      claimed.add(at);
      expect(positions.get(at)).toEqual({ key: a.record.symbol, value: a.record });
    }
  }, 180_000);
});
