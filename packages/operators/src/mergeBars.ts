import { type Bar, ValidationError } from '@tickflow/core';
import type { OhlcvBar } from './ohlcvWindow.js';

/**
 * The coarse window {@link mergeBars} builds a bar for.
 *
 * @example
 * ```ts
 * import type { MergeTarget } from '@tickflow/operators';
 * const hour: MergeTarget = { symbol: 'AAPL', interval: '1h', start: 0, end: 3_600_000 };
 * ```
 */
export interface MergeTarget {
  /** Symbol of the merged bar. */
  symbol: string;
  /** Interval label of the merged bar, e.g. `'1h'`. */
  interval: string;
  /** Window start (epoch ms, inclusive). */
  start: number;
  /** Window end (epoch ms, exclusive). */
  end: number;
  /** Restatement number; set on the bar only when ≥ 1. */
  revision?: number;
}

/**
 * Combines finer bars of one symbol into the bar of a coarser window, giving the same bar as
 * computing the coarse window from the trades: open of the earliest sub-bar, close of the latest,
 * max high, min low, Σvolume, Σcount, vwap = Σ(vwap·volume) / Σvolume (the close when Σvolume is 0).
 * The sub-bars may come in any order; they are ordered by `start`. This is the aggregation
 * {@link rollup} uses, exported for code that keeps its own windows (e.g. a rollup seeded from a
 * store).
 *
 * @param bars - the sub-bars (at least one), each with a distinct `start`
 * @param target - symbol, interval and window of the merged bar
 * @returns the merged bar
 * @throws ValidationError when `bars` is empty
 * @example
 * ```ts
 * import { mergeBars } from '@tickflow/operators';
 * const b = { symbol: 'AAPL', interval: '5m', open: 1, high: 2, low: 1, close: 2, volume: 10, count: 2, vwap: 1.5 };
 * const hour = mergeBars([{ ...b, start: 300_000, end: 600_000, close: 3, high: 3 }, { ...b, start: 0, end: 300_000 }], {
 *   symbol: 'AAPL', interval: '1h', start: 0, end: 3_600_000,
 * });
 * console.log(hour.open, hour.close, hour.high, hour.volume, hour.count); // 1 3 3 20 4
 * ```
 */
export function mergeBars(bars: Iterable<Bar>, target: MergeTarget): OhlcvBar {
  const subs = [...bars];
  for (let i = 1; i < subs.length; i++) {
    // sub-bars usually come in time order: sort only when they do not
    if ((subs[i] as Bar).start < (subs[i - 1] as Bar).start) {
      subs.sort((x, y) => x.start - y.start);
      break;
    }
  }
  const first = subs[0];
  const last = subs[subs.length - 1];
  if (first === undefined || last === undefined) {
    throw new ValidationError(`mergeBars: no sub-bars for ${target.symbol} ${target.interval} at ${new Date(target.start).toISOString()}`, {
      hint: 'merge only windows that received at least one bar',
    });
  }
  let high = first.high;
  let low = first.low;
  let volume = 0;
  let count = 0;
  let pv = 0;
  for (const s of subs) {
    if (s.high > high) high = s.high;
    if (s.low < low) low = s.low;
    volume += s.volume;
    count += s.count;
    pv += s.vwap * s.volume;
  }
  const bar: OhlcvBar = {
    symbol: target.symbol,
    interval: target.interval,
    start: target.start,
    end: target.end,
    open: first.open,
    high,
    low,
    close: last.close,
    volume,
    count,
    vwap: volume > 0 ? pv / volume : last.close,
  };
  if (target.revision !== undefined && target.revision > 0) bar.revision = target.revision;
  return bar;
}
