import { ConfigurationError, type Trade } from '@tickflow/core';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import type { Watermarked } from './Watermarked.js';
import { watermark } from './watermark.js';

const t = (ts: number): Trade => ({ symbol: 'AAPL', price: 10, size: 1, ts });
const rec = (x: Trade): Watermarked<Trade> => ({ kind: 'record', value: x });
const wm = (ts: number): Watermarked<Trade> => ({ kind: 'watermark', ts });
const sched = () => new TestScheduler((a, e) => expect(a).toEqual(e));

describe('watermark', () => {
  it('emits max event time − maxOutOfOrderness after records that move it, and +∞ on completion', () => {
    sched().run(({ hot, expectObservable, expectSubscriptions }) => {
      const src = hot<Trade>('-a---b---c---|', { a: t(100), b: t(50), c: t(130) });
      expectObservable(src.pipe(watermark({ maxOutOfOrdernessMs: 20 }))).toBe('-(aA)b---(cC)(Z|)', {
        a: rec(t(100)),
        A: wm(80),
        b: rec(t(50)),
        c: rec(t(130)),
        C: wm(110),
        Z: wm(Number.POSITIVE_INFINITY),
      });
      expectSubscriptions(src.subscriptions).toBe('^------------!');
    });
  });

  it('advances on the scheduler clock after idleTimeoutMs without data, then stops ticking', () => {
    sched().run(({ hot, expectObservable }) => {
      const src = hot<Trade>('a 99ms b', { a: t(1_000), b: t(1_200) });
      const out = src.pipe(watermark({ maxOutOfOrdernessMs: 50, idleTimeoutMs: 30, idleMaxAdvanceMs: 60 }));
      // a at 0 → wm 950; idle ticks at 30, 60, 90 → 980, 1010, 1040.
      // b at 100 → wm 1150; idle ticks at 130, 160, 190 → 1180, 1210, 1240; at 220 the cap
      // (newest ts + idleMaxAdvanceMs = 1260) is reached and the timer stops: nothing after.
      expectObservable(out, '^ 400ms !').toBe('(aA) 26ms B 29ms C 29ms D 9ms (bE) 26ms F 29ms G 29ms H 29ms I', {
        a: rec(t(1_000)),
        A: wm(950),
        B: wm(980),
        C: wm(1_010),
        D: wm(1_040),
        b: rec(t(1_200)),
        E: wm(1_150),
        F: wm(1_180),
        G: wm(1_210),
        H: wm(1_240),
        I: wm(1_260),
      });
    });
  });

  it('keeps no timer running with data flowing faster than the idle timeout', () => {
    sched().run(({ hot, expectObservable }) => {
      const src = hot<Trade>('a 9ms b 9ms c 9ms |', { a: t(10), b: t(20), c: t(30) });
      expectObservable(src.pipe(watermark({ maxOutOfOrdernessMs: 0, idleTimeoutMs: 15 }))).toBe(
        '(aA) 6ms (bB) 6ms (cC) 6ms (Z|)',
        { a: rec(t(10)), A: wm(10), b: rec(t(20)), B: wm(20), c: rec(t(30)), C: wm(30), Z: wm(Number.POSITIVE_INFINITY) },
      );
    });
  });

  it('uses a custom event-time accessor', () => {
    sched().run(({ cold, expectObservable }) => {
      const src = cold<{ at: number }>('(a|)', { a: { at: 7 } });
      expectObservable(src.pipe(watermark({ maxOutOfOrdernessMs: 2, eventTime: (r) => r.at }))).toBe('(aAZ|)', {
        a: { kind: 'record', value: { at: 7 } },
        A: { kind: 'watermark', ts: 5 },
        Z: { kind: 'watermark', ts: Number.POSITIVE_INFINITY },
      });
    });
  });

  it('tears down the source and the idle timer on unsubscribe', () => {
    sched().run(({ hot, expectObservable, expectSubscriptions }) => {
      const src = hot<Trade>('a----', { a: t(10) });
      expectObservable(src.pipe(watermark({ maxOutOfOrdernessMs: 0, idleTimeoutMs: 10 })), '^-!').toBe('(aA)', {
        a: rec(t(10)),
        A: wm(10),
      });
      expectSubscriptions(src.subscriptions).toBe('^-!');
    });
  });

  it('passes errors through without a final watermark', () => {
    sched().run(({ cold, expectObservable }) => {
      expectObservable(cold<Trade>('a---#', { a: t(5) }).pipe(watermark({ maxOutOfOrdernessMs: 0 }))).toBe('(aA)#', {
        a: rec(t(5)),
        A: wm(5),
      });
    });
  });

  it('rejects bad options', () => {
    expect(() => watermark({ maxOutOfOrdernessMs: -1 })).toThrow(ConfigurationError);
    expect(() => watermark({} as never)).toThrow(/maxOutOfOrdernessMs/);
    expect(() => watermark({ maxOutOfOrdernessMs: 0, idleTimeoutMs: 0 })).toThrow(/idleTimeoutMs/);
  });
});
