import { parseInterval, seededRandom } from '@tickflow/core';
import type { ApiBar } from './BarReader.js';

/**
 * A spike {@link calmBars} injects into its series.
 *
 * @example
 * ```ts
 * const jumpOnVolume: BarSpike = { at: 150, price: 1.025, volume: 30 }; // +2.5 % on 30× the volume
 * ```
 */
export interface BarSpike {
  /** Index of the bar. */
  at: number;
  /** Multiplies the close (and moves the high/low with it), e.g. 1.03 for a 3 % jump. */
  price?: number;
  /** Multiplies the volume, e.g. 20. */
  volume?: number;
}

/**
 * A seeded calm bar series for tests and demos: a Gaussian random walk of closes (0.1 % per bar)
 * with log-normal volumes (ln-volume stdev 0.3 around 1,000), final bars back to back, plus the
 * given spikes. The same seed gives the same series.
 *
 * @param options - symbol, interval, number of bars, first start, seed and spikes
 * @returns the bars, oldest first, all final
 * @example
 * ```ts
 * const bars = calmBars({ symbol: 'AAPL', n: 200, start: Date.UTC(2024, 0, 2, 14, 30), spikes: [{ at: 150, volume: 20 }] });
 * ```
 */
export function calmBars(options: { symbol: string; interval?: '5m' | '1h'; n: number; start: number; seed?: number; spikes?: BarSpike[] }): ApiBar[] {
  const interval = options.interval ?? '5m';
  const step = parseInterval(interval);
  const rnd = seededRandom(options.seed ?? 1);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());
  const spikes = new Map((options.spikes ?? []).map((s) => [s.at, s]));
  const bars: ApiBar[] = [];
  let close = 100;
  for (let i = 0; i < options.n; i++) {
    const spike = spikes.get(i);
    const open = close;
    close = open * Math.exp(0.001 * gauss()) * (spike?.price ?? 1);
    const volume = Math.round(1000 * Math.exp(0.3 * gauss()) * (spike?.volume ?? 1));
    const high = Math.max(open, close) * (1 + 0.0005 * Math.abs(gauss()));
    const low = Math.min(open, close) * (1 - 0.0005 * Math.abs(gauss()));
    const start = options.start + i * step;
    bars.push({ symbol: options.symbol, interval, start, end: start + step, open, high, low, close, volume, count: Math.max(1, Math.round(volume / 50)), vwap: (open + close) / 2, final: true });
  }
  return bars;
}
