import { describe, expect, it } from 'vitest';
import { describeZodError } from './describeZodError.js';
import { QuoteSchema } from './QuoteSchema.js';

const good = { symbol: 'AAPL', price: 244.6, ts: 1_739_566_800_000, volume: 40_896_227, change: -0.5, changePercent: -0.2 };

describe('QuoteSchema', () => {
  it('accepts a quote with earnings timestamps', () => {
    const q = { ...good, currency: 'USD', marketState: 'CLOSED', earningsTimestamp: 1_738_272_600_000 };
    expect(QuoteSchema.parse(q)).toEqual(q);
  });

  it.each([
    ['symbol', { ...good, symbol: '' }],
    ['price', { ...good, price: 0 }],
    ['ts', { ...good, ts: 1.2 }],
    ['volume', { ...good, volume: -1 }],
    ['change', { ...good, change: Number.NaN }],
    ['changePercent', { ...good, changePercent: undefined }],
  ])('rejects a bad %s naming it', (field, input) => {
    const r = QuoteSchema.safeParse(input);
    expect(r.success).toBe(false);
    if (!r.success) expect(describeZodError(r.error).field).toBe(field);
  });
});
