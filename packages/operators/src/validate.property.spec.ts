import { TradeSchema } from '@tickflow/core';
import fc from 'fast-check';
import { from, lastValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { checkTrade } from './internal/checkTrade.js';
import { validate } from './validate.js';

/** Field values near and across every rule of TradeSchema, plus anything at all. */
const num = fc.oneof(
  fc.double(),
  fc.integer(),
  fc.constantFrom(0, -0, 1, -1, 0.5, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY),
  fc.constantFrom(Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER + 1, 2 ** 60, Number.MIN_VALUE),
);
const any = fc.oneof(num, fc.string(), fc.constant(undefined), fc.constant(null), fc.boolean(), fc.anything());
const field = <T>(arb: fc.Arbitrary<T>) => fc.oneof({ weight: 4, arbitrary: arb }, { weight: 1, arbitrary: any });
const record = fc.record(
  {
    symbol: field(fc.string({ maxLength: 6 })),
    price: field(num),
    size: field(num),
    ts: field(fc.oneof(fc.integer({ min: -5, max: 2 ** 42 }), num)),
    id: field(fc.string({ maxLength: 3 })),
    conditions: field(fc.array(fc.oneof({ weight: 5, arbitrary: fc.string({ maxLength: 2 }) }, { weight: 1, arbitrary: any }), { maxLength: 3 })),
    source: field(fc.string({ maxLength: 3 })),
    receivedAt: field(fc.oneof(fc.integer({ min: -5, max: 2 ** 42 }), num)),
    extra: any,
  },
  { requiredKeys: [] },
);
const input = fc.oneof({ weight: 8, arbitrary: record }, { weight: 1, arbitrary: fc.anything() }, { weight: 1, arbitrary: fc.array(any) });

/** -0 and 0 are the same number to every consumer; compare them as equal. */
const norm = (v: unknown) => JSON.parse(JSON.stringify(v ?? null, (_k, x) => (Object.is(x, -0) ? 0 : x)));

describe('validate fast path', { timeout: 60_000 }, () => {
  it('agrees with TradeSchema.safeParse on any input (accept/reject and output)', () => {
    fc.assert(
      fc.property(input, (x) => {
        const fast = checkTrade(x, false);
        const zod = TradeSchema.safeParse(x);
        expect(fast !== undefined).toBe(zod.success);
        if (zod.success) expect(norm(fast)).toEqual(norm(zod.data));
      }),
      { numRuns: 5_000 },
    );
  });

  it('the operator with TradeSchema (fast path) equals the operator with a copy of it (zod path)', async () => {
    const copy = TradeSchema.extend({});
    await fc.assert(
      fc.asyncProperty(fc.array(input, { maxLength: 20 }), async (xs) => {
        const opts = { maxFutureMs: Number.POSITIVE_INFINITY };
        const a: unknown[] = [];
        const b: unknown[] = [];
        const outA = await lastValueFrom(from(xs).pipe(validate(TradeSchema, { ...opts, onInvalid: (r) => a.push(r) }), toArray()));
        const outB = await lastValueFrom(from(xs).pipe(validate(copy, { ...opts, onInvalid: (r) => b.push(r) }), toArray()));
        expect(norm(outA)).toEqual(norm(outB));
        expect(a).toEqual(b);
      }),
      { numRuns: 500 },
    );
  });

  it('allowZeroSize differs from the default only on size 0', () => {
    fc.assert(
      fc.property(input, (x) => {
        const strict = checkTrade(x, false);
        const zero = checkTrade(x, true);
        if (strict !== undefined) expect(zero).toEqual(strict);
        else if (zero !== undefined) expect(zero.size === 0).toBe(true);
      }),
      { numRuns: 5_000 },
    );
  });
});
