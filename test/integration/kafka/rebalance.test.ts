import type { Trade } from '@tickflow/core';
import { type KafkaRecord, kafkaSource } from '@tickflow/sources/kafka';
import { describe, expect, it } from 'vitest';
import { sleep } from '../../support/sleep.js';
import { createTopics, makeTrades, newKafka, newRegistry, produceTrades, uniq } from './helpers.js';

const kafka = newKafka('tickflow-rebalance-it');

describe('kafkaSource rebalances (real broker)', () => {
  it('a second member joining takes over partitions cleanly: nothing lost, everything committed', async () => {
    const N = 6000;
    const topic = uniq('it_rebalance');
    const groupId = uniq('it_rebalance_group');
    await createTopics(kafka, [{ topic, numPartitions: 4 }]);
    await produceTrades(kafka, topic, makeTrades(N, 16, 'rb'));

    const seen = new Map<string, number>(); // partition/offset → deliveries
    const members = new Set<number>();
    const start = (member: number) => {
      const source = kafkaSource<Trade>({ kafka, groupId, topics: topic, fromBeginning: true, registry: newRegistry(), maxBuffered: 200, commitIntervalMs: 100 });
      const pending: KafkaRecord<Trade>[] = [];
      const timer = setInterval(() => {
        for (const r of pending.splice(0, 10)) source.ack(r); // a slow downstream: ~400 records/s per member
      }, 25);
      source.subscribe({
        next: (r) => {
          const k = `${r.partition}/${r.offset}`;
          seen.set(k, (seen.get(k) ?? 0) + 1);
          members.add(member);
          pending.push(r);
        },
        complete: () => clearInterval(timer),
        error: () => clearInterval(timer),
      });
      return source;
    };

    const a = start(1);
    while (seen.size < 300) await sleep(20);
    const b = start(2);
    for (let i = 0; seen.size < N && i < 2400; i++) await sleep(50);
    await sleep(1500); // last acks and commits
    await Promise.all([a.close(), b.close()]);

    expect(seen.size).toBe(N); // nothing lost
    expect([...members].sort()).toEqual([1, 2]); // both members got partitions
    const redelivered = [...seen.values()].filter((n) => n > 1).length;
    expect(redelivered).toBeLessThan(N / 2); // only what was in flight at the rebalance comes again

    // Everything was committed: a new member of the group reads nothing.
    const c = kafkaSource<Trade>({ kafka, groupId, topics: topic, registry: newRegistry() });
    let late = 0;
    c.subscribe(() => late++);
    await sleep(8000);
    await c.close();
    expect(late).toBe(0);
  }, 240_000);
});
