import { ConfigurationError, memoryInstrumentation, TickflowError } from '@tickflow/core';
import { from, lastValueFrom, NEVER, Subject, toArray } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it, vi } from 'vitest';
import { jsonEncoder } from './jsonEncoder.js';
import type { KafkaOutgoingMessage, KafkaProducerAdapter } from './KafkaProducerAdapter.js';
import type { KafkaValueEncoder } from './KafkaValueEncoder.js';
import { kafkaSink } from './kafkaSink.js';

interface T {
  symbol: string;
  n: number;
}
const rec = (n: number, symbol = 'AAPL'): T => ({ symbol, n });

/** Fake adapter: records each batch; resolves immediately unless `manual`. */
function fakeAdapter(opts: { manual?: boolean; now?: () => number; fail?: (batch: readonly KafkaOutgoingMessage[], call: number) => unknown } = {}) {
  const calls: { batch: KafkaOutgoingMessage[]; at: number; resolve: () => void; reject: (e: unknown) => void }[] = [];
  const adapter: KafkaProducerAdapter = {
    send(batch) {
      return new Promise((resolve, reject) => {
        const call = {
          batch: [...batch],
          at: opts.now?.() ?? 0,
          resolve: () => resolve([{ topic: batch[0]?.topic ?? '', partition: 0, baseOffset: '0' }]),
          reject,
        };
        calls.push(call);
        const err = opts.fail?.(batch, calls.length);
        if (err) reject(err);
        else if (!opts.manual) call.resolve();
      });
    },
  };
  return { adapter, calls };
}

const decode = (m: KafkaOutgoingMessage) => JSON.parse((m.value as Buffer).toString('utf8')) as T;
const tick = () => new Promise((r) => setTimeout(r, 0));

describe('kafkaSink', () => {
  it('batches by batchSize and acks every record in order after the broker acknowledged it', async () => {
    const { adapter, calls } = fakeAdapter();
    const input = Array.from({ length: 2500 }, (_, i) => rec(i, i % 2 ? 'MSFT' : 'AAPL'));
    const acks = await lastValueFrom(from(input).pipe(kafkaSink({ producer: adapter, topic: 'trades_raw', encoder: jsonEncoder(), batchSize: 1000 }), toArray()));
    expect(calls.map((c) => c.batch.length)).toEqual([1000, 1000, 500]);
    expect(acks.map((a) => a.record)).toEqual(input);
    expect(calls.flatMap((c) => c.batch.map(decode))).toEqual(input);
    expect(calls[0]?.batch[1]).toMatchObject({ topic: 'trades_raw', key: 'MSFT' });
    expect(acks[0]?.meta).toEqual({ topic: 'trades_raw', key: 'AAPL' });
  });

  it('routes by a topic function and keys by a key function', async () => {
    const { adapter, calls } = fakeAdapter();
    const input = [rec(1, 'BINANCE:BTCUSDT'), rec(2, 'AAPL')];
    await lastValueFrom(
      from(input).pipe(
        kafkaSink({
          producer: adapter,
          topic: (r) => (r.symbol.startsWith('BINANCE:') ? 'crypto_raw' : 'trades_raw'),
          key: (r) => `k${r.n}`,
          headers: (r) => ({ n: String(r.n) }),
          encoder: jsonEncoder(),
        }),
        toArray(),
      ),
    );
    expect(calls[0]?.batch.map((m) => [m.topic, m.key, m.headers])).toEqual([
      ['crypto_raw', 'k1', { n: '1' }],
      ['trades_raw', 'k2', { n: '2' }],
    ]);
  });

  it('sends a partial batch after lingerMs and the rest on completion (virtual time)', () => {
    const ts = new TestScheduler((a, b) => expect(a).toEqual(b));
    ts.run(({ cold, expectSubscriptions }) => {
      const { adapter, calls } = fakeAdapter({ manual: true, now: () => ts.now() });
      const src = cold<T>('a 2ms b 20ms c|', { a: rec(1), b: rec(2), c: rec(3) });
      const sink = kafkaSink<T>({ producer: adapter, topic: 't', encoder: jsonEncoder(), lingerMs: 10, scheduler: ts, maxInFlightBatches: 2, preserveOrder: false });
      sink(src).subscribe();
      ts.flush();
      expect(calls.map((c) => [c.at, c.batch.map((m) => decode(m).n)])).toEqual([
        [10, [1, 2]],
        [25, [3]],
      ]);
      expectSubscriptions(src.subscriptions).toBe('^ 24ms !');
    });
  });

  it('cancels the linger timer on unsubscribe: nothing is sent afterwards', () => {
    const ts = new TestScheduler((a, b) => expect(a).toEqual(b));
    ts.run(({ cold, expectSubscriptions }) => {
      const { adapter, calls } = fakeAdapter({ manual: true });
      const src = cold<T>('a 50ms |', { a: rec(1) });
      const sub = kafkaSink<T>({ producer: adapter, topic: 't', encoder: jsonEncoder(), lingerMs: 10, scheduler: ts })(src).subscribe();
      ts.schedule(() => sub.unsubscribe(), 5);
      ts.flush();
      expect(calls).toHaveLength(0);
      expectSubscriptions(src.subscriptions).toBe('^ 4ms !');
    });
  });

  it('keeps at most maxInFlightBatches batches in flight and still acks in input order', async () => {
    const { adapter, calls } = fakeAdapter({ manual: true });
    const acks: number[] = [];
    const src = new Subject<T>();
    src
      .pipe(kafkaSink({ producer: adapter, topic: 't', encoder: jsonEncoder(), batchSize: 2, maxInFlightBatches: 2, preserveOrder: false }))
      .subscribe((a) => acks.push(a.record.n));
    for (let i = 0; i < 6; i++) src.next(rec(i));
    expect(calls).toHaveLength(2);
    calls[1]?.resolve();
    await tick();
    expect(acks).toEqual([]); // batch 2 done, but batch 1 is not: acks wait to stay in order
    expect(calls).toHaveLength(3);
    calls[0]?.resolve();
    await tick();
    expect(acks).toEqual([0, 1, 2, 3]);
    calls[2]?.resolve();
    await tick();
    expect(acks).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('with one batch in flight, sends the next only once the previous was acknowledged', async () => {
    const { adapter, calls } = fakeAdapter({ manual: true });
    const src = new Subject<T>();
    src.pipe(kafkaSink({ producer: adapter, topic: 't', encoder: jsonEncoder(), batchSize: 2 })).subscribe();
    for (let i = 0; i < 6; i++) src.next(rec(i));
    expect(calls).toHaveLength(1);
    calls[0]?.resolve();
    await tick();
    expect(calls).toHaveLength(2);
  });

  it('errors with a BACKPRESSURE error when more than maxBuffered records are held', async () => {
    const { adapter } = fakeAdapter({ manual: true });
    const src = new Subject<T>();
    const errors: unknown[] = [];
    src.pipe(kafkaSink({ producer: adapter, topic: 't', encoder: jsonEncoder(), batchSize: 5, maxBuffered: 10 })).subscribe({ error: (e) => errors.push(e) });
    for (let i = 0; i < 10; i++) src.next(rec(i));
    expect(errors).toEqual([]);
    src.next(rec(10));
    expect(errors[0]).toBeInstanceOf(TickflowError);
    expect((errors[0] as TickflowError).code).toBe('BACKPRESSURE');
    expect(src.observed).toBe(false);
  });

  it('dead-letters an unencodable record with reason headers, counts it, and goes on', async () => {
    const { adapter, calls } = fakeAdapter();
    const metrics = memoryInstrumentation();
    const onInvalid = vi.fn();
    const picky: KafkaValueEncoder<T> = {
      format: 'picky',
      prepare: () => undefined,
      encode: (r) => {
        if (r.n === 1) throw new Error('n: 1 is not allowed');
        return Buffer.from(JSON.stringify(r));
      },
    };
    const acks = await lastValueFrom(
      from([rec(0), rec(1), rec(2)]).pipe(
        kafkaSink({ producer: adapter, topic: 'trades_raw', encoder: picky, dlqTopic: 'trades_dlq', onInvalid, instrumentation: metrics }),
        toArray(),
      ),
    );
    expect(acks.map((a) => [a.record.n, a.meta?.topic, a.meta?.deadLetter])).toEqual([
      [0, 'trades_raw', undefined],
      [1, 'trades_dlq', 'n: 1 is not allowed'],
      [2, 'trades_raw', undefined],
    ]);
    const dlq = calls[0]?.batch[1] as KafkaOutgoingMessage;
    expect(dlq.topic).toBe('trades_dlq');
    expect(dlq.key).toBe('AAPL');
    expect(decode(dlq)).toEqual(rec(1));
    expect(dlq.headers).toMatchObject({ 'x-tickflow-reason': 'n: 1 is not allowed', 'x-tickflow-original-topic': 'trades_raw', 'x-tickflow-kind': 'encode' });
    expect(onInvalid).toHaveBeenCalledWith({ reason: 'n: 1 is not allowed', input: rec(1), topic: 'trades_raw', kind: 'encode' });
    expect(metrics.value('kafka_sink_dead_letters_total', { kind: 'encode' })).toBe(1);
    expect(metrics.value('kafka_sink_records_total', { topic: 'trades_raw' })).toBe(2);
    expect(metrics.value('kafka_sink_records_total', { topic: 'trades_dlq' })).toBe(1);
  });

  it('dead-letters records over maxMessageBytes; without a DLQ topic it reports and acks them', async () => {
    const { adapter, calls } = fakeAdapter();
    const onInvalid = vi.fn();
    const big = { symbol: 'AAPL', n: 2, pad: 'x'.repeat(200) };
    const acks = await lastValueFrom(
      from([rec(1), big]).pipe(kafkaSink<T>({ producer: adapter, topic: 't', encoder: jsonEncoder(), maxMessageBytes: 100, onInvalid }), toArray()),
    );
    expect(calls.flatMap((c) => c.batch.map(decode))).toEqual([rec(1)]);
    expect(acks.map((a) => a.meta?.deadLetter)).toEqual([expect.stringMatching(/over maxMessageBytes 100/), undefined]);
    expect(onInvalid.mock.calls[0]?.[0]).toMatchObject({ kind: 'too_large', topic: 't' });
  });

  it('retries retriable send errors with backoff and acks each record once', async () => {
    const retriable = Object.assign(new Error('leader not available'), { retriable: true });
    const { adapter, calls } = fakeAdapter({ fail: (_b, call) => (call <= 2 ? retriable : undefined) });
    const metrics = memoryInstrumentation();
    const acks = await lastValueFrom(
      from([rec(1), rec(2)]).pipe(
        kafkaSink({ producer: adapter, topic: 't', encoder: jsonEncoder(), retry: { initialDelayMs: 1, maxDelayMs: 2 }, instrumentation: metrics }),
        toArray(),
      ),
    );
    expect(calls).toHaveLength(3);
    expect(acks.map((a) => a.record.n)).toEqual([1, 2]);
    expect(metrics.value('kafka_sink_retries_total')).toBe(2);
  });

  it('errors the stream on a non-retriable send error', async () => {
    const { adapter } = fakeAdapter({ fail: () => Object.assign(new Error('topic authorization failed'), { retriable: false }) });
    await expect(lastValueFrom(from([rec(1)]).pipe(kafkaSink({ producer: adapter, topic: 't', encoder: jsonEncoder() })))).rejects.toThrow(
      'topic authorization failed',
    );
  });

  it('splits a batch the broker refused for one record and dead-letters only that record', async () => {
    const tooLarge = Object.assign(new Error('The request included a message larger than the max message size'), { type: 'MESSAGE_TOO_LARGE', retriable: false });
    const { adapter, calls } = fakeAdapter({ fail: (b) => (b.some((m) => m.topic === 't' && decode(m).n === 2) ? tooLarge : undefined) });
    const acks = await lastValueFrom(
      from([rec(1), rec(2), rec(3)]).pipe(kafkaSink({ producer: adapter, topic: 't', encoder: jsonEncoder(), dlqTopic: 'dlq' }), toArray()),
    );
    expect(acks.map((a) => [a.record.n, a.meta?.topic])).toEqual([
      [1, 't'],
      [2, 'dlq'],
      [3, 't'],
    ]);
    const dlq = calls.flatMap((c) => c.batch).find((m) => m.topic === 'dlq');
    expect(dlq?.headers?.['x-tickflow-kind']).toBe('rejected');
  });

  it('never disconnects a caller-owned producer, but disconnects one it created from a Kafka', async () => {
    const sendBatch = vi.fn(async () => [{ topicName: 't', partition: 0, errorCode: 0, baseOffset: '5' }]);
    const callerProducer = { sendBatch, disconnect: vi.fn(), connect: vi.fn() };
    await lastValueFrom(from([rec(1)]).pipe(kafkaSink({ producer: callerProducer as never, topic: 't', encoder: jsonEncoder() })));
    expect(sendBatch).toHaveBeenCalledWith({ topicMessages: [{ topic: 't', messages: [expect.objectContaining({ key: 'AAPL', value: expect.any(Buffer) })] }], acks: -1, timeout: 30_000 });
    expect(callerProducer.disconnect).not.toHaveBeenCalled();

    const own = { sendBatch, disconnect: vi.fn(async () => {}), connect: vi.fn(async () => {}) };
    const kafka = { producer: vi.fn(() => own), admin: vi.fn() };
    await lastValueFrom(from([rec(1)]).pipe(kafkaSink({ producer: kafka as never, topic: 't', encoder: jsonEncoder() })));
    await tick();
    expect(kafka.producer).toHaveBeenCalledWith({ idempotent: true, maxInFlightRequests: 1, createPartitioner: expect.any(Function) });
    expect(own.connect).toHaveBeenCalledTimes(1);
    expect(own.disconnect).toHaveBeenCalledTimes(1);
  });

  it('retries connecting a producer it created when the first connect fails', async () => {
    const sendBatch = vi.fn(async () => [{ topicName: 't', partition: 0, errorCode: 0, baseOffset: '0' }]);
    let connects = 0;
    const own = {
      sendBatch,
      disconnect: vi.fn(async () => {}),
      connect: vi.fn(async () => {
        if (++connects === 1) throw Object.assign(new Error('Connection error: connect ECONNREFUSED'), { retriable: true });
      }),
    };
    const kafka = { producer: () => own, admin: vi.fn() };
    const acks = await lastValueFrom(
      from([rec(1)]).pipe(kafkaSink({ producer: kafka as never, topic: 't', encoder: jsonEncoder(), retry: { initialDelayMs: 1, maxDelayMs: 1 } }), toArray()),
    );
    expect(acks).toHaveLength(1);
    expect(own.connect).toHaveBeenCalledTimes(2);
    expect(sendBatch).toHaveBeenCalledTimes(1);
  });

  it('rejects unsafe or missing configuration with a ConfigurationError', () => {
    const { adapter } = fakeAdapter();
    expect(() => kafkaSink({ producer: adapter, topic: 't', encoder: jsonEncoder(), maxInFlightBatches: 3 })).toThrow(ConfigurationError);
    expect(() => kafkaSink({ producer: adapter, topic: 't' })).toThrow(/needs a value encoder/);
    expect(() => kafkaSink({ producer: adapter, topic: 't', encoder: jsonEncoder(), batchSize: 0 })).toThrow(/batchSize/);
  });

  it('waits for the encoder to get ready for a topic, keeping record order', async () => {
    const { adapter, calls } = fakeAdapter();
    let release!: () => void;
    const ready = new Set<string>();
    const slow: KafkaValueEncoder<T> = {
      format: 'slow',
      prepare: (topic) =>
        ready.has(topic)
          ? undefined
          : new Promise<void>((r) => {
              release = () => {
                ready.add(topic);
                r();
              };
            }),
      encode: (r) => Buffer.from(JSON.stringify(r)),
    };
    const out: number[] = [];
    const src = new Subject<T>();
    src.pipe(kafkaSink({ producer: adapter, topic: 't', encoder: slow, lingerMs: 0 })).subscribe((a) => out.push(a.record.n));
    src.next(rec(1));
    src.next(rec(2));
    expect(calls).toHaveLength(0);
    release();
    src.complete();
    await tick();
    await tick();
    expect(out).toEqual([1, 2]);
  });

  it('does not complete before in-flight batches are acknowledged', async () => {
    const { adapter, calls } = fakeAdapter({ manual: true });
    let completed = false;
    from([rec(1)])
      .pipe(kafkaSink({ producer: adapter, topic: 't', encoder: jsonEncoder() }))
      .subscribe({ complete: () => (completed = true) });
    expect(completed).toBe(false);
    calls[0]?.resolve();
    await tick();
    expect(completed).toBe(true);
    expect(NEVER).toBeDefined();
  });
});
