import { type ICustomPartitioner, type Message, Partitioners, type PartitionMetadata, type Producer, type ProducerBatch } from 'kafkajs';
import { from, lastValueFrom, toArray } from 'rxjs';
import { describe, expect, it, vi } from 'vitest';
import { jsonEncoder } from './jsonEncoder.js';
import type { KafkaOutgoingMessage } from './KafkaProducerAdapter.js';
import { kafkaSink } from './kafkaSink.js';
import { kafkajsProducerAdapter } from './kafkajsProducerAdapter.js';
import { trackingPartitioner } from './trackingPartitioner.js';

/**
 * Stands in for a kafkajs producer's sendBatch: partitions each message with the producer's
 * partitioner (as kafkajs's groupMessagesPerPartition does), appends each topic-partition's run to
 * its log, and answers one RecordMetadata per topic-partition with the run's base offset.
 */
function fakeProducer(createPartitioner: ICustomPartitioner, partitions = 3, opts: { repartition?: boolean } = {}) {
  const partitioner = createPartitioner();
  const partitionMetadata = Array.from({ length: partitions }, (_, partitionId) => ({ partitionId, leader: 0 }) as PartitionMetadata);
  const logs = new Map<string, Message[][]>();
  const sendBatch = vi.fn(async ({ topicMessages = [] }: ProducerBatch) => {
    const res = [];
    for (const { topic, messages } of topicMessages) {
      const groups = new Map<number, Message[]>();
      for (const message of messages) {
        if (opts.repartition) partitioner({ topic, partitionMetadata, message }); // an internal retry's first pass
        const p = partitioner({ topic, partitionMetadata, message });
        (groups.get(p) ?? groups.set(p, []).get(p))?.push(message);
      }
      let log = logs.get(topic);
      if (!log) logs.set(topic, (log = partitionMetadata.map(() => [{ key: null, value: 'old' }])));
      for (const [partition, run] of [...groups].sort((a, b) => a[0] - b[0])) {
        const l = log[partition] as Message[];
        res.push({ topicName: topic, partition, errorCode: 0, baseOffset: String(l.length), logAppendTime: '-1', logStartOffset: '0' });
        l.push(...run);
      }
    }
    return res;
  });
  return { producer: { sendBatch } as unknown as Producer, logs, sendBatch };
}

const msg = (topic: string, key: string | null, n: number): KafkaOutgoingMessage => ({ topic, key, value: Buffer.from(JSON.stringify({ n })) });

describe('kafkajsProducerAdapter', () => {
  it('with a tracking partitioner, reports which batch messages each topic-partition holds, in append order', async () => {
    const fake = fakeProducer(trackingPartitioner(Partitioners.DefaultPartitioner));
    const adapter = kafkajsProducerAdapter(fake.producer);
    const batch = Array.from({ length: 30 }, (_, i) => msg(i % 4 === 0 ? 'crypto_raw' : 'trades_raw', `SYM${i % 7}`, i));
    const reports = await adapter.send(batch);
    expect(reports.length).toBeGreaterThanOrEqual(4);
    const covered = reports.flatMap((r) => r.indexes ?? []).sort((a, b) => a - b);
    expect(covered).toEqual(batch.map((_, i) => i)); // every message placed exactly once
    for (const r of reports) {
      (r.indexes ?? []).forEach((i, j) => {
        const held = fake.logs.get(r.topic)?.[r.partition]?.[Number(r.baseOffset) + j];
        expect(held?.value).toBe((batch[i] as KafkaOutgoingMessage).value);
        expect(held?.key).toBe((batch[i] as KafkaOutgoingMessage).key);
      });
    }
  });

  it("with kafkajs's plain partitioner, places a topic only when the batch went to one partition", async () => {
    const fake = fakeProducer(Partitioners.DefaultPartitioner);
    const adapter = kafkajsProducerAdapter(fake.producer);
    const reports = await adapter.send([msg('one', 'AAPL', 0), msg('one', 'AAPL', 1), msg('many', 'SYM0', 2), msg('many', 'SYM1', 3), msg('many', 'SYM2', 4)]);
    const one = reports.filter((r) => r.topic === 'one');
    expect(one).toEqual([{ topic: 'one', partition: expect.any(Number), baseOffset: '1', indexes: [0, 1] }]);
    const many = reports.filter((r) => r.topic === 'many');
    expect(many.length).toBeGreaterThan(1);
    for (const r of many) expect(r.indexes).toBeUndefined();
  });

  it('drops the indexes of a topic whose messages moved between two partitioner passes', async () => {
    const fake = fakeProducer(trackingPartitioner(Partitioners.DefaultPartitioner), 3, { repartition: true });
    const reports = await kafkajsProducerAdapter(fake.producer).send(Array.from({ length: 9 }, (_, i) => msg('t', null, i)));
    expect(reports.length).toBeGreaterThan(1);
    for (const r of reports) expect(r.indexes).toBeUndefined();
  });

  it('gives kafkaSink acks the exact partition and offset of every record', async () => {
    const fake = fakeProducer(trackingPartitioner(Partitioners.DefaultPartitioner), 10);
    const input = Array.from({ length: 200 }, (_, i) => ({ symbol: `SYM${i % 13}`, n: i }));
    const acks = await lastValueFrom(from(input).pipe(kafkaSink({ producer: fake.producer, topic: 'trades_raw', encoder: jsonEncoder(), batchSize: 64 }), toArray()));
    const plain = Partitioners.DefaultPartitioner();
    const partitionMetadata = Array.from({ length: 10 }, (_, partitionId) => ({ partitionId, leader: 0 }) as PartitionMetadata);
    for (const a of acks) {
      // the partition a plain kafkajs producer would choose for that key
      expect(a.meta?.partition).toBe(plain({ topic: 'trades_raw', partitionMetadata, message: { key: a.record.symbol, value: '' } }));
      const held = fake.logs.get('trades_raw')?.[a.meta?.partition ?? -1]?.[Number(a.meta?.offset)];
      expect(JSON.parse(String(held?.value))).toEqual(a.record);
    }
  });

  it('a producer the sink creates from a Kafka tracks partitions too', async () => {
    let created: ReturnType<typeof fakeProducer> | undefined;
    const kafka = {
      admin: vi.fn(),
      producer: vi.fn((config: { createPartitioner: ICustomPartitioner }) => {
        created = fakeProducer(config.createPartitioner, 5);
        return Object.assign(created.producer, { connect: vi.fn(async () => {}), disconnect: vi.fn(async () => {}) });
      }),
    };
    const input = Array.from({ length: 50 }, (_, i) => ({ symbol: `SYM${i % 9}`, n: i }));
    const acks = await lastValueFrom(from(input).pipe(kafkaSink({ producer: kafka as never, topic: 't', encoder: jsonEncoder() }), toArray()));
    expect(new Set(acks.map((a) => a.meta?.partition)).size).toBeGreaterThan(1);
    for (const a of acks) expect(JSON.parse(String(created?.logs.get('t')?.[a.meta?.partition ?? -1]?.[Number(a.meta?.offset)]?.value))).toEqual(a.record);
  });
});
