import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createOffsetTracker } from './offsetTracker.js';

describe('createOffsetTracker', () => {
  it('manual: acknowledgements free room, commits go only as far as allowed (and never past an unacked record)', () => {
    const t = createOffsetTracker({ manual: true });
    for (const o of [0, 1, 2, 3, 4]) t.delivered('a', 0, o);
    for (const o of [0, 1, 2]) t.ack('a', 0, o);
    expect(t.unacked).toBe(2);
    expect(t.takeCommits()).toEqual([]); // nothing allowed yet
    expect(t.allow('a', 0, 2)).toBe(true);
    expect(t.takeCommits()).toEqual([{ topic: 'a', partition: 0, offset: '2' }]);
    t.allow('a', 0, 5); // allowed beyond the acknowledged point: capped at 3
    expect(t.takeCommits()).toEqual([{ topic: 'a', partition: 0, offset: '3' }]);
    t.allow('a', 0, 1); // a limit never goes back
    t.ack('a', 0, 3);
    t.ack('a', 0, 4);
    expect(t.takeCommits()).toEqual([{ topic: 'a', partition: 0, offset: '5' }]);
    expect(t.allow('b', 0, 9)).toBe(false); // nothing delivered from b/0
    expect(t.takeCommits()).toEqual([]);
  });

  it('manual: the committed offset is min(allowed, contiguous acked) for any order of acks and allowances', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.record({ ack: fc.nat(19) }), fc.record({ allow: fc.nat(25) })), { maxLength: 60 }), (ops) => {
        const t = createOffsetTracker({ manual: true });
        for (let o = 0; o < 20; o++) t.delivered('a', 0, o);
        const acked = new Set<number>();
        let allowed = -1;
        let last = -1;
        for (const op of ops) {
          if ('ack' in op) {
            t.ack('a', 0, op.ack);
            acked.add(op.ack);
          } else {
            t.allow('a', 0, op.allow);
            allowed = Math.max(allowed, op.allow);
          }
          for (const c of t.takeCommits()) last = Number(c.offset);
          let contiguous = 0;
          while (acked.has(contiguous)) contiguous++;
          // the tracker's safe point is -1 until offset 0 is acknowledged
          expect(last).toBe(Math.min(contiguous === 0 ? -1 : contiguous, allowed));
        }
      }),
    );
  });

  it('commits only up to the highest contiguous acknowledged offset + 1', () => {
    const t = createOffsetTracker();
    for (const o of [5, 6, 7, 8]) t.delivered('a', 0, o);
    expect(t.ack('a', 0, 7)).toBe(false);
    expect(t.takeCommits()).toEqual([]);
    expect(t.ack('a', 0, 5)).toBe(true);
    expect(t.takeCommits()).toEqual([{ topic: 'a', partition: 0, offset: '6' }]);
    t.ack('a', 0, 6);
    expect(t.takeCommits()).toEqual([{ topic: 'a', partition: 0, offset: '8' }]);
    expect(t.unacked).toBe(1);
    expect(t.takeCommits()).toEqual([]);
  });

  it('keeps partitions independent and tolerates offset gaps', () => {
    const t = createOffsetTracker();
    t.delivered('a', 0, 1);
    t.delivered('a', 1, 1);
    t.delivered('a', 0, 10); // gap (compaction / transaction marker)
    t.ack('a', 0, 10);
    t.ack('a', 1, 1);
    expect(t.takeCommits()).toEqual([{ topic: 'a', partition: 1, offset: '2' }]);
    t.ack('a', 0, 1);
    expect(t.takeCommits()).toEqual([{ topic: 'a', partition: 0, offset: '11' }]);
  });

  it('ignores re-deliveries, unknown and double acks, and forgets everything on reset', () => {
    const t = createOffsetTracker();
    expect(t.delivered('a', 0, 3)).toBe(true);
    expect(t.delivered('a', 0, 3)).toBe(false);
    expect(t.ack('a', 0, 99)).toBe(false);
    expect(t.ack('b', 0, 3)).toBe(false);
    expect(t.ack('a', 0, 3)).toBe(true);
    expect(t.ack('a', 0, 3)).toBe(false);
    t.delivered('a', 0, 4);
    t.reset();
    expect(t.unacked).toBe(0);
    expect(t.takeCommits()).toEqual([]);
    expect(t.ack('a', 0, 4)).toBe(false);
  });

  it('restore() makes a failed commit come back', () => {
    const t = createOffsetTracker();
    t.delivered('a', 0, 0);
    t.ack('a', 0, 0);
    const c = t.takeCommits();
    t.restore(c);
    expect(t.takeCommits()).toEqual(c);
  });

  it('never commits past an unacknowledged offset, whatever the ack order (property)', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.nat(200), { minLength: 1, maxLength: 60 }), fc.array(fc.nat(59)), (offsets, ackIdx) => {
        const sorted = [...offsets].sort((x, y) => x - y);
        const t = createOffsetTracker();
        for (const o of sorted) t.delivered('t', 0, o);
        const acked = new Set<number>();
        let committed = -1;
        for (const i of ackIdx) {
          const o = sorted[i % sorted.length] as number;
          t.ack('t', 0, o);
          acked.add(o);
          for (const c of t.takeCommits()) committed = Number(c.offset);
          // every delivered offset below the commit point is acknowledged
          for (const d of sorted) if (d < committed) expect(acked.has(d)).toBe(true);
          // and the commit point is as far as it may go: after the contiguous acknowledged prefix
          const firstUnacked = sorted.findIndex((d) => !acked.has(d));
          const prefix = firstUnacked === -1 ? sorted : sorted.slice(0, firstUnacked);
          expect(committed).toBe(prefix.length ? (prefix.at(-1) as number) + 1 : -1);
        }
        expect(t.unacked).toBe(sorted.length - acked.size);
      }),
    );
  });

  it('keeps the same commit point as a model over long runs of interleaved deliveries and acks (compaction)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 30 }), fc.integer({ min: 1, max: 4 }), (seed, gapEvery) => {
        let x = seed;
        const rnd = () => ((x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
        const t = createOffsetTracker();
        const delivered: number[] = [];
        const acked = new Set<number>();
        let next = 5;
        let committed = -1;
        let first = 0; // index of the oldest unacknowledged delivered offset
        for (let step = 0; step < 6000; step++) {
          if (delivered.length - acked.size < 300 || rnd() < 0.5) {
            expect(t.delivered('t', 3, next)).toBe(true);
            delivered.push(next);
            next += rnd() * gapEvery < 1 ? 1 : 2; // offsets with gaps (compaction, transaction markers)
          } else {
            // acknowledge one of the oldest unacknowledged offsets, mostly but not always in order
            const open: number[] = [];
            for (let i = first; i < delivered.length && open.length < 20; i++) if (!acked.has(delivered[i] as number)) open.push(delivered[i] as number);
            const o = open[Math.floor(rnd() * open.length)] as number;
            t.ack('t', 3, o);
            expect(t.ack('t', 3, o)).toBe(false); // twice: no effect
            acked.add(o);
            while (first < delivered.length && acked.has(delivered[first] as number)) first++;
          }
          for (const c of t.takeCommits()) committed = Number(c.offset);
          // the offset after the contiguous acknowledged prefix (-1 while the oldest is unacknowledged)
          expect(committed).toBe(first === 0 ? -1 : (delivered[first - 1] as number) + 1);
        }
        expect(t.unacked).toBe(delivered.length - acked.size);
        expect(t.ack('t', 3, 4)).toBe(false); // never delivered
      }),
      { numRuns: 20 },
    );
  });
});
