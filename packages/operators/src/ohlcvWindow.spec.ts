import { BarSchema, ConfigurationError, memoryInstrumentation, type Trade } from '@tickflow/core';
import { from, lastValueFrom, toArray } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { ohlcv } from './bar.test-helper.js';
import { type OhlcvBar, ohlcvWindow } from './ohlcvWindow.js';
import type { Watermarked } from './Watermarked.js';
import { watermark } from './watermark.js';

type W = Watermarked<Trade>;
const t = (ts: number, price: number, size = 1, symbol = 'AAPL', extra: Partial<Trade> = {}): Trade => ({
  symbol,
  price,
  size,
  ts,
  ...extra,
});
const rec = (x: Trade): W => ({ kind: 'record', value: x });
const wm = (ts: number): W => ({ kind: 'watermark', ts });
const bar = (symbol: string, start: number, o: number, h: number, l: number, c: number, v: number, n: number, vwap: number, interval = '1s'): OhlcvBar =>
  ohlcv(symbol, interval, start, start + 1000, o, h, l, c, v, n, vwap);
const sched = () => new TestScheduler((a, e) => expect(a).toEqual(e));
const run = (items: (W | Trade)[], opts: Partial<Parameters<typeof ohlcvWindow>[0]> = {}) =>
  lastValueFrom(from(items).pipe(ohlcvWindow({ size: '1s', ...opts }), toArray()));

describe('ohlcvWindow', () => {
  it('emits a final bar when the watermark reaches the window end, and flushes on completion (marbles)', () => {
    sched().run(({ hot, expectObservable, expectSubscriptions }) => {
      const src = hot<W>('-a-b-w-c-x-|', {
        a: rec(t(100, 10, 2)),
        b: rec(t(500, 12, 2)),
        w: wm(999),
        c: rec(t(1_200, 11)),
        x: wm(1_000),
      });
      expectObservable(src.pipe(ohlcvWindow({ size: 1000 }))).toBe('---------A-(B|)', {
        A: bar('AAPL', 0, 10, 12, 10, 12, 4, 2, 11),
        B: bar('AAPL', 1000, 11, 11, 11, 11, 1, 1, 11),
      });
      expectSubscriptions(src.subscriptions).toBe('^----------!');
    });
  });

  it('open = smallest ts (ties: first arrived), close = largest ts (ties: last arrived)', async () => {
    const bars = await run([
      rec(t(300, 5)),
      rec(t(100, 7)), // smallest ts → open
      rec(t(100, 8)), // same ts, arrived later → not open
      rec(t(900, 3)),
      rec(t(900, 4)), // same largest ts, arrived last → close
      rec(t(500, 9)),
    ]);
    expect(bars).toEqual([bar('AAPL', 0, 7, 9, 3, 4, 6, 6, (5 + 7 + 8 + 3 + 4 + 9) / 6)]);
    expect(BarSchema.parse(bars[0])).toEqual(bars[0]);
  });

  it('sends late trades to onLate and a counter, never into a closed bar', async () => {
    const late: Trade[] = [];
    const inst = memoryInstrumentation();
    const bars = await run([rec(t(100, 10)), wm(1_000), rec(t(999, 99)), rec(t(1_500, 20))], {
      onLate: (x) => late.push(x),
      instrumentation: inst,
    });
    expect(bars).toEqual([bar('AAPL', 0, 10, 10, 10, 10, 1, 1, 10), bar('AAPL', 1000, 20, 20, 20, 20, 1, 1, 20)]);
    expect(late).toEqual([t(999, 99)]);
    expect(inst.total('trades_late_total')).toBe(1);
  });

  it('keeps a window open for allowedLatenessMs after its end; later trades are late', async () => {
    const late: Trade[] = [];
    const bars = await run([rec(t(100, 10)), wm(1_400), rec(t(900, 12)), wm(1_500), rec(t(950, 13))], {
      allowedLatenessMs: 500,
      onLate: (x) => late.push(x),
    });
    expect(bars).toEqual([bar('AAPL', 0, 10, 12, 10, 12, 2, 2, 11)]);
    expect(late).toEqual([t(950, 13)]);
  });

  it("emit: 'update' emits provisional bars, a corrected bar for a late-but-allowed trade, and a final one", () => {
    sched().run(({ cold, expectObservable }) => {
      const src = cold<W>('a-b-w-c-x|', {
        a: rec(t(100, 10)),
        b: rec(t(200, 12)),
        w: wm(1_100),
        c: rec(t(300, 8)), // behind the watermark but within allowedLatenessMs: a restatement
        x: wm(1_500),
      });
      const p = (o: OhlcvBar, revision: number, final: boolean) => ({ ...o, revision, final });
      expectObservable(src.pipe(ohlcvWindow({ size: '1s', emit: 'update', allowedLatenessMs: 500 }))).toBe('a-b---c-x|', {
        a: p(bar('AAPL', 0, 10, 10, 10, 10, 1, 1, 10), 0, false),
        b: p(bar('AAPL', 0, 10, 12, 10, 12, 2, 2, 11), 1, false),
        c: p(bar('AAPL', 0, 10, 12, 8, 8, 3, 3, 10), 2, false),
        x: p(bar('AAPL', 0, 10, 12, 8, 8, 3, 3, 10), 3, true),
      });
    });
  });

  it('closes quiet symbols with the global watermark and orders bars by window start', async () => {
    const bars = await run([
      rec(t(1_100, 5, 1, 'MSFT')),
      rec(t(100, 1, 1, 'QUIET')),
      rec(t(200, 2, 1, 'AAPL')),
      rec(t(2_100, 6, 1, 'AAPL')),
      wm(2_000),
    ]);
    expect(bars.map((b) => `${b.symbol}@${b.start}`)).toEqual(['QUIET@0', 'AAPL@0', 'MSFT@1000', 'AAPL@2000']);
  });

  it('treats a plain trade stream as time-ordered: the newest ts is the watermark', async () => {
    const late: Trade[] = [];
    const bars = await run([t(100, 1), t(1_100, 2), t(900, 3), t(1_200, 4)], { onLate: (x) => late.push(x) });
    expect(bars).toEqual([bar('AAPL', 0, 1, 1, 1, 1, 1, 1, 1), bar('AAPL', 1000, 2, 4, 2, 4, 2, 2, 3)]);
    expect(late).toEqual([t(900, 3)]);
  });

  it('fills gaps between trades of a symbol with flat zero-volume bars when asked', async () => {
    const bars = await run([t(100, 10, 2), t(3_500, 12)], { fillGaps: true });
    expect(bars).toEqual([
      bar('AAPL', 0, 10, 10, 10, 10, 2, 1, 10),
      bar('AAPL', 1000, 10, 10, 10, 10, 0, 0, 10),
      bar('AAPL', 2000, 10, 10, 10, 10, 0, 0, 10),
      bar('AAPL', 3000, 12, 12, 12, 12, 1, 1, 12),
    ]);
    for (const b of bars) BarSchema.parse(b);
  });

  it('leaves condition-flagged prints out of OHLC but in volume; excludeFromVolume drops them from volume', async () => {
    const cross = (ts: number, price: number, size: number) => t(ts, price, size, 'SPY', { conditions: ['X'] });
    const isCross = (x: Trade) => x.conditions?.includes('X') === true;
    const bars = await run([cross(10, 50, 100), t(20, 10, 1, 'SPY'), cross(30, 1, 100), t(40, 11, 1, 'SPY')], {
      conditions: { excludeFromOhlc: isCross },
    });
    expect(bars).toEqual([bar('SPY', 0, 10, 11, 10, 11, 202, 4, (5000 + 10 + 100 + 11) / 202)]);
    const noVol = await run([cross(10, 50, 100), t(20, 10, 1, 'SPY')], {
      conditions: { excludeFromOhlc: isCross, excludeFromVolume: isCross },
    });
    expect(noVol).toEqual([bar('SPY', 0, 10, 10, 10, 10, 1, 1, 10)]);
    // a window with only flagged prints falls back to them for OHLC
    const only = await run([cross(10, 50, 100)], { conditions: { excludeFromOhlc: isCross } });
    expect(only).toEqual([bar('SPY', 0, 50, 50, 50, 50, 100, 1, 50)]);
  });

  it('pipes straight from watermark() and flushes on completion', async () => {
    const bars = await lastValueFrom(
      from([t(100, 10), t(61_000, 11), t(30_000, 12)]).pipe(watermark({ maxOutOfOrdernessMs: 60_000 }), ohlcvWindow({ size: '1m' }), toArray()),
    );
    expect(bars.map((b) => [b.interval, b.start, b.open, b.close, b.count])).toEqual([
      ['1m', 0, 10, 12, 2],
      ['1m', 60_000, 11, 11, 1],
    ]);
  });

  it('closes the bar of a stream that went quiet, through the idle timeout of watermark()', () => {
    sched().run(({ hot, expectObservable, expectSubscriptions }) => {
      const src = hot<Trade>('a', { a: t(100, 10) });
      // idle ticks every 200 ms move the watermark 100 → 300 → … → 1100 at 1000 ms: the window [0, 1000) closes
      const out = src.pipe(watermark({ maxOutOfOrdernessMs: 0, idleTimeoutMs: 200 }), ohlcvWindow({ size: '1s' }));
      expectObservable(out, '^ 1500ms !').toBe('1000ms B', { B: bar('AAPL', 0, 10, 10, 10, 10, 1, 1, 10) });
      expectSubscriptions(src.subscriptions).toBe('^ 1500ms !');
    });
  });

  it('keeps going when onLate throws, and errors the stream when a condition predicate throws', async () => {
    const inst = memoryInstrumentation();
    const bars = await run([t(1_500, 2), t(100, 1), t(1_600, 3)], {
      onLate: () => {
        throw new Error('hook bug');
      },
      instrumentation: inst,
    });
    expect(bars).toEqual([bar('AAPL', 1000, 2, 3, 2, 3, 2, 2, 2.5)]);
    expect(inst.logs.map((l) => l.event)).toEqual(['ohlcvWindow.onLate_threw']);
    const bad = run([t(1, 1)], {
      conditions: {
        excludeFromOhlc: () => {
          throw new Error('predicate bug');
        },
      },
    });
    await expect(bad).rejects.toThrow('predicate bug');
  });

  it('releases the source on unsubscribe', () => {
    sched().run(({ hot, expectObservable, expectSubscriptions }) => {
      const src = hot<W>('-a---', { a: rec(t(1, 1)) });
      expectObservable(src.pipe(ohlcvWindow({ size: '1s' })), '^--!').toBe('-');
      expectSubscriptions(src.subscriptions).toBe('^--!');
    });
  });

  it('rejects bad options with ConfigurationError', () => {
    expect(() => ohlcvWindow({ size: '5x' })).toThrow(ConfigurationError);
    expect(() => ohlcvWindow({ size: '5m', allowedLatenessMs: -1 })).toThrow(/allowedLatenessMs/);
    expect(() => ohlcvWindow({ size: '5m', emit: 'sometimes' as never })).toThrow(/emit/);
  });
});
