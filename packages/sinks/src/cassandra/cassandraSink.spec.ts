import { type Ack, type InvalidRecord, memoryInstrumentation, RetriesExhaustedError, type Trade } from '@tickflow/core';
import { from, lastValueFrom, Subject, toArray, VirtualTimeScheduler } from 'rxjs';
import { describe, expect, it } from 'vitest';
import type { CassandraAckMeta } from './CassandraSinkOptions.js';
import { cassandraSink } from './cassandraSink.js';
import { fakeClient, noHost, tick } from './fakeClient.test-helper.js';

const T0 = Date.UTC(2024, 0, 2, 15, 0, 0);
const trade = (i: number, extra: Partial<Trade> = {}): Trade => ({ symbol: 'AAPL', price: 100 + i, size: 10, ts: T0 + i, id: `t${i}`, ...extra });

function collect<T>(acks: Ack<T, CassandraAckMeta>[], errors: unknown[] = []) {
  let done = false;
  return {
    observer: { next: (a: Ack<T, CassandraAckMeta>) => acks.push(a), error: (e: unknown) => errors.push(e), complete: () => (done = true) },
    done: () => done,
  };
}

describe('cassandraSink', () => {
  it('never has more than `concurrency` writes in flight and starts the next as one finishes', async () => {
    const client = fakeClient();
    const input = new Subject<Trade>();
    const acks: Ack<Trade, CassandraAckMeta>[] = [];
    input.pipe(cassandraSink({ client, table: 'trades_silver', concurrency: 3 })).subscribe(collect(acks).observer);
    for (let i = 0; i < 10; i++) input.next(trade(i));
    expect(client.calls).toHaveLength(3);
    client.calls[1]?.resolve();
    await tick();
    expect(client.calls).toHaveLength(4);
    expect(client.calls[3]?.params[3]).toBe('t3');
    while (client.pending().length) {
      for (const c of client.pending()) c.resolve();
      await tick();
    }
    expect(client.calls).toHaveLength(10);
    expect(client.maxPending).toBe(3);
    expect(acks).toHaveLength(10);
  });

  it('acks in input order even when writes finish out of order, and completes after the last ack', async () => {
    const client = fakeClient();
    const input = new Subject<Trade>();
    const acks: Ack<Trade, CassandraAckMeta>[] = [];
    const c = collect(acks);
    input.pipe(cassandraSink({ client, table: 'trades_silver', concurrency: 4 })).subscribe(c.observer);
    for (let i = 0; i < 4; i++) input.next(trade(i));
    input.complete();
    client.calls[3]?.resolve();
    client.calls[2]?.resolve();
    await tick();
    expect(acks).toHaveLength(0);
    client.calls[0]?.resolve();
    await tick();
    expect(acks.map((a) => a.record.id)).toEqual(['t0']);
    client.calls[1]?.resolve();
    await tick();
    expect(acks.map((a) => a.record.id)).toEqual(['t0', 't1', 't2', 't3']);
    expect(acks[0]?.meta).toEqual({ table: 'trades_silver', attempts: 1 });
    expect(c.done()).toBe(true);
  });

  it('uses prepared, idempotent statements on market_data by default', async () => {
    const client = fakeClient(async () => ({ rows: [] }));
    const calls: unknown[][] = [];
    const spy = {
      execute: (q: string, p?: unknown[], o?: object) => {
        calls.push([q, p, o]);
        return client.execute(q, p, o);
      },
    };
    await lastValueFrom(from([trade(1)]).pipe(cassandraSink({ client: spy, table: 'trades_silver' })));
    expect(calls[0]?.[0]).toBe(
      'INSERT INTO market_data.trades_silver (symbol, day, ts, id, price, size, conditions, source, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) USING TIMESTAMP ?',
    );
    expect(calls[0]?.[1]).toEqual(['AAPL', '2024-01-02', T0 + 1, 't1', 101, 10, undefined, undefined, undefined, expect.stringMatching(/^\d{16}$/)]);
    expect(calls[0]?.[2]).toEqual({ prepare: true, isIdempotent: true });
  });

  it('retries retriable errors with backoff on the scheduler, holding the slot, and acks once written', async () => {
    const client = fakeClient();
    const scheduler = new VirtualTimeScheduler();
    const inst = memoryInstrumentation();
    const acks: Ack<Trade, CassandraAckMeta>[] = [];
    const errors: unknown[] = [];
    const input = new Subject<Trade>();
    input
      .pipe(cassandraSink({ client, table: 'trades_silver', concurrency: 1, scheduler, instrumentation: inst, retry: { jitter: 0 } }))
      .subscribe(collect(acks, errors).observer);
    input.next(trade(1));
    input.next(trade(2));
    client.calls[0]?.reject(noHost());
    await tick();
    expect(client.calls).toHaveLength(1); // slot held while waiting: trade 2 not started
    expect(scheduler.actions[0]?.delay).toBe(100);
    scheduler.flush();
    expect(client.calls).toHaveLength(2);
    client.calls[1]?.reject(Object.assign(new Error('timeout'), { name: 'ResponseError', code: 0x1100 }));
    await tick();
    expect((scheduler.actions[0]?.delay ?? 0) - scheduler.frame).toBe(200); // VirtualAction.delay is absolute
    scheduler.flush();
    client.calls[2]?.resolve();
    await tick();
    expect(acks.map((a) => [a.record.id, a.meta?.attempts])).toEqual([['t1', 3]]);
    expect(client.calls[3]?.params[3]).toBe('t2');
    expect(errors).toEqual([]);
    expect(inst.value('cassandra_write_retries_total', { table: 'trades_silver' })).toBe(2);
    expect(inst.value('cassandra_write_errors_total', { table: 'trades_silver' })).toBe(2);
    expect(inst.logs.map((l) => l.event)).toEqual(['cassandra_write_retrying', 'cassandra_write_recovered']);
  });

  it('errors the stream with CASSANDRA_WRITE on a non-retriable error', async () => {
    const client = fakeClient(async () => {
      throw Object.assign(new Error('unconfigured table trades_silver'), { name: 'ResponseError', code: 0x2200 });
    });
    await expect(lastValueFrom(from([trade(1)]).pipe(cassandraSink({ client, table: 'trades_silver' })))).rejects.toMatchObject({
      code: 'CASSANDRA_WRITE',
      message: expect.stringMatching(/trades_silver failed: unconfigured table/),
    });
  });

  it('gives up with RetriesExhaustedError after maxAttempts', async () => {
    const client = fakeClient(async () => {
      throw noHost();
    });
    const err = await lastValueFrom(
      from([trade(1)]).pipe(cassandraSink({ client, table: 'trades_silver', retry: { maxAttempts: 3, initialDelayMs: 1, maxDelayMs: 1 } })),
    ).catch((e) => e);
    expect(err).toBeInstanceOf(RetriesExhaustedError);
    expect(err.attempts).toBe(3);
  });

  it('adds USING TTL ? with a fixed or per-record TTL, and keeps the table default when the function returns undefined', async () => {
    const seen: [string, unknown[]][] = [];
    const client = fakeClient(async (q, p) => {
      seen.push([q, p]);
      return { rows: [] };
    });
    await lastValueFrom(from([trade(1)]).pipe(cassandraSink({ client, table: 'trades_bronze', ttlSeconds: 60 })));
    expect(seen[0]?.[0]).toMatch(/^INSERT INTO market_data\.trades_bronze \(.*, raw\) VALUES \(.*\) USING TTL \? AND TIMESTAMP \?$/);
    expect(seen[0]?.[1].at(-2)).toBe(60);
    seen.length = 0;
    const ttl = (t: Trade) => (t.symbol === 'TTL' ? 5 : undefined);
    await lastValueFrom(from([trade(1), trade(2, { symbol: 'TTL' })]).pipe(cassandraSink({ client, table: 'trades_silver', ttlSeconds: ttl }), toArray()));
    expect(seen[0]?.[0]).not.toMatch(/TTL/);
    expect(seen[0]?.[1]).toHaveLength(10);
    expect(seen[1]?.[0]).toMatch(/USING TTL \? AND TIMESTAMP \?$/);
    expect(seen[1]?.[1]).toHaveLength(11);
    expect(seen[1]?.[1].at(-2)).toBe(5);
  });

  it('rejects bad options up front', () => {
    const client = fakeClient();
    expect(() => cassandraSink({ client, table: 'nope' as never })).toThrow(/unknown table "nope"/);
    expect(() => cassandraSink({ client, table: 'trades_silver', concurrency: 0 })).toThrow(/concurrency/);
    expect(() => cassandraSink({ client, table: 'trades_silver', ttlSeconds: -1 })).toThrow(/ttlSeconds/);
    expect(() => cassandraSink({ client, table: 'trades_silver', keyspace: 'x;drop' })).toThrow(/keyspace/);
    expect(() => cassandraSink({ client, table: { query: 'INSERT …', params: () => [] }, ttlSeconds: 5 })).toThrow(/USING TTL/);
    expect(() => cassandraSink({ client: {} as never, table: 'trades_silver' })).toThrow(/client/);
  });

  it('routes records that cannot become a row to onInvalid, counts them, and goes on', async () => {
    const client = fakeClient(async () => ({ rows: [] }));
    const invalid: InvalidRecord[] = [];
    const inst = memoryInstrumentation();
    const acks = await lastValueFrom(
      from<unknown[]>([trade(1), null, { symbol: 'AAPL', ts: 1.5, price: 1, size: 1 }, { symbol: '', ts: 1 }, trade(2), { ...trade(3), price: 'x' }]).pipe(
        cassandraSink({ client, table: 'trades_silver', onInvalid: (r) => invalid.push(r), instrumentation: inst }),
        toArray(),
      ),
    );
    expect(acks.map((a) => (a.record as Trade).id)).toEqual(['t1', 't2']);
    expect(invalid.map((r) => r.field)).toEqual(['record', 'ts', 'symbol', 'price']);
    expect(invalid[1]?.reason).toMatch(/^ts: ts must be an integer/);
    expect(inst.value('cassandra_invalid_total', { table: 'trades_silver' })).toBe(4);
  });

  it('errors with BUFFER_OVERFLOW instead of buffering without bound', async () => {
    const client = fakeClient();
    const input = new Subject<Trade>();
    const errors: unknown[] = [];
    input.pipe(cassandraSink({ client, table: 'trades_silver', concurrency: 2, maxBuffered: 4 })).subscribe(collect([], errors).observer);
    for (let i = 0; i < 4; i++) input.next(trade(i));
    expect(errors).toEqual([]);
    input.next(trade(5));
    expect(errors[0]).toMatchObject({ code: 'BUFFER_OVERFLOW' });
    expect(input.observed).toBe(false);
  });

  it('stops retrying and writing once unsubscribed', async () => {
    const client = fakeClient();
    const scheduler = new VirtualTimeScheduler();
    const input = new Subject<Trade>();
    const sub = input.pipe(cassandraSink({ client, table: 'trades_silver', concurrency: 1, scheduler })).subscribe();
    input.next(trade(1));
    input.next(trade(2));
    client.calls[0]?.reject(noHost());
    await tick();
    expect(scheduler.actions).toHaveLength(1);
    sub.unsubscribe();
    expect(input.observed).toBe(false);
    scheduler.flush();
    expect(client.calls).toHaveLength(1);
  });

  it('reports rows, latency, in-flight and buffered through instrumentation', async () => {
    const client = fakeClient();
    const inst = memoryInstrumentation();
    const input = new Subject<Trade>();
    const sub = input.pipe(cassandraSink({ client, table: 'trades_silver', concurrency: 2, instrumentation: inst })).subscribe();
    for (let i = 0; i < 5; i++) input.next(trade(i));
    const l = { table: 'trades_silver' };
    // the gauges follow at the end of the turn, not per row
    expect(inst.value('cassandra_buffered', l)).toBe(0);
    await tick();
    expect(inst.value('cassandra_in_flight', l)).toBe(2);
    expect(inst.value('cassandra_buffered', l)).toBe(5);
    client.calls[0]?.resolve();
    await tick();
    expect(inst.value('cassandra_rows_written_total', l)).toBe(1);
    expect(inst.value('cassandra_buffered', l)).toBe(4);
    expect(inst.value('cassandra_in_flight', l)).toBe(2);
    expect(inst.observations('cassandra_write_latency_seconds', l)).toHaveLength(1);
    sub.unsubscribe();
    expect(inst.value('cassandra_buffered', l)).toBe(0);
    expect(inst.value('cassandra_in_flight', l)).toBe(0);
  });

  it('writes a custom { query, params } mapping', async () => {
    const seen: unknown[][] = [];
    const client = fakeClient(async (_q, p) => {
      seen.push(p);
      return { rows: [] };
    });
    const acks = await lastValueFrom(
      from([{ k: 'a', v: 1 }]).pipe(
        cassandraSink({ client, table: { name: 'kv', query: 'INSERT INTO ks.kv (k, v) VALUES (?, ?)', params: (r) => [r.k, r.v] } }),
        toArray(),
      ),
    );
    expect(seen).toEqual([['a', 1]]);
    expect(acks[0]?.meta?.table).toBe('kv');
  });

  it('sends waiting rows of one partition as one UNLOGGED batch, never mixing partitions, and still acks per row in order', async () => {
    const client = fakeClient(undefined, { batch: true });
    const input = new Subject<Trade>();
    const acks: Ack<Trade, CassandraAckMeta>[] = [];
    const inst = memoryInstrumentation();
    input.pipe(cassandraSink({ client, table: 'trades_silver', concurrency: 1, batchRows: 3, instrumentation: inst })).subscribe(collect(acks).observer);
    const day2 = T0 + 86_400_000;
    const rows = [
      trade(0),
      trade(1),
      trade(2, { symbol: 'MSFT' }),
      trade(3),
      trade(4, { ts: day2 }), // same symbol, next day: another partition
      trade(5),
      trade(6),
    ];
    for (const r of rows) input.next(r);
    expect(client.calls).toHaveLength(1);
    expect(client.calls[0]?.batch).toBeUndefined(); // t0 started alone: nothing was waiting yet
    const settle = async () => {
      while (client.pending().length) {
        for (const c of client.pending()) c.resolve();
        await tick();
      }
    };
    await settle();
    const groups = client.calls.map((c) => (c.batch ? c.batch.map((b) => b.params[3]) : [c.params[3]]));
    expect(groups).toEqual([['t0'], ['t1', 't3', 't5'], ['t2'], ['t4'], ['t6']]);
    const batches = client.calls.filter((c) => c.batch);
    expect(batches.every((c) => c.options?.logged === false && c.options?.prepare === true && c.options?.isIdempotent === true)).toBe(true);
    for (const b of batches) expect(new Set(b.batch?.map((x) => `${x.params[0]}|${x.params[1]}`)).size).toBe(1);
    expect(acks.map((a) => a.record.id)).toEqual(['t0', 't1', 't2', 't3', 't4', 't5', 't6']);
    expect(inst.value('cassandra_rows_written_total', { table: 'trades_silver' })).toBe(7);
  });

  it('retries a failed batch as a whole and acks its rows in order', async () => {
    const client = fakeClient(undefined, { batch: true });
    const scheduler = new VirtualTimeScheduler();
    const input = new Subject<Trade>();
    const acks: Ack<Trade, CassandraAckMeta>[] = [];
    input.pipe(cassandraSink({ client, table: 'trades_silver', concurrency: 1, scheduler })).subscribe(collect(acks).observer);
    for (let i = 0; i < 4; i++) input.next(trade(i));
    client.calls[0]?.resolve();
    await tick();
    expect(client.calls[1]?.batch).toHaveLength(3);
    client.calls[1]?.reject(noHost());
    await tick();
    scheduler.flush();
    expect(client.calls[2]?.batch?.map((b) => b.params[3])).toEqual(['t1', 't2', 't3']);
    client.calls[2]?.resolve();
    await tick();
    expect(acks.map((a) => [a.record.id, a.meta?.attempts])).toEqual([
      ['t0', 1],
      ['t1', 2],
      ['t2', 2],
      ['t3', 2],
    ]);
  });

  it('sends one statement per row with batchRows 1, or a custom table without partitionKey', async () => {
    const client = fakeClient(async () => ({ rows: [] }), { batch: true });
    const seen: string[] = [];
    const spy = {
      execute: (q: string, p?: unknown[], o?: object) => {
        seen.push('execute');
        return client.execute(q, p, o);
      },
      batch: (qs: Array<{ query: string; params: unknown[] }>, o?: object) => {
        seen.push(`batch${qs.length}`);
        return (client.batch as NonNullable<typeof client.batch>)(qs, o);
      },
    };
    const many = Array.from({ length: 10 }, (_, i) => trade(i));
    await lastValueFrom(from(many).pipe(cassandraSink({ client: spy, table: 'trades_silver', concurrency: 1, batchRows: 1 }), toArray()));
    expect(seen).toEqual(Array(10).fill('execute'));
    seen.length = 0;
    const custom = { query: 'INSERT INTO ks.kv (k, v) VALUES (?, ?)', params: (r: Trade) => [r.symbol, r.price] };
    await lastValueFrom(from(many).pipe(cassandraSink({ client: spy, table: custom, concurrency: 1 }), toArray()));
    expect(seen).toEqual(Array(10).fill('execute'));
    seen.length = 0;
    await lastValueFrom(from(many).pipe(cassandraSink({ client: spy, table: { ...custom, partitionKey: (r) => r.symbol }, concurrency: 1, batchRows: 4 }), toArray()));
    expect(seen).toEqual(['execute', 'batch4', 'batch4', 'execute']); // a lone row goes as a plain statement
  });

  it('stamps each row with a strictly increasing write time taken on arrival, so a retried older version never wins', async () => {
    const client = fakeClient(undefined, { batch: true });
    const scheduler = new VirtualTimeScheduler();
    const input = new Subject<Record<string, unknown>>();
    input.pipe(cassandraSink({ client, table: 'trades_gold_5m', concurrency: 2, scheduler, retry: { jitter: 0 } })).subscribe();
    const bar = { symbol: 'A', interval: '5m', start: 0, end: 300_000, open: 1, high: 1, low: 1, close: 1, volume: 1, count: 1, vwap: 1 };
    input.next({ ...bar, revision: 0 });
    input.next({ ...bar, close: 2, high: 2, revision: 1 });
    const stampOf = (p: unknown[]) => BigInt(p.at(-1) as string);
    const [first, second] = client.calls;
    expect(stampOf(second?.params ?? [])).toBeGreaterThan(stampOf(first?.params ?? []));
    first?.reject(noHost()); // revision 0 fails, revision 1 lands, then revision 0 is retried...
    second?.resolve();
    await tick();
    scheduler.flush();
    const retry = client.calls[2];
    expect(retry?.params.at(-3)).toBe(0); // the retry is revision 0...
    expect(retry?.params.at(-1)).toBe(first?.params.at(-1)); // ...with its original, older write time: Cassandra keeps revision 1
  });

  it('calls execute and batch as methods of the client (this = client), as the driver needs', async () => {
    class MethodClient {
      statements = 0;
      async execute(_q: string, _p?: unknown[]) {
        this.statements++;
        return { rows: [] };
      }
      async batch(qs: Array<{ query: string; params: unknown[] }>) {
        this.statements += qs.length;
        return {};
      }
    }
    const client = new MethodClient();
    const acks = await lastValueFrom(from(Array.from({ length: 10 }, (_, i) => trade(i))).pipe(cassandraSink({ client, table: 'trades_silver', concurrency: 1 }), toArray()));
    expect(acks).toHaveLength(10);
    expect(client.statements).toBe(10);
  });
});
