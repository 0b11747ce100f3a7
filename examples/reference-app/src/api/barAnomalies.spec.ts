import { describe, expect, it } from 'vitest';
import { barAnomalies } from './barAnomalies.js';
import { calmBars } from './calmBars.js';

const T0 = Date.UTC(2024, 0, 2, 14, 30);

describe('barAnomalies', () => {
  it('flags exactly the bar with an injected price jump and volume burst, with its kind and score', () => {
    const bars = calmBars({ symbol: 'AAPL', n: 300, start: T0, seed: 7, spikes: [{ at: 180, price: 1.02, volume: 25 }] });
    const found = barAnomalies(bars);
    expect(found.map((a) => [a.ts, a.kind])).toEqual([
      [bars[180]?.start, 'return'],
      [bars[180]?.start, 'volume'],
    ]);
    const [ret, vol] = found;
    // a 2 % jump against 0.1 % bar-to-bar moves: ~20 σ; 25× volume against ln-stdev 0.3: ~10 σ
    expect(ret?.score).toBeGreaterThan(12);
    expect(vol?.score).toBeGreaterThan(7);
    expect(ret).toMatchObject({ symbol: 'AAPL', interval: '5m', window: 100, bar: bars[180] });
    expect(ret?.value).toBeCloseTo(Math.log((bars[180]?.close as number) / (bars[179]?.close as number)), 12);
    expect(vol?.value).toBeCloseTo(Math.log(bars[180]?.volume as number), 12);
  });

  it('flags a drop with a negative score', () => {
    const bars = calmBars({ symbol: 'MSFT', n: 150, start: T0, seed: 3, spikes: [{ at: 120, price: 0.97 }] });
    const found = barAnomalies(bars);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ kind: 'return', ts: bars[120]?.start });
    expect(found[0]?.score).toBeLessThan(-12);
  });

  it('flags nothing in a calm series (5,000 bars, 10,000 samples)', () => {
    for (const seed of [1, 2]) expect(barAnomalies(calmBars({ symbol: 'AAPL', n: 5000, start: T0, seed }))).toEqual([]);
  });

  it('flags nothing before the window is full (the operator default: 100 bars)', () => {
    const bars = calmBars({ symbol: 'AAPL', n: 150, start: T0, seed: 7, spikes: [{ at: 60, volume: 50 }, { at: 130, volume: 50 }] });
    expect(barAnomalies(bars).map((a) => a.ts)).toEqual([bars[130]?.start]);
    expect(barAnomalies(bars, { window: 50 }).map((a) => a.ts)).toEqual([bars[60]?.start, bars[130]?.start]);
  });

  it('skips provisional bars and keeps series of other symbols and intervals apart', () => {
    const a = calmBars({ symbol: 'AAPL', n: 150, start: T0, seed: 7 });
    const b = calmBars({ symbol: 'AAPL', interval: '1h', n: 150, start: T0, seed: 8, spikes: [{ at: 140, volume: 40 }] });
    const last = a.at(-1) as (typeof a)[number];
    const open = { ...last, start: last.end, end: last.end + 300_000, volume: 1e9, final: false };
    const mixed = a.flatMap((bar, i) => [bar, b[i] as (typeof b)[number]]).concat(open);
    const found = barAnomalies(mixed);
    expect(found.map((x) => [x.interval, x.kind, x.ts])).toEqual([['1h', 'volume', b[140]?.start]]);
  });
});
