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
    const out = await all([t(0), t(0), t(5_000), t(0), t(20_000), t(0)], dedupe<Trade>({ ttlMs: 10_000, instrumentation: inst }));
    // the last t(0) arrives when the horizon is 10 000: its key is gone, so it passes (downstream calls it late)
    expect(out).toEqual([t(0), t(5_000), t(20_000), t(0)]);
    expect(inst.total('duplicates_dropped_total')).toBe(2);
    expect(inst.value('dedupe_keys_evicted_total', { reason: 'ttl' })).toBe(2);
  });

  it('caps the number of keys with maxKeys (oldest first)', async () => {
    const inst = memoryInstrumentation();
    const out = await all([t(1), t(2), t(3), t(3), t(1)], dedupe<Trade>({ maxKeys: 2, instrumentation: inst }));
    expect(out).toEqual([t(1), t(2), t(3), t(1)]);
    expect(inst.value('dedupe_keys_evicted_total', { reason: 'max_keys' })).toBe(2);
  });

  it('works on a watermarked stream: watermarks pass through and advance the horizon', () => {
    type W = Watermarked<Trade>;
    const rec = (x: Trade): W => ({ kind: 'record', value: x });
    sched().run(({ cold, expectObservable }) => {
      const src = cold<W>('abcde|', {
        a: rec(t(0)),
        b: rec(t(0)),
        c: { kind: 'watermark', ts: 50_000 },
        d: rec(t(0)),
        e: rec(t(60_000)),
      });
      expectObservable(src.pipe(dedupe({ ttlMs: 10_000 }))).toBe('a-cde|', {
        a: rec(t(0)),
        c: { kind: 'watermark', ts: 50_000 },
        d: rec(t(0)),
        e: rec(t(60_000)),
      });
    });
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
});
