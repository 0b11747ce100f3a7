import { ConfigurationError, memoryInstrumentation, seededRandom, type Trade } from '@tickflow/core';
import fc from 'fast-check';
import { from, lastValueFrom, toArray } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { anomaly } from './anomaly.js';
import type { AnomalyEvent } from './AnomalyEvent.js';

const sched = () => new TestScheduler((a, e) => expect(a).toEqual(e));
const gaussian = (rnd: () => number) => () => Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());

/** A calm seeded random walk: log returns N(0, 0.1 %), sizes log-normal, symbols round-robin. */
function calmWalk(seed: number, n: number, symbols = ['AAPL', 'MSFT', 'NVDA', 'AMZN', 'TSLA']): Trade[] {
  const g = gaussian(seededRandom(seed));
  const price = new Map<string, number>();
  const out: Trade[] = [];
  for (let i = 0; i < n; i++) {
    const symbol = symbols[i % symbols.length]!;
    const p = (price.get(symbol) ?? 100) * Math.exp(0.001 * g());
    price.set(symbol, p);
    out.push({ symbol, price: p, size: Math.exp(4 + 0.5 * g()), ts: 1_700_000_000_000 + i * 100 });
  }
  return out;
}

const run = async (trades: Trade[], options: Parameters<typeof anomaly>[0] = {}) => {
  const events: AnomalyEvent[] = [];
  const out = await lastValueFrom(from(trades).pipe(anomaly({ ...options, onAnomaly: (e) => events.push(e) }), toArray()));
  return { out, events };
};

describe('anomaly', () => {
  it('passes trades through unchanged and reports an anomaly on the side output (marbles)', () => {
    const base = (i: number, extra: Partial<Trade> = {}): Trade => ({ symbol: 'X', price: 100 + (i % 2) * 0.1, size: 100 + (i % 3), ts: i, ...extra });
    const values = { a: base(0), b: base(1), c: base(2), d: base(3), e: base(4), s: base(5, { size: 100_000 }) };
    const events: AnomalyEvent[] = [];
    sched().run(({ cold, expectObservable, expectSubscriptions }) => {
      const src = cold('-a-b-c-d-e-s-|', values);
      expectObservable(src.pipe(anomaly({ window: 5, kinds: ['volume'], onAnomaly: (e) => events.push(e) }))).toBe('-a-b-c-d-e-s-|', values);
      expectSubscriptions(src.subscriptions).toBe('^------------!');
    });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ symbol: 'X', kind: 'volume', value: Math.log(100_000), window: 5, ts: 5, trade: values.s });
    expect(events[0]!.score).toBeGreaterThan(5);
  });

  it('unsubscribes from the source when the consumer unsubscribes (marbles)', () => {
    sched().run(({ hot, expectObservable, expectSubscriptions }) => {
      const t = (i: number): Trade => ({ symbol: 'X', price: 1, size: 1, ts: i });
      const src = hot('-a-b-c-d-|', { a: t(1), b: t(2), c: t(3), d: t(4) });
      expectObservable(src.pipe(anomaly()), '^----!').toBe('-a-b--', { a: t(1), b: t(2) });
      expectSubscriptions(src.subscriptions).toBe('^----!');
    });
  });

  it('flags nothing in a calm seeded random walk with the defaults (10 000 trades, ~20 000 samples)', async () => {
    const { out, events } = await run(calmWalk(42, 10_000));
    expect(out).toHaveLength(10_000);
    expect(events).toEqual([]);
  });

  it('measures the false-positive rate at z >= 4 on a calm walk: close to the Student-t tail (≈1.2e-4)', async () => {
    const n = 100_000;
    const { events } = await run(calmWalk(7, n, ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'J']), { threshold: 4 });
    const samples = n - 10 - 10 * 100 + (n - 10 * 100); // returns (first trade has none) + volumes, after warm-up
    const rate = events.length / samples;
    // measured: 1.2e-4 .. 1.4e-4 over seeds 1..3; a Gaussian would give 6.3e-5, a t(99) tail 1.2e-4
    expect(rate).toBeGreaterThan(4e-5);
    expect(rate).toBeLessThan(3e-4);
  });

  it('flags every injected spike, with the right kind, and nothing else', async () => {
    const trades = calmWalk(3, 6000);
    const returnSpikes = [1500, 3001, 4502];
    const volumeSpikes = [2003, 5004];
    for (const i of returnSpikes) {
      // a 2 % jump (20 sigma) that persists: every later price of the symbol moves with it
      const symbol = trades[i]!.symbol;
      for (let j = i; j < trades.length; j++) if (trades[j]!.symbol === symbol) trades[j] = { ...trades[j]!, price: trades[j]!.price * 1.02 };
    }
    for (const i of volumeSpikes) trades[i] = { ...trades[i]!, size: trades[i]!.size * 60 };
    const { events } = await run(trades);
    const got = events.map((e) => [e.kind, e.ts, e.symbol]);
    const want = [
      ...returnSpikes.map((i) => ['return', trades[i]!.ts, trades[i]!.symbol]),
      ...volumeSpikes.map((i) => ['volume', trades[i]!.ts, trades[i]!.symbol]),
    ].sort((a, b) => (a[1] as number) - (b[1] as number));
    expect(got).toEqual(want);
    const ret = events.find((e) => e.kind === 'return')!;
    expect(ret.value).toBeCloseTo(Math.log(1.02), 2);
    expect(ret.score).toBeGreaterThan(10);
    expect(ret.window).toBe(100);
    expect(ret.stdev).toBeGreaterThan(0.0007);
    expect(ret.stdev).toBeLessThan(0.0013);
  });

  it('flags a downward move with a negative score', async () => {
    const trades = calmWalk(5, 1000, ['A']);
    for (let j = 700; j < trades.length; j++) trades[j] = { ...trades[j]!, price: trades[j]!.price * 0.97 };
    const { events } = await run(trades, { kinds: ['return'] });
    expect(events).toHaveLength(1);
    expect(events[0]!.ts).toBe(trades[700]!.ts);
    expect(events[0]!.score).toBeLessThan(-10);
  });

  it('flags nothing during warm-up', async () => {
    const trades = calmWalk(9, 300, ['A']);
    trades[50] = { ...trades[50]!, size: trades[50]!.size * 1000 };
    expect((await run(trades)).events).toEqual([]);
    expect((await run(trades, { warmup: 20 })).events.map((e) => e.ts)).toEqual([trades[50]!.ts]);
  });

  it('keeps symbols apart: a spike is scored against its own symbol only', async () => {
    const trades = calmWalk(11, 4000, ['A', 'B']).map((t) => (t.symbol === 'B' ? { ...t, size: t.size * 1000 } : t));
    expect((await run(trades)).events).toEqual([]);
  });

  it('counts anomalies in instrumentation even without onAnomaly', async () => {
    const inst = memoryInstrumentation();
    const trades = calmWalk(13, 500, ['A']);
    trades[400] = { ...trades[400]!, size: trades[400]!.size * 500 };
    await lastValueFrom(from(trades).pipe(anomaly({ instrumentation: inst }), toArray()));
    expect(inst.value('anomalies_total', { kind: 'volume' })).toBe(1);
    expect(inst.logs.filter((l) => l.event === 'anomaly')).toHaveLength(1);
  });

  it('flags nothing when a price never moves (zero stdev)', async () => {
    const trades: Trade[] = Array.from({ length: 300 }, (_, i) => ({ symbol: 'FLAT', price: 10, size: 5, ts: i }));
    trades.push({ symbol: 'FLAT', price: 10.5, size: 5, ts: 300 });
    expect((await run(trades)).events).toEqual([]);
  });

  it('rejects bad options with a ConfigurationError', () => {
    expect(() => anomaly({ window: 1 })).toThrow(ConfigurationError);
    expect(() => anomaly({ window: 10, warmup: 11 })).toThrow(/warmup/);
    expect(() => anomaly({ threshold: 0 })).toThrow(/threshold/);
  });

  it('is a pure pass-through for any trades, and scores are invariant to the price scale (property)', () => {
    const tradeArb = fc.record({
      symbol: fc.constantFrom('A', 'B', 'C'),
      price: fc.double({ min: 1, max: 1000, noNaN: true }),
      size: fc.double({ min: 1, max: 1e6, noNaN: true }),
      ts: fc.integer({ min: 0, max: 1e9 }),
    });
    fc.assert(
      fc.asyncProperty(fc.array(tradeArb, { maxLength: 200 }), fc.double({ min: 0.01, max: 100, noNaN: true }), async (trades, scale) => {
        const a = await run(trades, { window: 10, threshold: 2 });
        expect(a.out).toEqual(trades);
        const b = await run(
          trades.map((t) => ({ ...t, price: t.price * scale })),
          { window: 10, threshold: 2, kinds: ['return'] },
        );
        const aReturns = a.events.filter((e) => e.kind === 'return');
        expect(b.events.map((e) => e.ts)).toEqual(aReturns.map((e) => e.ts));
        for (const e of a.events) expect(e.window).toBeGreaterThanOrEqual(10);
      }),
      { numRuns: 50 },
    );
  });
});
