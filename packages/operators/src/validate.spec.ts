import { ConfigurationError, type InvalidRecord, memoryInstrumentation, type Trade, TradeSchema } from '@tickflow/core';
import { from, lastValueFrom, toArray } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { validate } from './validate.js';

const T0 = Date.UTC(2024, 0, 2, 14, 30);
const ok: Trade = { symbol: 'AAPL', price: 189.5, size: 100, ts: T0 };
const ts = () => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));

async function run(inputs: unknown[], opts: Parameters<typeof validate>[1] = {}) {
  const invalid: InvalidRecord[] = [];
  const out = await lastValueFrom(
    from(inputs).pipe(validate(TradeSchema, { ...opts, onInvalid: (r) => invalid.push(r) }), toArray()),
  );
  return { out, invalid };
}

describe('validate', () => {
  it('passes valid trades and routes bad ones to onInvalid without erroring (marbles)', () => {
    const invalid: InvalidRecord[] = [];
    ts().run(({ hot, expectObservable, expectSubscriptions }) => {
      const src = hot('-a-b-c-d-|', { a: { ...ok, ts: 0 }, b: null, c: 'AAPL,1,1', d: { ...ok, ts: 1, price: -1 } });
      expectObservable(src.pipe(validate(TradeSchema, { onInvalid: (r) => invalid.push(r) }))).toBe('-a-------|', {
        a: { ...ok, ts: 0 },
      });
      expectSubscriptions(src.subscriptions).toBe('^--------!');
    });
    expect(invalid.map((r) => [r.input, r.field])).toEqual([
      [null, '(root)'],
      ['AAPL,1,1', '(root)'],
      [{ ...ok, ts: 1, price: -1 }, 'price'],
    ]);
  });

  it('names the offending field in the reason and never coerces strings', async () => {
    const { out, invalid } = await run([
      null,
      'x',
      42,
      [ok],
      { ...ok, price: '189.5' },
      { ...ok, price: 0 },
      { ...ok, price: Number.NaN },
      { ...ok, size: -5 },
      { ...ok, size: 0 },
      { ...ok, ts: 1.5 },
      { ...ok, symbol: '' },
      { price: 1, size: 1, ts: T0 },
      ok,
    ]);
    expect(out).toEqual([ok]);
    expect(invalid.map((r) => r.field)).toEqual([
      '(root)',
      '(root)',
      '(root)',
      '(root)',
      'price',
      'price',
      'price',
      'size',
      'size',
      'ts',
      'symbol',
      'symbol',
    ]);
    for (const r of invalid) expect(r.reason).toContain(r.field as string);
    expect(invalid[4]?.input).toEqual({ ...ok, price: '189.5' });
  });

  it('rejects records that cannot even be read (throwing getters, revoked proxies) and nested fields by path', async () => {
    const trap = Object.defineProperty({ ...ok }, 'price', {
      get() {
        throw new Error('boom');
      },
      enumerable: true,
    });
    const { proxy, revoke } = Proxy.revocable({ ...ok }, {});
    revoke();
    const { out, invalid } = await run([trap, proxy, { ...ok, conditions: ['@', 1] }, ok]);
    expect(out).toEqual([ok]);
    expect(invalid.map((r) => r.field)).toEqual(['(root)', '(root)', 'conditions.1']);
    expect(invalid[0]?.reason).toMatch(/could not be read/);
  });

  it('allows size 0 only when asked', async () => {
    expect((await run([{ ...ok, size: 0 }], { allowZeroSize: true })).out).toEqual([{ ...ok, size: 0 }]);
    const { invalid } = await run([{ ...ok, size: -1 }, { ...ok, size: 0, price: -1 }], { allowZeroSize: true });
    expect(invalid.map((r) => r.field)).toEqual(['size', 'price']);
  });

  it('rejects timestamps too far ahead of the scheduler clock', () => {
    const invalid: InvalidRecord[] = [];
    ts().run(({ cold, expectObservable }) => {
      // At virtual time 10 ms: ts 5010 is exactly maxFutureMs ahead (ok), 5011 is not.
      const src = cold('10ms (abc|)', { a: { ...ok, ts: 5_010 }, b: { ...ok, ts: 5_011 }, c: { ...ok, ts: 20 } });
      expectObservable(src.pipe(validate(TradeSchema, { onInvalid: (r) => invalid.push(r) }))).toBe('10ms (ac|)', {
        a: { ...ok, ts: 5_010 },
        c: { ...ok, ts: 20 },
      });
    });
    expect(invalid).toHaveLength(1);
    expect(invalid[0]?.field).toBe('ts');
    expect(invalid[0]?.reason).toMatch(/ahead of the clock/);
  });

  it('honours maxFutureMs and an explicit scheduler', () => {
    const sched = ts();
    sched.run(({ cold, expectObservable }) => {
      const src = cold('(ab|)', { a: { ...ok, ts: 60_000 }, b: { ...ok, ts: 61_000 } });
      expectObservable(src.pipe(validate(TradeSchema, { maxFutureMs: 60_000, scheduler: sched }))).toBe('(a|)', {
        a: { ...ok, ts: 60_000 },
      });
    });
  });

  it('counts rejections by field and survives a throwing onInvalid', async () => {
    const inst = memoryInstrumentation();
    const out = await lastValueFrom(
      from([null, { ...ok, price: -1 }, ok]).pipe(
        validate(TradeSchema, {
          instrumentation: inst,
          onInvalid: () => {
            throw new Error('hook bug');
          },
        }),
        toArray(),
      ),
    );
    expect(out).toEqual([ok]);
    expect(inst.total('records_invalid_total')).toBe(2);
    expect(inst.value('records_invalid_total', { operator: 'validate', field: 'price' })).toBe(1);
    expect(inst.logs.filter((l) => l.event === 'validate.onInvalid_threw')).toHaveLength(2);
  });

  it('strips unknown keys and keeps optional ones, like the schema', async () => {
    const full = { ...ok, id: 'x1', conditions: ['@', 'I'], source: 'finnhub', receivedAt: T0 + 5, extra: true };
    const { out } = await run([full]);
    expect(out).toEqual([{ ...ok, id: 'x1', conditions: ['@', 'I'], source: 'finnhub', receivedAt: T0 + 5 }]);
  });

  it('accepts any zod schema and defaults to TradeSchema', async () => {
    const Tick = z.object({ sym: z.string(), px: z.number().positive() });
    const invalid: InvalidRecord[] = [];
    const out = await lastValueFrom(
      from([{ sym: 'A', px: 1 }, { sym: 'A', px: -1 }]).pipe(validate(Tick, { onInvalid: (r) => invalid.push(r) }), toArray()),
    );
    expect(out).toEqual([{ sym: 'A', px: 1 }]);
    expect(invalid[0]?.field).toBe('px');
    const dflt = await lastValueFrom(from([ok, null]).pipe(validate(), toArray()));
    expect(dflt).toEqual([ok]);
  });

  it('rejects bad configuration with a ConfigurationError', () => {
    expect(() => validate(z.object({ size: z.number() }), { allowZeroSize: true })).toThrow(ConfigurationError);
    expect(() => validate(TradeSchema, { maxFutureMs: -1 })).toThrow(/maxFutureMs/);
  });

  it('unsubscribes from the source on teardown', () => {
    ts().run(({ hot, expectObservable, expectSubscriptions }) => {
      const src = hot('-a--a--a-', { a: ok });
      expectObservable(src.pipe(validate(TradeSchema, { maxFutureMs: Number.POSITIVE_INFINITY })), '^----!').toBe('-a--a', {
        a: ok,
      });
      expectSubscriptions(src.subscriptions).toBe('^----!');
    });
  });

  it('passes errors of the source through', () => {
    ts().run(({ cold, expectObservable }) => {
      expectObservable(cold('-#', {}, new Error('boom')).pipe(validate())).toBe('-#', {}, new Error('boom'));
    });
  });
});
