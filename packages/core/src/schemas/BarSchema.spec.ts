import { describe, expect, it } from 'vitest';
import { BarSchema } from './BarSchema.js';

const bar = { symbol: 'AAPL', interval: '5m', start: 0, end: 300_000, open: 1, high: 2, low: 0.5, close: 1.5, volume: 10, count: 3, vwap: 1.2 };

describe('BarSchema', () => {
  it('accepts a bar', () => expect(BarSchema.parse(bar)).toEqual(bar));
  it('rejects end <= start', () => {
    const r = BarSchema.safeParse({ ...bar, end: 0 });
    expect(r.success).toBe(false);
    if (!r.success) expect(r.error.issues[0]?.path).toEqual(['end']);
  });
  it('rejects high < low', () => expect(BarSchema.safeParse({ ...bar, high: 0.1 }).success).toBe(false));
  it('rejects a fractional count', () => expect(BarSchema.safeParse({ ...bar, count: 1.5 }).success).toBe(false));
});
