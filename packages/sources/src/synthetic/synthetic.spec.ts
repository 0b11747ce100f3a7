import { ConfigurationError, TradeSchema } from '@tickflow/core';
import { lastValueFrom, take, toArray } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { synthetic } from './synthetic.js';

const run = (o: Parameters<typeof synthetic>[0]) => lastValueFrom(synthetic(o).pipe(toArray()));

describe('synthetic', () => {
  it('is deterministic for a seed and differs between seeds', async () => {
    const a = await run({ seed: 3, count: 200, ratePerSecond: Number.POSITIVE_INFINITY, startTime: 0 });
    const b = await run({ seed: 3, count: 200, ratePerSecond: Number.POSITIVE_INFINITY, startTime: 0 });
    const c = await run({ seed: 4, count: 200, ratePerSecond: Number.POSITIVE_INFINITY, startTime: 0 });
    expect(a).toEqual(b);
    expect(a.map((t) => t.price)).not.toEqual(c.map((t) => t.price));
  });

  it('makes valid trades round-robin over the symbols, prices a walk in cents, unique ids', async () => {
    const trades = await run({ symbols: ['AAPL', 'MSFT'], count: 1000, ratePerSecond: Number.POSITIVE_INFINITY, startTime: 1000 });
    expect(trades.every((t) => TradeSchema.safeParse(t).success)).toBe(true);
    expect(trades.slice(0, 4).map((t) => t.symbol)).toEqual(['AAPL', 'MSFT', 'AAPL', 'MSFT']);
    expect(trades.every((t) => Math.abs(t.price * 100 - Math.round(t.price * 100)) < 1e-6)).toBe(true);
    expect(new Set(trades.map((t) => t.id)).size).toBe(1000);
    expect(trades[999]?.ts).toBe(1999);
    const steps = trades.slice(2).map((t, i) => Math.abs(t.price / (trades[i]?.price ?? 1) - 1));
    expect(Math.max(...steps)).toBeLessThan(0.01);
  });

  it('emits at the given rate on the scheduler (marbles)', () => {
    new TestScheduler((a, b) => expect(a).toEqual(b)).run(({ expectObservable }) => {
      const ts$ = synthetic({ ratePerSecond: 10, count: 3 }).pipe(toArray());
      expectObservable(ts$).toBe('200ms (a|)', { a: expect.anything() });
      expectObservable(synthetic({ ratePerSecond: 4 }).pipe(take(2), toArray())).toBe('250ms (a|)', { a: expect.anything() });
    });
    const times: number[] = [];
    new TestScheduler(() => {}).run(({ flush }) => {
      synthetic({ ratePerSecond: 10, count: 3 }).subscribe((t) => times.push(t.ts));
      flush();
    });
    expect(times).toEqual([0, 100, 200]);
  });

  it('injects duplicates, invalid and late records at the requested rates', async () => {
    const trades = await run({ count: 5000, ratePerSecond: Number.POSITIVE_INFINITY, startTime: 1_000_000, duplicateRate: 0.05, invalidRate: 0.05, lateRate: 0.05, lateByMs: 60_000 });
    const ids = trades.map((t) => t.id);
    const dups = ids.length - new Set(ids).size;
    const invalid = trades.filter((t) => !TradeSchema.safeParse(t).success).length;
    const late = trades.filter((t) => t.ts < 1_000_000).length;
    for (const n of [dups, invalid, late]) {
      expect(n).toBeGreaterThan(100);
      expect(n).toBeLessThan(500);
    }
    // a duplicate repeats the previous valid trade exactly
    const i = trades.findIndex((t, k) => k > 0 && t.id === trades[k - 1]?.id);
    expect(trades[i]).toEqual(trades[i - 1]);
  });

  it('rejects bad options', () => {
    expect(() => synthetic({ symbols: [] })).toThrow(ConfigurationError);
    expect(() => synthetic({ ratePerSecond: 0 })).toThrow(/ratePerSecond/);
    expect(() => synthetic({ ratePerSecond: Number.POSITIVE_INFINITY })).toThrow(/count/);
    expect(() => synthetic({ invalidRate: 2 })).toThrow(/invalidRate/);
  });
});
