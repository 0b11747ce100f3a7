import { memoryInstrumentation, type Trade } from '@tickflow/core';
import fc from 'fast-check';
import { from, lastValueFrom, toArray } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { dedupe } from './dedupe.js';
import type { Watermarked } from './Watermarked.js';

const t = (ts: number, extra: Partial<Trade> = {}): Trade => ({ symbol: 'AAPL', price: 10, size: 100, ts, ...extra });
const sched = () => new TestScheduler((a, e) => expect(a).toEqual(e));
const all = <T>(xs: T[], op = dedupe<T>()) => lastValueFrom(from(xs).pipe(op, toArray()));

describe('dedupe', () => {
  it('drops repeats of symbol|ts|price|size (marbles)', () => {
    sched().run(({ hot, expectObservable, expectSubscriptions }) => {
      const src = hot('-a-b-c-d-|', { a: t(1), b: { ...t(1) }, c: t(1, { price: 11 }), d: t(1) });
      expectObservable(src.pipe(dedupe())).toBe('-a---c---|', { a: t(1), c: t(1, { price: 11 }) });
      expectSubscriptions(src.subscriptions).toBe('^--------!');
    });
  });

  it('keeps identical prints whose ids differ, and drops repeats of an id', async () => {
    const a = t(1, { id: 'x1' });
    const b = t(1, { id: 'x2' });
    expect(await all([a, b, { ...a }, t(2, { id: 'x1' })])).toEqual([a, b]);
  });

  it('accepts a key function', async () => {
    const xs = [t(1), t(2), t(3, { symbol: 'MSFT' })];
    expect(await all(xs, dedupe<Trade>({ key: (r) => r.symbol }))).toEqual([t(1), t(3, { symbol: 'MSFT' })]);
  });

  it('forgets keys behind the TTL horizon (memory bound) and counts drops', async () => {
    const inst = memoryInstrumentation();
    const xs = [t(0), t(0), t(5_000), t(0), t(20_000), t(0), t(35_000), t(0)];
    const out = await all(xs, dedupe<Trade>({ ttlMs: 10_000, instrumentation: inst }));
    // keys live between ttlMs and 2 × ttlMs of event time: at 20 000 t(0) is still known, at 35 000 it is gone
    // (it passes on; downstream calls it late)
    expect(out).toEqual([t(0), t(5_000), t(20_000), t(35_000), t(0)]);
    expect(inst.total('duplicates_dropped_total')).toBe(3);
    expect(inst.value('dedupe_keys_evicted_total', { reason: 'ttl' })).toBe(3); // t(0), t(5 000), t(20 000)
  });

  it('caps the number of keys with maxKeys (oldest first)', async () => {
    const inst = memoryInstrumentation();
    const out = await all([t(1), t(2), t(3), t(3), t(1)], dedupe<Trade>({ maxKeys: 2, instrumentation: inst }));
    expect(out).toEqual([t(1), t(2), t(3), t(1)]);
    expect(inst.value('dedupe_keys_evicted_total', { reason: 'max_keys' })).toBe(3);
  });

  it('holds at most maxKeys keys however long the stream', async () => {
    const inst = memoryInstrumentation();
    const xs = Array.from({ length: 10_000 }, (_, i) => t(i, { id: `id${i}` }));
    const out = await all(xs, dedupe<Trade>({ maxKeys: 100, ttlMs: Number.POSITIVE_INFINITY, instrumentation: inst }));
    expect(out).toHaveLength(10_000);
    const evictedTotal = inst.total('dedupe_keys_evicted_total');
    expect(10_000 - evictedTotal).toBeLessThanOrEqual(100);
  });

  it('works on a watermarked stream: watermarks pass through and advance the horizon', () => {
    type W = Watermarked<Trade>;
    const rec = (x: Trade): W => ({ kind: 'record', value: x });
    sched().run(({ cold, expectObservable }) => {
      const src = cold<W>('abcxde|', {
        a: rec(t(0)),
        b: rec(t(0)),
        c: { kind: 'watermark', ts: 50_000 },
        x: { kind: 'watermark', ts: 70_000 },
        d: rec(t(0)),
        e: rec(t(80_000)),
      });
      expectObservable(src.pipe(dedupe({ ttlMs: 10_000 }))).toBe('a-cxde|', {
        a: rec(t(0)),
        c: { kind: 'watermark', ts: 50_000 },
        x: { kind: 'watermark', ts: 70_000 },
        d: rec(t(0)),
        e: rec(t(80_000)),
      });
    });
  });

  it('errors the stream (like map) when the key function throws', async () => {
    const op = dedupe<Trade>({
      key: () => {
        throw new Error('key bug');
      },
    });
    await expect(all([t(1)], op)).rejects.toThrow('key bug');
  });

  it('never throws on odd values', async () => {
    expect(await all<unknown>([null, null, 1, 1, 'a', undefined])).toEqual([null, 1, 'a', undefined]);
  });

  it('unsubscribes on teardown', () => {
    sched().run(({ hot, expectObservable, expectSubscriptions }) => {
      const src = hot('-a-b-c-', { a: t(1), b: t(2), c: t(3) });
      expectObservable(src.pipe(dedupe()), '^---!').toBe('-a-b', { a: t(1), b: t(2) });
      expectSubscriptions(src.subscriptions).toBe('^---!');
    });
  });

  const trades = fc.array(
    fc.record({
      symbol: fc.constantFrom('A', 'B'),
      price: fc.constantFrom(1, 2),
      size: fc.constantFrom(1, 2),
      ts: fc.integer({ min: 0, max: 5 }),
      id: fc.option(fc.constantFrom('i1', 'i2', 'i3'), { nil: undefined }),
    }),
    { maxLength: 40 },
  );
  const keyOf = (r: { id?: string | undefined; symbol: string; ts: number; price: number; size: number }) =>
    r.id ?? `${r.symbol}|${r.ts}|${r.price}|${r.size}`;

  it('property: idempotent, and equal to keeping the first of each key (within the horizon)', async () => {
    await fc.assert(
      fc.asyncProperty(trades, async (xs) => {
        const once = await all(xs);
        expect(await all(once)).toEqual(once);
        const seen = new Set<string>();
        expect(once).toEqual(xs.filter((x) => !seen.has(keyOf(x)) && seen.add(keyOf(x))));
      }),
    );
  });

  it('property: large streams (hash table growth, collisions) equal the naive text-key filter', async () => {
    const big = fc.array(
      fc.record({
        symbol: fc.constantFrom('A', 'B', 'C', 'BINANCE:BTCUSDT'),
        price: fc.oneof(fc.integer({ min: 1, max: 20 }), fc.constantFrom(0.1, 0.2, 0.30000000000000004, 1e-9)),
        size: fc.integer({ min: 1, max: 5 }),
        ts: fc.integer({ min: 1_700_000_000_000, max: 1_700_000_000_400 }),
      }),
      { minLength: 500, maxLength: 4_000 },
    );
    await fc.assert(
      fc.asyncProperty(big, async (xs) => {
        const out = await all(xs);
        const seen = new Set<string>();
        expect(out).toEqual(xs.filter((x) => !seen.has(keyOf(x)) && seen.add(keyOf(x))));
      }),
      { numRuns: 25 },
    );
  }, 60_000);
});
