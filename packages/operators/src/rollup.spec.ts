import { type Bar, ConfigurationError, type Trade } from '@tickflow/core';
import fc from 'fast-check';
import { from, lastValueFrom, toArray } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { ohlcv } from './bar.test-helper.js';
import { type OhlcvBar, ohlcvWindow } from './ohlcvWindow.js';
import { rollup } from './rollup.js';

const M5 = 300_000;
const b5 = (symbol: string, k: number, o: number, h: number, l: number, c: number, v: number, n: number, vwap: number): Bar =>
  ohlcv(symbol, '5m', k * M5, (k + 1) * M5, o, h, l, c, v, n, vwap);
const sched = () => new TestScheduler((a, e) => expect(a).toEqual(e));

describe('rollup', () => {
  it('combines sub-bars into the coarse bar and emits it when the last sub-bar arrives (marbles)', () => {
    sched().run(({ hot, expectObservable, expectSubscriptions }) => {
      const src = hot<Bar>('-a-b-c-|', {
        a: b5('AAPL', 0, 10, 12, 9, 11, 100, 3, 10.5),
        b: b5('AAPL', 5, 11, 15, 11, 14, 300, 2, 13),
        c: b5('AAPL', 11, 14, 14, 8, 9, 100, 1, 9),
      });
      expectObservable(src.pipe(rollup('1h'))).toBe('-----H-|', {
        H: {
          symbol: 'AAPL',
          interval: '1h',
          start: 0,
          end: 3_600_000,
          open: 10,
          high: 15,
          low: 8,
          close: 9,
          volume: 500,
          count: 6,
          vwap: (10.5 * 100 + 13 * 300 + 9 * 100) / 500,
        },
      });
      expectSubscriptions(src.subscriptions).toBe('^------!');
    });
  });

  it('emits on the first sub-bar of a later window, and flushes the rest on completion', async () => {
    const out = await lastValueFrom(
      from([b5('A', 0, 1, 1, 1, 1, 1, 1, 1), b5('B', 1, 5, 5, 5, 5, 1, 1, 5), b5('A', 12, 2, 2, 2, 2, 1, 1, 2)]).pipe(rollup('1h'), toArray()),
    );
    expect(out.map((b) => `${b.symbol}@${b.start / 3_600_000}:${b.open}`)).toEqual(['A@0:1', 'B@0:5', 'A@1:2']);
  });

  it('replaces a restated sub-bar and re-emits the coarse bar with a revision', async () => {
    const first = b5('A', 11, 1, 1, 1, 1, 10, 1, 1);
    const restated: OhlcvBar = { ...b5('A', 11, 1, 3, 1, 3, 20, 2, 2), revision: 1 };
    const out = await lastValueFrom(from([b5('A', 0, 2, 2, 2, 2, 10, 1, 2), first, restated]).pipe(rollup('1h'), toArray()));
    expect(out).toHaveLength(2);
    expect(out[0]).toMatchObject({ close: 1, volume: 20, count: 2 });
    expect(out[0]?.revision).toBeUndefined();
    expect(out[1]).toMatchObject({ start: 0, close: 3, high: 3, volume: 30, count: 3, revision: 1 });
  });

  it("waits for a final sub-bar in 'update' streams", async () => {
    const prov: OhlcvBar = { ...b5('A', 11, 1, 1, 1, 1, 10, 1, 1), revision: 0, final: false };
    const fin: OhlcvBar = { ...b5('A', 11, 1, 2, 1, 2, 20, 2, 1.5), revision: 1, final: true };
    const out = await lastValueFrom(from([prov, fin]).pipe(rollup('1h'), toArray()));
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ close: 2, volume: 20 });
  });

  it('errors with ConfigurationError when the sub-bar interval does not divide the target', async () => {
    const bad: Bar = { ...b5('A', 0, 1, 1, 1, 1, 1, 1, 1), interval: '7m', end: 420_000 };
    await expect(lastValueFrom(from([bad]).pipe(rollup('1h')))).rejects.toBeInstanceOf(ConfigurationError);
  });

  it('property: rolling up 5m bars equals computing 1h bars from the trades', async () => {
    const trades = fc.array(
      fc.record({
        symbol: fc.constantFrom('A', 'B'),
        price: fc.double({ min: 0.5, max: 900, noNaN: true }),
        size: fc.integer({ min: 1, max: 5_000 }),
        ts: fc.integer({ min: 0, max: 4 * 3_600_000 }),
      }),
      { minLength: 1, maxLength: 120 },
    );
    await fc.assert(
      fc.asyncProperty(trades, async (xs: Trade[]) => {
        const sorted = [...xs].sort((a, b) => a.ts - b.ts);
        const direct = await lastValueFrom(from(sorted).pipe(ohlcvWindow({ size: '1h' }), toArray()));
        const m5 = await lastValueFrom(from(sorted).pipe(ohlcvWindow({ size: '5m' }), toArray()));
        const rolled = await lastValueFrom(from(m5).pipe(rollup('1h'), toArray()));
        const k = (b: Bar) => `${b.symbol}|${b.start}`;
        const byKey = new Map(direct.map((b) => [k(b), b]));
        expect(rolled.map(k).sort()).toEqual(direct.map(k).sort());
        for (const r of rolled) {
          const d = byKey.get(k(r)) as Bar;
          const { vwap: rv, ...rr } = r;
          const { vwap: dv, ...dd } = d;
          // exact on everything but vwap, whose Σ(vwap·volume) rounds differently from Σ(price·size)
          expect(rr).toEqual(dd);
          expect(Math.abs(rv - dv)).toBeLessThanOrEqual(1e-9 * dv);
        }
      }),
      { numRuns: 200 },
    );
  }, 60_000);
});
