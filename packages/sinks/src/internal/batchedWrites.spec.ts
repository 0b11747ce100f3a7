import type { Ack } from '@tickflow/core';
import { memoryInstrumentation, TickflowError } from '@tickflow/core';
import { firstValueFrom, from, lastValueFrom, Subject, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { batchedWrites } from './batchedWrites.js';

const deferred = <T>() => {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
};
const tick = () => new Promise((r) => setTimeout(r, 0));
const acksOf = <T>(batch: T[]): Ack<T, { n: number }>[] => batch.map((record) => ({ record, meta: { n: batch.length } }));
const base = { sink: 'test', batchSize: 3, lingerMs: 5, maxInFlight: 1, maxBuffered: 1000 };

describe('batchedWrites', () => {
  it('writes full batches at once and the remainder on completion, acking every record in order', async () => {
    const batches: number[][] = [];
    const out = await lastValueFrom(
      from([1, 2, 3, 4, 5, 6, 7]).pipe(
        batchedWrites<number, { n: number }>({ ...base, write: async (b) => {
          batches.push([...b]);
          return acksOf(b);
        } }),
        toArray(),
      ),
    );
    expect(batches).toEqual([[1, 2, 3], [4, 5, 6], [7]]);
    expect(out.map((a) => a.record)).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it('flushes a partial batch after lingerMs', async () => {
    const src = new Subject<number>();
    const batches: number[][] = [];
    const acks: number[] = [];
    src.pipe(batchedWrites<number, { n: number }>({ ...base, lingerMs: 10, write: async (b) => {
          batches.push([...b]);
          return acksOf(b);
        } })).subscribe((a) => acks.push(a.record));
    src.next(1);
    src.next(2);
    await tick();
    expect(batches).toEqual([]);
    await new Promise((r) => setTimeout(r, 30));
    expect(batches).toEqual([[1, 2]]);
    expect(acks).toEqual([1, 2]);
  });

  it('runs up to maxInFlight writes at once and still acks in input order', async () => {
    const pending: { batch: number[]; d: ReturnType<typeof deferred<Ack<number, { n: number }>[]>> }[] = [];
    const acks: number[] = [];
    let done = false;
    from([1, 2, 3, 4, 5, 6, 7, 8, 9])
      .pipe(
        batchedWrites<number, { n: number }>({
          ...base,
          maxInFlight: 2,
          write: (batch) => {
            const d = deferred<Ack<number, { n: number }>[]>();
            pending.push({ batch: [...batch], d });
            return d.promise;
          },
        }),
      )
      .subscribe({ next: (a) => acks.push(a.record), complete: () => (done = true) });
    await tick();
    expect(pending.map((p) => p.batch)).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    pending[1]!.d.resolve(acksOf(pending[1]!.batch));
    await tick();
    expect(acks).toEqual([]); // the second batch is durable, but the first is not: nothing may be acked yet
    expect(pending).toHaveLength(3); // its slot went to the third batch
    pending[0]!.d.resolve(acksOf(pending[0]!.batch));
    await tick();
    expect(acks).toEqual([1, 2, 3, 4, 5, 6]);
    expect(done).toBe(false);
    pending[2]!.d.resolve(acksOf(pending[2]!.batch));
    await tick();
    expect(acks).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(done).toBe(true);
  });

  it('retries a retriable failure with backoff and counts it', async () => {
    const inst = memoryInstrumentation();
    let calls = 0;
    const out = await lastValueFrom(
      from([1, 2]).pipe(
        batchedWrites<number, { n: number }>({
          ...base,
          retry: { initialDelayMs: 1, maxAttempts: 3 },
          instrumentation: inst,
          write: async (b) => {
            if (++calls < 3) throw new TickflowError('flaky', { retriable: true });
            return acksOf(b);
          },
        }),
        toArray(),
      ),
    );
    expect(out.map((a) => a.record)).toEqual([1, 2]);
    expect(calls).toBe(3);
    expect(inst.value('sink_write_retries_total', { sink: 'test' })).toBe(2);
  });

  it('errors the stream with a non-retriable failure, without acking the batch', async () => {
    const acks: number[] = [];
    const err = await new Promise<unknown>((resolve) =>
      from([1, 2, 3, 4])
        .pipe(
          batchedWrites<number, { n: number }>({
            ...base,
            retry: {},
            write: async (b) => {
              if (b.includes(4)) throw new TickflowError('bad table', { retriable: false });
              return acksOf(b);
            },
          }),
        )
        .subscribe({ next: (a) => acks.push(a.record), error: resolve }),
    );
    expect((err as Error).message).toBe('bad table');
    expect(acks).toEqual([1, 2, 3]);
  });

  it('errors with BACKPRESSURE when more than maxBuffered records wait', async () => {
    const err = await firstValueFrom(
      from([1, 2, 3, 4, 5]).pipe(batchedWrites<number, { n: number }>({ ...base, maxBuffered: 4, write: () => new Promise(() => {}) })),
    ).catch((e) => e);
    expect(err).toBeInstanceOf(TickflowError);
    expect((err as TickflowError).code).toBe('BACKPRESSURE');
  });

  it('forwards a source error only after in-flight writes were acked', async () => {
    const src = new Subject<number>();
    const acks: number[] = [];
    let error: unknown;
    src
      .pipe(batchedWrites<number, { n: number }>({ ...base, write: async (b) => {
          await tick();
          return acksOf(b);
        } }))
      .subscribe({ next: (a) => acks.push(a.record), error: (e) => (error = e) });
    src.next(1);
    src.error(new Error('source broke'));
    expect(error).toBeUndefined();
    await new Promise((r) => setTimeout(r, 10));
    expect(acks).toEqual([1]);
    expect((error as Error).message).toBe('source broke');
  });

  it('stops on unsubscribe: a write finishing later emits nothing', async () => {
    const d = deferred<Ack<number, { n: number }>[]>();
    const acks: number[] = [];
    const sub = from([1, 2, 3])
      .pipe(batchedWrites<number, { n: number }>({ ...base, write: () => d.promise }))
      .subscribe((a) => acks.push(a.record));
    await tick();
    sub.unsubscribe();
    d.resolve(acksOf([1, 2, 3]));
    await tick();
    expect(acks).toEqual([]);
  });
});
