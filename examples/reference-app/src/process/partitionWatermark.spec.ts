import type { Trade } from '@tickflow/core';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { type PartitionedTrade, partitionWatermark } from './partitionWatermark.js';

const t = (ts: number): Trade => ({ symbol: 'S', price: 1, size: 1, ts });
const pt = (part: string, ts: number): PartitionedTrade => ({ part, trade: t(ts) });

describe('partitionWatermark', () => {
  it('holds the watermark at the slowest active partition and flushes on completion', () => {
    new TestScheduler((a, b) => expect(a).toEqual(b)).run(({ cold, expectObservable, expectSubscriptions }) => {
      // p1 arrives behind p0 and holds the watermark back: c (p1 at 5000) does not move it past p0's 900.
      const src = cold('a 9ms b 9ms c 9ms |', { a: pt('p0', 1000), b: pt('p1', 200), c: pt('p1', 5000) });
      expectObservable(src.pipe(partitionWatermark({ maxOutOfOrdernessMs: 100 }))).toBe('(ax) 6ms b 9ms c 9ms (z|)', {
        a: { kind: 'record', value: t(1000) },
        x: { kind: 'watermark', ts: 900 },
        b: { kind: 'record', value: t(200) },
        c: { kind: 'record', value: t(5000) },
        z: { kind: 'watermark', ts: Number.POSITIVE_INFINITY },
      });
      expectSubscriptions(src.subscriptions).toBe('^ 29ms !');
    });
  });

  it('waits for expected partitions that have not delivered yet', () => {
    new TestScheduler((a, b) => expect(a).toEqual(b)).run(({ cold, expectObservable }) => {
      const src = cold('a 9ms b 3ms |', { a: pt('p0', 1000), b: pt('p1', 2000) });
      expectObservable(src.pipe(partitionWatermark({ maxOutOfOrdernessMs: 0, partitions: ['p0', 'p1'] }))).toBe('a 9ms (bx) (z|)', {
        a: { kind: 'record', value: t(1000) },
        b: { kind: 'record', value: t(2000) },
        x: { kind: 'watermark', ts: 1000 },
        z: { kind: 'watermark', ts: Number.POSITIVE_INFINITY },
      });
    });
  });

  it('never treats a partition with a backlog as idle', () => {
    new TestScheduler((a, b) => expect(a).toEqual(b)).run(({ hot, expectObservable }) => {
      const src = hot('a 49ms b', { a: pt('p0', 5000), b: pt('p1', 1000) });
      const out = src.pipe(partitionWatermark({ maxOutOfOrdernessMs: 0, idleTimeoutMs: 10, partitions: ['p0', 'p1'], canIdle: (p) => p !== 'p1' }));
      // p1 has not delivered and may not idle: the watermark waits for it instead of racing ahead.
      expectObservable(out, '^ 60ms !').toBe('a 49ms (bx)', {
        a: { kind: 'record', value: t(5000) },
        b: { kind: 'record', value: t(1000) },
        x: { kind: 'watermark', ts: 1000 },
      });
    });
  });

  it('after the whole input was silent, a partition resuming first does not make the others late', () => {
    new TestScheduler((a, b) => expect(a).toEqual(b)).run(({ hot, expectObservable }) => {
      // p0 and p1 deliver, then nothing for 100 ms (a broker outage); p0 resumes with a backlog far
      // ahead, p1's backlog follows 5 ms later: the watermark waits for p1 instead of jumping to 5000.
      const src = hot('a 9ms b 99ms c 4ms d', { a: pt('p0', 1000), b: pt('p1', 1000), c: pt('p0', 5000), d: pt('p1', 2000) });
      const out = src.pipe(partitionWatermark({ maxOutOfOrdernessMs: 0, idleTimeoutMs: 20 }));
      expectObservable(out, '^ 130ms !').toBe('(ax) 6ms b 99ms c 4ms (dy)', {
        a: { kind: 'record', value: t(1000) },
        x: { kind: 'watermark', ts: 1000 },
        b: { kind: 'record', value: t(1000) },
        c: { kind: 'record', value: t(5000) },
        d: { kind: 'record', value: t(2000) },
        y: { kind: 'watermark', ts: 2000 },
      });
    });
  });

  it('stops waiting for an idle partition', () => {
    new TestScheduler((a, b) => expect(a).toEqual(b)).run(({ hot, expectObservable }) => {
      const src = hot('a 9ms b 14ms c', { a: pt('p0', 1000), b: pt('p1', 5000), c: pt('p1', 6000) });
      const out = src.pipe(partitionWatermark({ maxOutOfOrdernessMs: 0, idleTimeoutMs: 20 }));
      // p0 (silent since 0) is idle at the 20 ms check while p1 keeps delivering: the watermark
      // follows p1; c moves it on. (Had p1 been silent ≥ 20 ms too, c would give p0 a new grace period.)
      expectObservable(out, '^ 30ms !').toBe('(ax) 6ms b 9ms y 4ms (cz)', {
        a: { kind: 'record', value: t(1000) },
        x: { kind: 'watermark', ts: 1000 },
        b: { kind: 'record', value: t(5000) },
        y: { kind: 'watermark', ts: 5000 },
        c: { kind: 'record', value: t(6000) },
        z: { kind: 'watermark', ts: 6000 },
      });
    });
  });
});
