import { describe, expect, it } from 'vitest';
import { BarStore } from '../demo/BarStore.js';
import { anomaliesOf } from './anomaliesOf.js';
import { barAnomalies } from './barAnomalies.js';
import { calmBars } from './calmBars.js';
import { findAnomalies } from './findAnomalies.js';
import { storeBarReader } from './storeBarReader.js';

const T0 = Date.UTC(2024, 0, 2, 14, 30);
const STEP = 300_000;

function storeWith(bars: ReturnType<typeof calmBars>) {
  const store = new BarStore({ maxPerSeries: 5000 });
  for (const b of bars) store.upsert(b, b.final !== false);
  return storeBarReader(store);
}

describe('findAnomalies', () => {
  it('warms the window up with the bars before the range, so a spike early in the range is flagged as in the full history', async () => {
    const bars = calmBars({ symbol: 'AAPL', n: 400, start: T0, seed: 11, spikes: [{ at: 305, price: 1.02 }, { at: 360, volume: 30 }] });
    const reader = storeWith(bars);
    const full = barAnomalies(bars);
    expect(full.map((a) => a.ts)).toEqual([bars[305]?.start, bars[360]?.start]);
    // A range starting 5 bars before the first spike: without warm-up its window would be nearly empty.
    const got = await findAnomalies(reader, { symbol: 'AAPL', interval: '5m', from: T0 + 300 * STEP, limit: 1000 });
    expect(got.bars).toBe(100);
    expect(got.warmupBars).toBe(101);
    // The same anomalies with the same scores (up to rounding: the full run's window recomputes its sums at other points).
    const rounded = (list: typeof full) => list.map((a) => ({ ...a, score: a.score.toFixed(9), mean: a.mean.toFixed(9), stdev: a.stdev.toFixed(9) }));
    expect(rounded(got.anomalies)).toEqual(rounded(full));
    // The range without warm-up (as if nothing came before) misses the first spike.
    expect(barAnomalies(bars.slice(300)).map((a) => a.ts)).not.toContain(bars[305]?.start);
  });

  it('answers only for the queried range, and nothing for an empty one', async () => {
    const bars = calmBars({ symbol: 'AAPL', n: 300, start: T0, seed: 11, spikes: [{ at: 150, volume: 30 }, { at: 250, volume: 30 }] });
    const reader = storeWith(bars);
    const got = await findAnomalies(reader, { symbol: 'AAPL', interval: '5m', from: T0 + 200 * STEP, to: T0 + 300 * STEP, limit: 1000 });
    expect(got.anomalies.map((a) => a.ts)).toEqual([bars[250]?.start]);
    expect(await findAnomalies(reader, { symbol: 'AAPL', interval: '1h', limit: 1000 })).toEqual({ anomalies: [], bars: 0, warmupBars: 0 });
  });

  it('anomaliesOf scores one new final bar after the bars before it; a provisional bar has none', async () => {
    const bars = calmBars({ symbol: 'AAPL', n: 200, start: T0, seed: 5, spikes: [{ at: 199, price: 1.03, volume: 30 }] });
    const reader = storeWith(bars.slice(0, 199));
    const spike = bars[199] as (typeof bars)[number];
    expect((await anomaliesOf(reader, spike)).map((a) => [a.kind, a.ts])).toEqual([
      ['return', spike.start],
      ['volume', spike.start],
    ]);
    expect(await anomaliesOf(reader, { ...spike, final: false })).toEqual([]);
    expect(await anomaliesOf(reader, bars[198] as (typeof bars)[number])).toEqual([]);
  });
});
