import type { Bar, Trade } from '@tickflow/core';
import fc from 'fast-check';
import { from, lastValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { ohlcvWindow } from './ohlcvWindow.js';
import { watermark } from './watermark.js';

const SIZE = 1_000;
const OOO = 700;

/** The simple batch definition, over the arrival sequence (ties are decided by arrival). */
function batch(arrived: Trade[]): Bar[] {
  const groups = new Map<string, Trade[]>();
  for (const x of arrived) {
    const start = Math.floor(x.ts / SIZE) * SIZE;
    const k = `${x.symbol}\u0000${start}`;
    groups.set(k, [...(groups.get(k) ?? []), x]);
  }
  const bars: Bar[] = [];
  for (const g of groups.values()) {
    const byTs = [...g].sort((a, b) => a.ts - b.ts); // stable: equal ts keep arrival order
    const first = byTs[0] as Trade;
    const start = Math.floor(first.ts / SIZE) * SIZE;
    const volume = g.reduce((s, x) => s + x.size, 0);
    bars.push({
      symbol: first.symbol,
      interval: '1s',
      start,
      end: start + SIZE,
      open: first.price,
      high: Math.max(...g.map((x) => x.price)),
      low: Math.min(...g.map((x) => x.price)),
      close: (byTs[byTs.length - 1] as Trade).price,
      volume,
      count: g.length,
      vwap: g.reduce((s, x) => s + x.price * x.size, 0) / volume,
    });
  }
  return bars;
}

const key = (b: Bar) => `${b.symbol}|${String(b.start).padStart(12, '0')}`;
const sortBars = (bs: Bar[]) => [...bs].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
/** vwap is compared with a relative tolerance: Σprice·size is summed in a different order. */
function expectSameBars(actual: Bar[], expected: Bar[]) {
  const a = sortBars(actual);
  const e = sortBars(expected);
  expect(a.map(({ vwap: _v, ...rest }) => rest)).toEqual(e.map(({ vwap: _v, ...rest }) => rest));
  a.forEach((b, i) => {
    expect(Math.abs(b.vwap - (e[i] as Bar).vwap)).toBeLessThanOrEqual(1e-9 * (e[i] as Bar).vwap);
  });
}

/** Trades plus an arrival order in which each trade is at most OOO behind the newest seen. */
const scenario = fc
  .array(
    fc.record({
      symbol: fc.constantFrom('A', 'B', 'C'),
      price: fc.oneof(fc.integer({ min: 1, max: 50 }), fc.double({ min: 0.01, max: 500, noNaN: true })),
      size: fc.integer({ min: 1, max: 1_000 }),
      ts: fc.oneof(fc.integer({ min: 0, max: 8_000 }), fc.constantFrom(0, 500, 999, 1_000, 2_500)),
      delay: fc.integer({ min: 0, max: OOO }),
    }),
    { minLength: 1, maxLength: 80 },
  )
  .map((xs) => {
    const order = xs.map((x, i) => ({ x, i })).sort((p, q) => p.x.ts + p.x.delay - (q.x.ts + q.x.delay) || p.i - q.i);
    return order.map(({ x }) => ({ symbol: x.symbol, price: x.price, size: x.size, ts: x.ts }) as Trade);
  });

describe('ohlcvWindow properties', { timeout: 60_000 }, () => {
  it('for any arrival order within the out-of-orderness bound, bars equal the batch computation', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async (arrived) => {
        const late: Trade[] = [];
        const bars = await lastValueFrom(
          from(arrived).pipe(
            watermark({ maxOutOfOrdernessMs: OOO }),
            ohlcvWindow({ size: '1s', onLate: (x) => late.push(x) }),
            toArray(),
          ),
        );
        expect(late).toEqual([]);
        expectSameBars(bars, batch(arrived));
        // per symbol, bars come out in time order
        for (const s of ['A', 'B', 'C']) {
          const starts = bars.filter((b) => b.symbol === s).map((b) => b.start);
          expect(starts).toEqual([...starts].sort((a, b) => a - b));
        }
      }),
      { numRuns: 300 },
    );
  });

  it("emit 'update': the last bar of each window equals the batch bar and is final", async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async (arrived) => {
        const bars = await lastValueFrom(
          from(arrived).pipe(watermark({ maxOutOfOrdernessMs: OOO }), ohlcvWindow({ size: '1s', emit: 'update' }), toArray()),
        );
        const last = new Map<string, (typeof bars)[number]>();
        for (const b of bars) last.set(key(b), b);
        const finals = [...last.values()];
        expect(finals.every((b) => b.final === true)).toBe(true);
        expect(bars.filter((b) => b.final).length).toBe(finals.length);
        expectSameBars(
          finals.map(({ revision: _r, final: _f, ...b }) => b),
          batch(arrived),
        );
      }),
      { numRuns: 150 },
    );
  });
});
