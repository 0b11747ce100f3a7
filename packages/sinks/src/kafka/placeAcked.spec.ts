import { memoryInstrumentation } from '@tickflow/core';
import { from, lastValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { jsonEncoder } from './jsonEncoder.js';
import type { KafkaAckMeta } from './KafkaAckMeta.js';
import type { KafkaDeliveryReport, KafkaOutgoingMessage, KafkaProducerAdapter } from './KafkaProducerAdapter.js';
import type { KafkaValueEncoder } from './KafkaValueEncoder.js';
import { kafkaSink } from './kafkaSink.js';
import { placeAcked } from './placeAcked.js';

interface T {
  symbol: string;
  n: number;
}
const rec = (n: number, symbol: string): T => ({ symbol, n });
const decode = (m: KafkaOutgoingMessage) => JSON.parse((m.value as Buffer).toString('utf8')) as T;
const retriable = () => Object.assign(new Error('Request timed out'), { retriable: true });

/**
 * A fake broker: per topic 3 partitions, each an append-only log that already holds 5 old
 * records; partition = sum of the key's char codes % 3. `fail(call)` makes an attempt throw
 * before anything is written, or after writing (the response lost, as in a timeout).
 */
function fakeBroker(opts: { fail?: (call: number) => 'before' | 'after' | undefined; indexes?: boolean } = {}) {
  const logs = new Map<string, { message: KafkaOutgoingMessage; call: number }[][]>();
  const partitionOf = (key: string | null) => (key === null ? 0 : [...key].reduce((a, c) => a + c.charCodeAt(0), 0) % 3);
  const partitions = (topic: string) => {
    let p = logs.get(topic);
    if (!p) {
      const old = { message: { topic, key: null, value: Buffer.from('{"old":true}') }, call: 0 };
      logs.set(topic, (p = [0, 1, 2].map(() => Array.from({ length: 5 }, () => old))));
    }
    return p;
  };
  let calls = 0;
  const adapter: KafkaProducerAdapter = {
    async send(batch) {
      const call = ++calls;
      const failure = opts.fail?.(call);
      if (failure === 'before') throw retriable();
      const runs = new Map<string, KafkaDeliveryReport & { indexes: number[] }>();
      batch.forEach((message, i) => {
        const partition = partitionOf(message.key);
        const log = partitions(message.topic)[partition] as { message: KafkaOutgoingMessage; call: number }[];
        let run = runs.get(`${message.topic}/${partition}`);
        if (!run) runs.set(`${message.topic}/${partition}`, (run = { topic: message.topic, partition, baseOffset: String(log.length), indexes: [] }));
        log.push({ message, call });
        run.indexes.push(i);
      });
      if (failure === 'after') throw retriable();
      const reports = [...runs.values()];
      return opts.indexes === false ? reports.map(({ indexes: _, ...r }) => r) : reports;
    },
  };
  /** What the log holds at an ack's place. */
  const at = (meta: KafkaAckMeta | undefined) => logs.get(meta?.topic ?? '')?.[meta?.partition ?? -1]?.[Number(meta?.offset)];
  return { adapter, at, logs, partitionOf, calls: () => calls };
}

const SYMBOLS = ['AAPL', 'MSFT', 'NVDA', 'TSLA', 'AMZN', 'META', 'BINANCE:BTCUSDT', 'BINANCE:ETHUSDT'];
const topicOf = (t: T) => (t.symbol.startsWith('BINANCE:') ? 'crypto_raw' : 'trades_raw');

describe('kafkaSink ack meta: partition and offset of each record', () => {
  it('gives every record of a batch spread over topics and partitions its own partition and offset', async () => {
    const broker = fakeBroker();
    const input = Array.from({ length: 40 }, (_, i) => rec(i, SYMBOLS[(i * 3) % SYMBOLS.length] as string));
    const acks = await lastValueFrom(from(input).pipe(kafkaSink({ producer: broker.adapter, topic: topicOf, encoder: jsonEncoder(), batchSize: 100 }), toArray()));
    expect(broker.calls()).toBe(1); // one batch
    expect(acks.map((a) => a.record)).toEqual(input);
    const places = new Set(acks.map((a) => `${a.meta?.topic}/${a.meta?.partition}`));
    expect(places.size).toBeGreaterThanOrEqual(4); // mixed topics and partitions in that one batch
    for (const a of acks) {
      expect(a.meta).toEqual({ topic: topicOf(a.record), key: a.record.symbol, partition: broker.partitionOf(a.record.symbol), offset: expect.stringMatching(/^\d+$/) });
      const held = broker.at(a.meta);
      expect(held && decode(held.message)).toEqual(a.record);
    }
    // offsets continue each partition's log after its 5 old records, one per record, none shared
    const seen = new Set(acks.map((a) => `${a.meta?.topic}/${a.meta?.partition}@${a.meta?.offset}`));
    expect(seen.size).toBe(input.length);
    expect(Math.min(...acks.map((a) => Number(a.meta?.offset)))).toBe(5);
  });

  it('takes the place from the attempt that succeeded when a batch is retried (even after a lost response)', async () => {
    // attempt 1 writes but its response is lost; attempt 2 fails before writing; attempt 3 succeeds
    const broker = fakeBroker({ fail: (call) => (call === 1 ? 'after' : call === 2 ? 'before' : undefined) });
    const input = Array.from({ length: 12 }, (_, i) => rec(i, SYMBOLS[i % 6] as string));
    const acks = await lastValueFrom(
      from(input).pipe(kafkaSink({ producer: broker.adapter, topic: 'trades_raw', encoder: jsonEncoder(), retry: { initialDelayMs: 1, maxDelayMs: 1 } }), toArray()),
    );
    expect(broker.calls()).toBe(3);
    for (const a of acks) {
      const held = broker.at(a.meta);
      expect(held && decode(held.message)).toEqual(a.record);
      expect(held?.call).toBe(3); // the copy the acknowledged attempt wrote, not attempt 1's orphan
    }
    const log = broker.logs.get('trades_raw')?.flat() ?? [];
    expect(log.filter((e) => e.call === 1)).toHaveLength(12); // the orphaned copies are there too
  });

  it('places dead letters on the dead-letter topic; without a DLQ topic a dead letter has no place', async () => {
    const broker = fakeBroker();
    const picky: KafkaValueEncoder<T> = {
      format: 'picky',
      prepare: () => undefined,
      encode: (r) => {
        if (r.n % 4 === 1) throw new Error(`n: ${r.n} is not allowed`);
        return Buffer.from(JSON.stringify(r));
      },
    };
    const input = Array.from({ length: 8 }, (_, i) => rec(i, SYMBOLS[i] as string));
    const acks = await lastValueFrom(from(input).pipe(kafkaSink({ producer: broker.adapter, topic: 'trades_raw', encoder: picky, dlqTopic: 'trades_dlq' }), toArray()));
    expect(acks.map((a) => a.record)).toEqual(input);
    for (const a of acks) {
      const dead = a.record.n % 4 === 1;
      expect(a.meta?.topic).toBe(dead ? 'trades_dlq' : 'trades_raw');
      expect(a.meta?.deadLetter).toBe(dead ? `n: ${a.record.n} is not allowed` : undefined);
      const held = broker.at(a.meta);
      expect(held?.message.topic).toBe(a.meta?.topic);
      expect(held && JSON.parse((held.message.value as Buffer).toString('utf8'))).toEqual(a.record);
      if (dead) expect(held?.message.headers?.['x-tickflow-reason']).toBe(a.meta?.deadLetter);
    }

    const noDlq = await lastValueFrom(from(input.slice(0, 3)).pipe(kafkaSink({ producer: fakeBroker().adapter, topic: 'trades_raw', encoder: picky }), toArray()));
    const byN = new Map(noDlq.map((a) => [a.record.n, a.meta]));
    expect(byN.get(1)).toEqual({ topic: 'trades_raw', key: SYMBOLS[1], deadLetter: 'n: 1 is not allowed' }); // never written: no place
    expect(byN.get(0)).toMatchObject({ topic: 'trades_raw', partition: expect.any(Number), offset: '5' });
  });

  it('places a record the broker refused on the dead-letter topic and the others where they landed', async () => {
    const tooLarge = Object.assign(new Error('The request included a message larger than the max message size'), { type: 'MESSAGE_TOO_LARGE', retriable: false });
    const inner = fakeBroker();
    const adapter: KafkaProducerAdapter = {
      send: (batch) => (batch.some((m) => m.topic === 'trades_raw' && decode(m).n === 2) ? Promise.reject(tooLarge) : inner.adapter.send(batch)),
    };
    const input = [rec(1, 'AAPL'), rec(2, 'MSFT'), rec(3, 'NVDA')];
    const acks = await lastValueFrom(from(input).pipe(kafkaSink({ producer: adapter, topic: 'trades_raw', encoder: jsonEncoder(), dlqTopic: 'trades_dlq' }), toArray()));
    expect(acks.map((a) => a.meta?.topic)).toEqual(['trades_raw', 'trades_dlq', 'trades_raw']);
    for (const a of acks) {
      const held = inner.at(a.meta);
      expect(held && decode(held.message)).toEqual(a.record);
    }
  });

  it('keeps working with an adapter that returns no indexes: topic and key only, said once in the log', async () => {
    const broker = fakeBroker({ indexes: false });
    const logs = memoryInstrumentation();
    const input = Array.from({ length: 6 }, (_, i) => rec(i, SYMBOLS[i] as string));
    const acks = await lastValueFrom(
      from(input).pipe(kafkaSink({ producer: broker.adapter, topic: 'trades_raw', encoder: jsonEncoder(), batchSize: 2, instrumentation: logs }), toArray()),
    );
    expect(acks.map((a) => a.meta)).toEqual(input.map((r) => ({ topic: 'trades_raw', key: r.symbol })));
    expect(logs.logs.filter((l) => l.event === 'kafka_sink_acks_without_offsets')).toHaveLength(1);
  });
});

describe('placeAcked', () => {
  const entry = (topic: string) => ({ message: { topic, key: null, value: null }, meta: { topic, key: null } as KafkaAckMeta });

  it('adds the index to the base offset, also past 2^53 (int64 offsets)', () => {
    const batch = [entry('t'), entry('t'), entry('t')];
    expect(placeAcked(batch, [{ topic: 't', partition: 4, baseOffset: '9007199254740991', indexes: [2, 0] }])).toBe(2);
    expect(batch.map((e) => [e.meta.partition, e.meta.offset])).toEqual([
      [4, '9007199254740992'],
      [undefined, undefined],
      [4, '9007199254740991'],
    ]);
  });

  it('ignores reports it cannot trust: no indexes, a bad base offset, indexes out of range or on another topic', () => {
    const batch = [entry('t'), entry('u')];
    const placed = placeAcked(batch, [
      { topic: 't', partition: 0, baseOffset: '7' },
      { topic: 't', partition: 1, baseOffset: '-1', indexes: [0] },
      { topic: 't', partition: 2, baseOffset: '3', indexes: [1, 5] },
    ]);
    expect(placed).toBe(0);
    expect(batch.map((e) => e.meta)).toEqual([
      { topic: 't', key: null },
      { topic: 'u', key: null },
    ]);
    expect(placeAcked(batch, undefined)).toBe(0);
  });
});
