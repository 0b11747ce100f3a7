import { memoryInstrumentation } from '@tickflow/core';
import type { EachBatchPayload, KafkaMessage } from 'kafkajs';
import { Subject } from 'rxjs';
import { describe, expect, it, vi } from 'vitest';
import type { KafkaRecord } from './KafkaRecord.js';
import type { KafkaInvalidMessage } from './KafkaSourceOptions.js';
import { kafkaSource } from './kafkaSource.js';

/** A fake kafkajs consumer: the test pushes batches through the eachBatch handler the source registers. */
function fakeConsumer() {
  const listeners = new Map<string, ((e: unknown) => void)[]>();
  let eachBatch: ((p: EachBatchPayload) => Promise<void>) | undefined;
  const resolved: string[] = [];
  const consumer = {
    events: { REBALANCING: 'consumer.rebalancing', GROUP_JOIN: 'consumer.group_join', CRASH: 'consumer.crash' },
    on: vi.fn((event: string, fn: (e: unknown) => void) => {
      listeners.set(event, [...(listeners.get(event) ?? []), fn]);
      return () => listeners.set(event, (listeners.get(event) ?? []).filter((f) => f !== fn));
    }),
    connect: vi.fn(async () => {}),
    subscribe: vi.fn(async () => {}),
    run: vi.fn(async (cfg: { eachBatch: (p: EachBatchPayload) => Promise<void> }) => {
      eachBatch = cfg.eachBatch;
    }),
    pause: vi.fn(),
    resume: vi.fn(),
    commitOffsets: vi.fn(async (_c: unknown) => {}),
    stop: vi.fn(async () => {}),
    disconnect: vi.fn(async () => {}),
  };
  const msg = (offset: number, value: unknown, key = 'AAPL'): KafkaMessage =>
    ({
      offset: String(offset),
      key: Buffer.from(key),
      value: Buffer.isBuffer(value) ? value : value === null ? null : Buffer.from(JSON.stringify(value)),
      headers: { h: Buffer.from('x') },
      timestamp: '1700000000000',
      attributes: 0,
    }) as KafkaMessage;
  const deliver = async (topic: string, partition: number, messages: KafkaMessage[], highWatermark = '1000') => {
    await vi.waitFor(() => expect(eachBatch).toBeDefined());
    await eachBatch?.({
      batch: { topic, partition, highWatermark, messages } as never,
      resolveOffset: (o: string) => void resolved.push(`${topic}/${partition}/${o}`),
      heartbeat: async () => {},
      isRunning: () => true,
      isStale: () => false,
    } as never);
  };
  const emit = (event: string, payload: unknown) => {
    for (const fn of listeners.get(event) ?? []) fn({ payload });
  };
  return { consumer, deliver, msg, resolved, emit };
}

const commitsOf = (c: ReturnType<typeof fakeConsumer>['consumer']) => c.commitOffsets.mock.calls.map((call) => call[0]);

describe('kafkaSource', () => {
  it('emits decoded records with their envelope and commits only acknowledged, contiguous offsets', async () => {
    const f = fakeConsumer();
    const source = kafkaSource<{ n: number }>({ consumer: f.consumer as never, topics: 'trades_raw' });
    const got: KafkaRecord<{ n: number }>[] = [];
    source.subscribe((r) => got.push(r));
    await f.deliver('trades_raw', 3, [f.msg(10, { n: 0 }), f.msg(11, { n: 1 }), f.msg(12, { n: 2 })]);
    expect(f.consumer.run).toHaveBeenCalledWith(expect.objectContaining({ autoCommit: false, eachBatchAutoResolve: false }));
    expect(got[0]).toEqual({
      topic: 'trades_raw',
      partition: 3,
      offset: '10',
      key: 'AAPL',
      value: { n: 0 },
      headers: { h: 'x' },
      timestamp: 1_700_000_000_000,
    });
    await source.commit(got[2] as KafkaRecord<{ n: number }>);
    expect(commitsOf(f.consumer)).toEqual([]); // 10 and 11 are not acknowledged
    source.ack(got[0] as KafkaRecord<{ n: number }>);
    await source.commit();
    expect(commitsOf(f.consumer)).toEqual([[{ topic: 'trades_raw', partition: 3, offset: '11' }]]);
    source.ack({ record: got[1] as KafkaRecord<unknown> });
    await source.commit();
    expect(commitsOf(f.consumer).at(-1)).toEqual([{ topic: 'trades_raw', partition: 3, offset: '13' }]);
    await source.close();
    expect(f.consumer.stop).toHaveBeenCalled();
    expect(f.consumer.disconnect).not.toHaveBeenCalled();
  });

  it("commitMode 'manual': acks free buffer room but commit nothing; commitOffsets commits up to the allowed point", async () => {
    const f = fakeConsumer();
    const source = kafkaSource<number>({ consumer: f.consumer as never, topics: 't', commitMode: 'manual', commitIntervalMs: 1, maxBuffered: 2 });
    const got: KafkaRecord<number>[] = [];
    source.subscribe((r) => {
      got.push(r);
      source.ack(r); // folded in: room for more, but not committable yet
    });
    // maxBuffered 2 would block this batch if acks did not free room
    await f.deliver('t', 0, [0, 1, 2, 3, 4, 5].map((o) => f.msg(o, o)));
    expect(got.map((r) => r.value)).toEqual([0, 1, 2, 3, 4, 5]);
    await new Promise((r) => setTimeout(r, 20));
    await source.commit();
    expect(commitsOf(f.consumer)).toEqual([]); // no timer commit, no commit without an allowance
    await source.commitOffsets([{ topic: 't', partition: 0, offset: 2 }]);
    expect(commitsOf(f.consumer)).toEqual([[{ topic: 't', partition: 0, offset: '2' }]]);
    await source.commitOffsets([{ topic: 't', partition: 0, offset: '99' }, { topic: 'other', partition: 1, offset: 5 }]);
    expect(commitsOf(f.consumer).at(-1)).toEqual([{ topic: 't', partition: 0, offset: '6' }]); // capped at what was read and acked
    await source.close();
    expect(commitsOf(f.consumer)).toHaveLength(2);
  });

  it("commitOffsets is refused in the default commitMode 'acked'", async () => {
    const f = fakeConsumer();
    const source = kafkaSource({ consumer: f.consumer as never, topics: 't' });
    await expect(source.commitOffsets([{ topic: 't', partition: 0, offset: 1 }])).rejects.toThrow(/commitMode: 'manual'/);
    expect(() => kafkaSource({ consumer: f.consumer as never, topics: 't', commitMode: 'auto' as never })).toThrow(/commitMode/);
  });

  it('commits on its own after commitIntervalMs', async () => {
    const f = fakeConsumer();
    const source = kafkaSource({ consumer: f.consumer as never, topics: 't', commitIntervalMs: 5 });
    source.subscribe((r) => source.ack(r));
    await f.deliver('t', 0, [f.msg(0, 1), f.msg(1, 2)]);
    await vi.waitFor(() => expect(commitsOf(f.consumer)).toEqual([[{ topic: 't', partition: 0, offset: '2' }]]));
    await source.close();
  });

  it('stops taking records at maxBuffered unacknowledged ones and goes on once downstream acknowledged down to half', async () => {
    const f = fakeConsumer();
    const metrics = memoryInstrumentation();
    const source = kafkaSource({ consumer: f.consumer as never, topics: 't', maxBuffered: 4, instrumentation: metrics });
    const got: KafkaRecord<unknown>[] = [];
    source.subscribe((r) => got.push(r));
    let delivered = false;
    const delivering = f.deliver('t', 0, [0, 1, 2, 3, 4, 5].map((o) => f.msg(o, o))).then(() => (delivered = true));
    await vi.waitFor(() => expect(got).toHaveLength(4));
    await new Promise((r) => setTimeout(r, 150));
    expect(got.map((r) => r.offset)).toEqual(['0', '1', '2', '3']);
    expect(f.resolved).toEqual(['t/0/0', 't/0/1', 't/0/2', 't/0/3']);
    expect(metrics.value('kafka_source_pauses_total')).toBe(1);
    source.ack(got[0] as KafkaRecord<unknown>);
    await new Promise((r) => setTimeout(r, 150));
    expect(got).toHaveLength(4); // 3 unacknowledged: still over half of maxBuffered
    source.ack(got[1] as KafkaRecord<unknown>);
    await delivering;
    expect(delivered).toBe(true);
    expect(got.map((r) => r.offset)).toEqual(['0', '1', '2', '3', '4', '5']);
    await source.close({ drainTimeoutMs: 0 });
  });

  it('a blocked batch lets go when the source closes; the records it did not emit stay unresolved', async () => {
    const f = fakeConsumer();
    const source = kafkaSource({ consumer: f.consumer as never, topics: 't', maxBuffered: 2 });
    source.subscribe();
    const delivering = f.deliver('t', 0, [0, 1, 2, 3].map((o) => f.msg(o, o)));
    await vi.waitFor(() => expect(f.resolved).toHaveLength(2));
    await source.close({ drainTimeoutMs: 0 });
    await delivering;
    expect(f.resolved).toEqual(['t/0/0', 't/0/1']);
    expect(f.consumer.pause).toHaveBeenCalledWith([{ topic: 't' }]);
  });

  it('reports undecodable messages with a reason, counts them, and commits past them', async () => {
    const f = fakeConsumer();
    const metrics = memoryInstrumentation();
    const invalid: KafkaInvalidMessage[] = [];
    const source = kafkaSource({ consumer: f.consumer as never, topics: 't', onInvalid: (i) => invalid.push(i), instrumentation: metrics });
    const got: KafkaRecord<unknown>[] = [];
    source.subscribe((r) => got.push(r));
    await f.deliver('t', 0, [f.msg(0, Buffer.from('{not json')), f.msg(1, { ok: true }), f.msg(2, null)]);
    expect(got.map((r) => r.offset)).toEqual(['1']);
    expect(invalid.map((i) => [i.input.offset, i.reason])).toEqual([
      ['0', expect.stringMatching(/not valid JSON/)],
      ['2', expect.stringMatching(/tombstone/)],
    ]);
    expect(metrics.value('kafka_source_invalid_total', { topic: 't' })).toBe(2);
    await source.commit();
    expect(commitsOf(f.consumer)).toEqual([[{ topic: 't', partition: 0, offset: '1' }]]);
    source.ack(got[0] as KafkaRecord<unknown>);
    await source.commit();
    expect(commitsOf(f.consumer).at(-1)).toEqual([{ topic: 't', partition: 0, offset: '3' }]);
    await source.close();
  });

  it('takes acknowledgements from acks$', async () => {
    const f = fakeConsumer();
    const acks$ = new Subject<KafkaRecord<unknown>>();
    const source = kafkaSource({ consumer: f.consumer as never, topics: 't', acks$ });
    source.subscribe((r) => acks$.next(r));
    await f.deliver('t', 1, [f.msg(7, 'a')]);
    await source.commit();
    expect(commitsOf(f.consumer)).toEqual([[{ topic: 't', partition: 1, offset: '8' }]]);
    await source.close();
  });

  it('on rebalance commits what is safe, then forgets in-flight tracking so revoked records are re-delivered', async () => {
    const f = fakeConsumer();
    const source = kafkaSource({ consumer: f.consumer as never, topics: 't' });
    const got: KafkaRecord<unknown>[] = [];
    source.subscribe((r) => got.push(r));
    await f.deliver('t', 0, [f.msg(0, 'a'), f.msg(1, 'b')]);
    source.ack(got[0] as KafkaRecord<unknown>);
    f.emit('consumer.rebalancing', {});
    await vi.waitFor(() => expect(commitsOf(f.consumer)).toEqual([[{ topic: 't', partition: 0, offset: '1' }]]));
    f.emit('consumer.group_join', { memberAssignment: { t: [1] } });
    source.ack(got[1] as KafkaRecord<unknown>); // from the old generation: ignored
    await source.commit();
    expect(commitsOf(f.consumer)).toHaveLength(1);
    // kafkajs re-fetches from the committed offset: offset 1 comes again and is tracked afresh
    await f.deliver('t', 0, [f.msg(1, 'b')]);
    expect(got.map((r) => r.offset)).toEqual(['0', '1', '1']);
    await source.close({ drainTimeoutMs: 0 });
  });

  it('close() waits for outstanding acknowledgements before the final commit', async () => {
    const f = fakeConsumer();
    const source = kafkaSource({ consumer: f.consumer as never, topics: 't' });
    const got: KafkaRecord<unknown>[] = [];
    let completed = false;
    source.subscribe({ next: (r) => got.push(r), complete: () => (completed = true) });
    await f.deliver('t', 0, [f.msg(0, 'a')]);
    const closing = source.close({ drainTimeoutMs: 10_000 });
    expect(completed).toBe(true);
    setTimeout(() => source.ack(got[0] as KafkaRecord<unknown>), 5);
    await closing;
    expect(commitsOf(f.consumer)).toEqual([[{ topic: 't', partition: 0, offset: '1' }]]);
  });

  it('creates, and on teardown disconnects, its own consumer when given kafka + groupId', async () => {
    const f = fakeConsumer();
    const kafka = { consumer: vi.fn(() => f.consumer) };
    const source = kafkaSource({ kafka: kafka as never, groupId: 'g', topics: ['a', 'b'], fromBeginning: true });
    const sub = source.subscribe();
    await vi.waitFor(() => expect(f.consumer.run).toHaveBeenCalled());
    expect(kafka.consumer).toHaveBeenCalledWith({ groupId: 'g' });
    expect(f.consumer.subscribe).toHaveBeenCalledWith({ topics: ['a', 'b'], fromBeginning: true });
    sub.unsubscribe();
    await vi.waitFor(() => expect(f.consumer.disconnect).toHaveBeenCalled());
  });

  it('errors the stream when the consumer crashes for good, not when kafkajs restarts it', async () => {
    const f = fakeConsumer();
    const source = kafkaSource({ consumer: f.consumer as never, topics: 't' });
    const errors: unknown[] = [];
    source.subscribe({ error: (e) => errors.push(e) });
    await vi.waitFor(() => expect(f.consumer.run).toHaveBeenCalled());
    f.emit('consumer.crash', { error: new Error('broker went away'), restart: true });
    expect(errors).toEqual([]);
    f.emit('consumer.crash', { error: new Error('not authorized'), restart: false });
    expect(String(errors[0])).toMatch(/not authorized/);
    await vi.waitFor(() => expect(f.consumer.stop).toHaveBeenCalled());
  });

  it('allows one subscription at a time and validates its options', async () => {
    const f = fakeConsumer();
    const source = kafkaSource({ consumer: f.consumer as never, topics: 't' });
    source.subscribe();
    const errors: unknown[] = [];
    source.subscribe({ error: (e) => errors.push(e) });
    expect(String(errors[0])).toMatch(/one subscription at a time/);
    await source.close();
    expect(() => kafkaSource({ topics: 't' })).toThrow(/needs a consumer/);
    expect(() => kafkaSource({ consumer: f.consumer as never, topics: [] })).toThrow(/topics/);
    expect(() => kafkaSource({ consumer: f.consumer as never })).toThrow(/topics/);
    const single = fakeConsumer();
    const one = kafkaSource({ consumer: single.consumer as never, topic: 'solo' });
    one.subscribe();
    await vi.waitFor(() => expect(single.consumer.subscribe).toHaveBeenCalledWith({ topics: ['solo'], fromBeginning: false }));
    await one.close();
  });
});
