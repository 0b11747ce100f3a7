import { describe, expect, it } from 'vitest';
import { RateLimiter } from './RateLimiter.js';

describe('RateLimiter', () => {
  it('allows a burst, then refills at the rate, per key', () => {
    let now = 0;
    const l = new RateLimiter({ ratePerSecond: 2, burst: 2, now: () => now });
    expect([l.take('a'), l.take('a'), l.take('a')]).toEqual([{ allowed: true }, { allowed: true }, { allowed: false, retryAfterSeconds: 1 }]);
    expect(l.take('b')).toEqual({ allowed: true });
    now += 500; // one token back
    expect(l.take('a')).toEqual({ allowed: true });
    expect(l.take('a').allowed).toBe(false);
    now += 10_000; // never more than the burst
    expect([l.take('a'), l.take('a'), l.take('a')].map((d) => d.allowed)).toEqual([true, true, false]);
  });

  it('says how long to wait at slow rates', () => {
    const l = new RateLimiter({ ratePerSecond: 0.1, burst: 1, now: () => 0 });
    l.take('a');
    expect(l.take('a')).toEqual({ allowed: false, retryAfterSeconds: 10 });
  });

  it('keeps at most maxClients buckets, dropping full ones first', () => {
    let now = 0;
    const l = new RateLimiter({ ratePerSecond: 1, burst: 5, now: () => now, maxClients: 3 });
    for (const k of ['a', 'b', 'c']) l.take(k);
    now += 5_000; // all refilled: nothing to remember
    l.take('d');
    expect(l.size).toBe(1);
    for (const k of ['e', 'f', 'g', 'h']) l.take(k);
    expect(l.size).toBeLessThanOrEqual(3);
  });
});
