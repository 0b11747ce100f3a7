import { memoryInstrumentation, type Trade } from '@tickflow/core';
import { type KafkaRecord, kafkaSource } from '@tickflow/sources/kafka';
import { describe, expect, it } from 'vitest';
import { createTopics, makeTrades, newKafka, newRegistry, produceTrades, uniq } from './helpers.js';

const kafka = newKafka('tickflow-offsets-it');

describe('kafkaSource offset commits (real broker)', () => {
  it('after a stop with the last 100 records unacknowledged, a restart delivers exactly those 100', async () => {
    const N = 10_000;
    const topic = uniq('it_offsets');
    const groupId = uniq('it_offsets_group');
    await createTopics(kafka, [{ topic, numPartitions: 3 }]);
    const written = await produceTrades(kafka, topic, makeTrades(N, 12, 'off'));
    expect(written).toBe(N);

    // First run: acknowledge every record except the last 100 delivered.
    const first = kafkaSource<Trade>({ kafka, groupId, topics: topic, fromBeginning: true, registry: newRegistry(), commitIntervalMs: 200 });
    const got: KafkaRecord<Trade>[] = [];
    await new Promise<void>((resolve, reject) => {
      first.subscribe({
        next: (r) => {
          got.push(r);
          if (got.length > 100) first.ack(got[got.length - 101] as KafkaRecord<Trade>);
          if (got.length === N) resolve();
        },
        error: reject,
      });
    });
    await first.close({ drainTimeoutMs: 0 });
    const unacked = got.slice(-100);
    const acked = got.slice(0, -100);

    // Second run, same group: exactly the 100 unacknowledged records come again.
    const second = kafkaSource<Trade>({ kafka, groupId, topics: topic, registry: newRegistry() });
    const again: KafkaRecord<Trade>[] = [];
    await new Promise<void>((resolve, reject) => {
      second.subscribe({
        next: (r) => {
          again.push(r);
          second.ack(r);
          if (again.length === 100) setTimeout(resolve, 3000); // and then nothing else
        },
        error: reject,
      });
    });
    await second.close();
    const id = (r: KafkaRecord<Trade>) => `${r.partition}/${r.offset}`;
    expect(again.map(id).sort()).toEqual(unacked.map(id).sort());
    expect(again.map((r) => r.value.id).sort()).toEqual(unacked.map((r) => r.value.id).sort());
    const ackedIds = new Set(acked.map(id));
    expect(again.filter((r) => ackedIds.has(id(r)))).toEqual([]);
  }, 180_000);

  it("commitMode 'manual': acknowledged records free room past maxBuffered, but a restart resumes at the allowed offsets", async () => {
    const N = 6000;
    const topic = uniq('it_manual');
    const groupId = uniq('it_manual_group');
    await createTopics(kafka, [{ topic, numPartitions: 2 }]);
    await produceTrades(kafka, topic, makeTrades(N, 8, 'man'));

    // maxBuffered 200 with 6,000 records: only possible because acks free room without committing.
    const first = kafkaSource<Trade>({ kafka, groupId, topics: topic, fromBeginning: true, registry: newRegistry(), commitMode: 'manual', maxBuffered: 200 });
    const got: KafkaRecord<Trade>[] = [];
    await new Promise<void>((resolve, reject) => {
      first.subscribe({
        next: (r) => {
          got.push(r);
          first.ack(r);
          if (got.length === N) resolve();
        },
        error: reject,
      });
    });
    // allow each partition up to its 1,000th record (offset 1000: 0..999 done)
    await first.commitOffsets([0, 1].map((partition) => ({ topic, partition, offset: 1000 })));
    await first.close({ drainTimeoutMs: 0 });
    const perPartition = [0, 1].map((p) => got.filter((r) => r.partition === p).length);

    const second = kafkaSource<Trade>({ kafka, groupId, topics: topic, registry: newRegistry(), commitMode: 'manual' });
    const again: KafkaRecord<Trade>[] = [];
    const expected = perPartition.reduce((s, n) => s + Math.max(0, n - 1000), 0);
    await new Promise<void>((resolve, reject) => {
      second.subscribe({
        next: (r) => {
          again.push(r);
          second.ack(r);
          if (again.length === expected) setTimeout(resolve, 2000); // and nothing else
        },
        error: reject,
      });
    });
    await second.close();
    expect(again).toHaveLength(expected);
    for (const p of [0, 1]) {
      const offsets = again.filter((r) => r.partition === p).map((r) => Number(r.offset));
      expect(offsets[0]).toBe(1000);
      expect(offsets).toEqual(got.filter((r) => r.partition === p && Number(r.offset) >= 1000).map((r) => Number(r.offset)));
    }
  }, 180_000);

  it('holds back at maxBuffered unacknowledged records and, once acknowledged, delivers every record once, in partition order', async () => {
    const N = 5000;
    const topic = uniq('it_pause');
    await createTopics(kafka, [{ topic, numPartitions: 2 }]);
    await produceTrades(kafka, topic, makeTrades(N, 6, 'pause'));

    const metrics = memoryInstrumentation();
    const source = kafkaSource<Trade>({ kafka, groupId: uniq('it_pause_group'), topics: topic, fromBeginning: true, registry: newRegistry(), maxBuffered: 300, instrumentation: metrics });
    const got: KafkaRecord<Trade>[] = [];
    let maxUnacked = 0;
    let pending: KafkaRecord<Trade>[] = [];
    await new Promise<void>((resolve, reject) => {
      // A slow downstream: acknowledges what it has every 20 ms.
      const timer = setInterval(() => {
        for (const r of pending) source.ack(r);
        pending = [];
        if (got.length >= N) {
          clearInterval(timer);
          setTimeout(resolve, 2000); // nothing more may come
        }
      }, 20);
      source.subscribe({
        next: (r) => {
          got.push(r);
          pending.push(r);
          maxUnacked = Math.max(maxUnacked, pending.length);
        },
        error: (e) => {
          clearInterval(timer);
          reject(e);
        },
      });
    });
    await source.close();
    expect(metrics.value('kafka_source_pauses_total')).toBeGreaterThan(0);
    expect(maxUnacked).toBeLessThanOrEqual(300);
    expect(got).toHaveLength(N);
    expect(new Set(got.map((r) => r.value.id)).size).toBe(N);
    for (const p of [0, 1]) {
      const offsets = got.filter((r) => r.partition === p).map((r) => Number(r.offset));
      expect(offsets).toEqual(offsets.map((_, i) => i));
    }
  }, 180_000);
});
