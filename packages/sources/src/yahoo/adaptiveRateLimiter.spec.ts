import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';

/** A TestScheduler used as a virtual clock; no frame limit (the default stops at 750). */
function virtualTime(): TestScheduler {
  const s = new TestScheduler((a, b) => expect(a).toEqual(b));
  s.maxFrames = Number.POSITIVE_INFINITY;
  return s;
}
import { createAdaptiveRateLimiter, type RateTicket } from './adaptiveRateLimiter.js';

type Outcome = 'ok' | 'rate_limited' | 'other';

/** Runs `outcomes.length` requests through a limiter on virtual time; each finishes `rttMs` after admission. */
function drive(outcomes: Outcome[], opts: Parameters<typeof createAdaptiveRateLimiter>[2], concurrency = 1, rttMs = 10, retryAfterMs?: number) {
  const sched = virtualTime();
  const lim = createAdaptiveRateLimiter(sched, concurrency, opts);
  const admitted: number[] = [];
  const rates: number[] = [];
  let maxInFlight = 0;
  outcomes.forEach((o) => {
    lim.acquire((t: RateTicket) => {
      admitted.push(t.sentAt);
      maxInFlight = Math.max(maxInFlight, lim.inFlight);
      sched.schedule(() => {
        lim.release(t, o, o === 'rate_limited' ? retryAfterMs : undefined);
        rates.push(lim.rate);
      }, rttMs);
    });
  });
  sched.flush();
  return { lim, admitted, rates, maxInFlight };
}

describe('createAdaptiveRateLimiter', () => {
  it('paces requests at the initial rate', () => {
    const { admitted } = drive(['ok', 'ok', 'ok', 'ok', 'ok'], { initialRate: 10, increasePerSecond: 0 }, 4);
    expect(admitted).toEqual([0, 100, 200, 300, 400]);
  });

  it('never has more than `concurrency` requests in flight', () => {
    const { admitted, maxInFlight } = drive(['ok', 'ok', 'ok', 'ok'], { initialRate: 1000, maxRate: 1000, increasePerSecond: 0 }, 2, 500);
    expect(maxInFlight).toBe(2);
    expect(admitted).toEqual([0, 1, 500, 501]);
  });

  it('creeps up by about increasePerSecond / rate per success', () => {
    const { rates } = drive(['ok', 'ok'], { initialRate: 10, increasePerSecond: 1 });
    expect(rates[0]).toBeCloseTo(10.1, 10);
    expect(rates[1]).toBeCloseTo(10.1 + 1 / 10.1, 10);
  });

  it('cuts the rate multiplicatively on a 429 and spaces the next request at the new rate', () => {
    const { admitted, lim } = drive(['rate_limited', 'ok'], { initialRate: 10, decreaseFactor: 0.5, increasePerSecond: 0 });
    expect(lim.rate).toBe(5);
    expect(lim.ceiling).toBe(10);
    expect(admitted).toEqual([0, 10 + 200]);
  });

  it('honours Retry-After: nothing is sent before it has passed', () => {
    const { admitted } = drive(['rate_limited', 'ok'], { initialRate: 10, increasePerSecond: 0 }, 1, 10, 2000);
    expect(admitted).toEqual([0, 2010]);
  });

  it('cuts once per round trip: 429s of requests sent before the cut do not cut again', () => {
    const { lim } = drive(['rate_limited', 'rate_limited', 'rate_limited'], { initialRate: 100, maxRate: 100, decreaseFactor: 0.5, increasePerSecond: 0 }, 3, 100);
    expect(lim.rate).toBe(50);
  });

  it('after two 429s, sets the rate to what the server accepted between them', () => {
    const outcomes: Outcome[] = ['rate_limited', ...Array<Outcome>(8).fill('ok'), 'rate_limited'];
    const { admitted, lim } = drive(outcomes, { initialRate: 10, decreaseFactor: 0.7, increasePerSecond: 0 });
    const span = (admitted[9] as number) - (admitted[0] as number);
    expect(span).toBeGreaterThan(1000);
    expect(lim.rate).toBeCloseTo((8 * 1000) / span, 9);
  });

  it('stays within [minRate, maxRate]', () => {
    const down = drive(Array<Outcome>(12).fill('rate_limited'), { initialRate: 1, minRate: 0.5, decreaseFactor: 0.1, increasePerSecond: 0 });
    expect(down.lim.rate).toBe(0.5);
    const up = drive(Array<Outcome>(50).fill('ok'), { initialRate: 9, maxRate: 10, increasePerSecond: 100 });
    expect(up.lim.rate).toBe(10);
  });

  it('drops waiting requests on close', () => {
    const sched = virtualTime();
    const lim = createAdaptiveRateLimiter(sched, 1, { initialRate: 1 });
    const admitted: number[] = [];
    lim.acquire((t) => admitted.push(t.sentAt));
    lim.acquire((t) => admitted.push(t.sentAt));
    lim.close();
    sched.flush();
    expect(admitted).toEqual([0]);
  });
});
