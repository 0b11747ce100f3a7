import { describe, expect, it } from 'vitest';
import { describeZodError } from './describeZodError.js';
import { TradeSchema } from './TradeSchema.js';

const good = { symbol: 'AAPL', price: 189.5, size: 100, ts: 1_700_000_000_000 };

function reasonFor(input: unknown): string {
  const r = TradeSchema.safeParse(input);
  expect(r.success).toBe(false);
  return r.success ? '' : describeZodError(r.error).reason;
}

describe('TradeSchema', () => {
  it('accepts a minimal and a full trade', () => {
    expect(TradeSchema.parse(good)).toEqual(good);
    const full = { ...good, id: 'x1', conditions: ['1', '12'], source: 'finnhub', receivedAt: 1_700_000_000_005 };
    expect(TradeSchema.parse(full)).toEqual(full);
  });

  it('strips unknown keys', () => {
    expect(TradeSchema.parse({ ...good, extra: 1 })).toEqual(good);
  });

  it.each([
    ['symbol', { ...good, symbol: '' }],
    ['symbol', { ...good, symbol: undefined }],
    ['symbol', { ...good, symbol: 42 }],
    ['price', { ...good, price: 0 }],
    ['price', { ...good, price: -1 }],
    ['price', { ...good, price: Number.NaN }],
    ['price', { ...good, price: Number.POSITIVE_INFINITY }],
    ['price', { ...good, price: '189.5' }],
    ['price', { ...good, price: undefined }],
    ['size', { ...good, size: 0 }],
    ['size', { ...good, size: -5 }],
    ['size', { ...good, size: Number.NaN }],
    ['size', { ...good, size: '100' }],
    ['ts', { ...good, ts: 1.5 }],
    ['ts', { ...good, ts: '1700000000000' }],
    ['ts', { ...good, ts: -1 }],
    ['ts', { ...good, ts: undefined }],
    ['id', { ...good, id: 7 }],
    ['conditions', { ...good, conditions: 'x' }],
    ['receivedAt', { ...good, receivedAt: 'now' }],
  ])('rejects a bad %s with a message naming the field', (field, input) => {
    expect(reasonFor(input)).toMatch(new RegExp(`^${field}[:.]`));
  });

  it.each([null, undefined, 'AAPL', 42, [], true])('rejects non-objects (%s)', (input) => {
    expect(reasonFor(input)).toMatch(/\(root\)/);
  });

  it('does not coerce strings to numbers', () => {
    const r = TradeSchema.safeParse({ symbol: 'A', price: '1', size: '1', ts: '1' });
    expect(r.success).toBe(false);
  });
});
