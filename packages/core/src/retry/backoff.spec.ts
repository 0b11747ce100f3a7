import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../errors/ConfigurationError.js';
import { backoff } from './backoff.js';
import { seededRandom } from './seededRandom.js';

const policy = { initialDelayMs: 100, maxDelayMs: 1_000, multiplier: 2, jitter: 0 };

describe('backoff', () => {
  it('grows exponentially and is capped', () => {
    expect([1, 2, 3, 4, 5, 6, 20].map((n) => backoff(n, policy))).toEqual([100, 200, 400, 800, 1000, 1000, 1000]);
  });

  it('never overflows for huge attempts', () => {
    expect(backoff(5000, policy)).toBe(1000);
  });

  it('is exact with a seeded random source', () => {
    const p = { ...policy, jitter: 0.5 };
    const a = [1, 2, 3, 4].map((n) => backoff(n, p, seededRandom(1)));
    const b = [1, 2, 3, 4].map((n) => backoff(n, p, seededRandom(1)));
    expect(a).toEqual(b);
    // jitter 0.5: the delay lies in [d/2, d]
    a.forEach((d, i) => {
      const full = Math.min(1000, 100 * 2 ** i);
      expect(d).toBeGreaterThanOrEqual(full / 2);
      expect(d).toBeLessThanOrEqual(full);
    });
  });

  it('computes the jitter formula exactly', () => {
    const p = { ...policy, jitter: 1 };
    expect(backoff(3, p, () => 0)).toBe(0);
    expect(backoff(3, p, () => 0.25)).toBe(100);
    expect(backoff(3, { ...policy, jitter: 0.2 }, () => 0.5)).toBe(360);
  });

  it('rejects bad attempts and jitter', () => {
    expect(() => backoff(0, policy)).toThrow(ConfigurationError);
    expect(() => backoff(1.5, policy)).toThrow(/integer >= 1/);
    expect(() => backoff(1, { ...policy, jitter: 2 })).toThrow(/jitter/);
  });
});

describe('seededRandom', () => {
  it('is deterministic and in [0, 1)', () => {
    const r1 = seededRandom(99);
    const r2 = seededRandom(99);
    for (let i = 0; i < 1000; i++) {
      const v = r1();
      expect(v).toBe(r2());
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThan(1);
    }
    expect(seededRandom(1)()).not.toBe(seededRandom(2)());
  });
});
