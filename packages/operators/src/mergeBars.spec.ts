import { type Bar, type Trade, ValidationError } from '@tickflow/core';
import fc from 'fast-check';
import { from, lastValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { ohlcv } from './bar.test-helper.js';
import { mergeBars } from './mergeBars.js';
import { ohlcvWindow } from './ohlcvWindow.js';

const M5 = 300_000;
const H = 3_600_000;
const b5 = (k: number, o: number, h: number, l: number, c: number, v: number, n: number, vwap: number): Bar =>
  ohlcv('AAPL', '5m', k * M5, (k + 1) * M5, o, h, l, c, v, n, vwap);
const hour = { symbol: 'AAPL', interval: '1h', start: 0, end: H };

describe('mergeBars', () => {
  it('takes open from the earliest sub-bar and close from the latest, whatever the input order', () => {
    const bars = [b5(2, 12, 14, 11, 13, 30, 3, 12.5), b5(0, 10, 11, 9, 10.5, 10, 2, 10.2), b5(1, 10.5, 12, 10, 12, 20, 4, 11)];
    expect(mergeBars(bars, hour)).toEqual({
      symbol: 'AAPL',
      interval: '1h',
      start: 0,
      end: H,
      open: 10,
      high: 14,
      low: 9,
      close: 13,
      volume: 60,
      count: 9,
      vwap: (10.2 * 10 + 11 * 20 + 12.5 * 30) / 60,
    });
  });

  it('uses the target symbol and window, and sets revision only when it is at least 1', () => {
    const one = [b5(3, 5, 6, 4, 5.5, 1, 1, 5.5)];
    expect(mergeBars(one, { ...hour, symbol: 'MSFT' }).symbol).toBe('MSFT');
    expect(mergeBars(one, { ...hour, revision: 0 })).not.toHaveProperty('revision');
    expect(mergeBars(one, { ...hour, revision: 2 }).revision).toBe(2);
  });

  it('gives vwap = close when no volume traded (zero-size prints)', () => {
    const bars = [b5(0, 10, 10, 10, 10, 0, 1, 10), b5(1, 11, 11, 11, 11, 0, 1, 11)];
    expect(mergeBars(bars, hour).vwap).toBe(11);
  });

  it('accepts any iterable, e.g. the values of a Map of sub-bars by start', () => {
    const byStart = new Map([b5(1, 2, 3, 1, 2, 1, 1, 2), b5(0, 1, 2, 1, 2, 1, 1, 1.5)].map((b) => [b.start, b]));
    const m = mergeBars(byStart.values(), hour);
    expect([m.open, m.close, m.count]).toEqual([1, 2, 2]);
  });

  it('throws a ValidationError naming the window when there is nothing to merge', () => {
    expect(() => mergeBars([], hour)).toThrow(ValidationError);
    expect(() => mergeBars([], hour)).toThrow(/AAPL 1h at 1970-01-01T00:00:00.000Z/);
  });

  it('property: merging the 5m bars of an hour equals the 1h bar computed from the trades', async () => {
    const trades = fc.array(
      fc.record({
        symbol: fc.constant('AAPL'),
        price: fc.double({ min: 0.5, max: 900, noNaN: true }),
        size: fc.integer({ min: 1, max: 5_000 }),
        ts: fc.integer({ min: 0, max: H - 1 }),
      }),
      { minLength: 1, maxLength: 80 },
    );
    await fc.assert(
      fc.asyncProperty(trades, async (xs: Trade[]) => {
        const sorted = [...xs].sort((a, b) => a.ts - b.ts);
        const [direct] = await lastValueFrom(from(sorted).pipe(ohlcvWindow({ size: '1h' }), toArray()));
        const m5 = await lastValueFrom(from(sorted).pipe(ohlcvWindow({ size: '5m' }), toArray()));
        const { vwap: mv, ...merged } = mergeBars(m5.reverse(), hour);
        const { vwap: dv, ...d } = direct as Bar;
        expect(merged).toEqual(d);
        expect(Math.abs(mv - dv)).toBeLessThanOrEqual(1e-9 * dv);
      }),
      { numRuns: 200 },
    );
  }, 60_000);
});
