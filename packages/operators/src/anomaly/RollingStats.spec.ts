import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RollingStats } from './RollingStats.js';

const naive = (xs: number[]) => {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const v = xs.length > 1 ? xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1) : 0;
  return { mean, stdev: Math.sqrt(v) };
};

describe('RollingStats (sliding-window Welford)', () => {
  it('matches a two-pass computation over the last `capacity` samples after every push (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 20 }), fc.array(fc.double({ min: -1e3, max: 1e3, noNaN: true }), { minLength: 1, maxLength: 200 }), (capacity, xs) => {
        const s = new RollingStats(capacity);
        xs.forEach((x, i) => {
          s.push(x);
          const win = xs.slice(Math.max(0, i + 1 - capacity), i + 1);
          const want = naive(win);
          expect(s.n).toBe(win.length);
          expect(s.mean).toBeCloseTo(want.mean, 6);
          expect(s.stdev).toBeCloseTo(want.stdev, 6);
        });
      }),
    );
  });

  it('does not drift over a million updates with a large offset', () => {
    const s = new RollingStats(50);
    let x = 0;
    const last: number[] = [];
    for (let i = 0; i < 1_000_000; i++) {
      x = 1e6 + ((i * 7919) % 1000) / 1000;
      s.push(x);
      if (i >= 1_000_000 - 50) last.push(x);
    }
    const want = naive(last);
    expect(s.mean).toBeCloseTo(want.mean, 8);
    expect(s.stdev).toBeCloseTo(want.stdev, 8);
  });

  it('returns to an exact zero stdev once an outlier has left a window of equal values (found by fast-check)', () => {
    const s = new RollingStats(3);
    for (const x of [0, 0, 0, -82.97131134189404, 0, 0, 0]) s.push(x);
    expect(s.mean).toBe(0);
    expect(s.stdev).toBe(0);
  });
});
