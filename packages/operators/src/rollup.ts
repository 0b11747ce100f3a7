import { type Bar, ConfigurationError, formatInterval, parseInterval } from '@tickflow/core';
import { Observable, type OperatorFunction } from 'rxjs';
import { mergeBars } from './mergeBars.js';
import type { OhlcvBar } from './ohlcvWindow.js';

/**
 * Options of {@link rollup}.
 *
 * @example
 * ```ts
 * import type { Bar } from '@tickflow/core';
 * import type { RollupOptions } from '@tickflow/operators';
 * const tooLate: Bar[] = [];
 * const opts: RollupOptions = { onLate: (b) => tooLate.push(b) };
 * ```
 */
export interface RollupOptions {
  /** Receives a sub-bar that restates a coarse window older than the last one emitted for its symbol. */
  onLate?: (bar: Bar) => void;
}

interface Coarse {
  start: number;
  /** Sub-bars by start; a repeated start replaces the earlier one (a restatement). */
  subs: Map<number, Bar>;
  revision: number;
  emitted: boolean;
}

interface SymbolRollup {
  open: Coarse | undefined;
  /** The last emitted window, kept so a restated sub-bar can correct it. */
  last: Coarse | undefined;
}

/**
 * Rolls finer bars (e.g. 5m from {@link ohlcvWindow}) up into coarser ones (e.g. 1h), giving the
 * same bar as computing the coarse window from the trades: open of the earliest sub-bar, close of
 * the latest, max high, min low, Σvolume, Σcount, vwap = Σ(vwap·volume) / Σvolume (see
 * {@link mergeBars}, which does the combining).
 *
 * Sub-bars arrive per symbol in time order (as ohlcvWindow emits them); a sub-bar with the same
 * `start` as an earlier one replaces it (a restatement or an update-mode revision). A coarse bar
 * is emitted when its last sub-bar arrives, when a sub-bar of a later window arrives, or on
 * completion. If a restated sub-bar then arrives for the window just emitted, a corrected coarse
 * bar follows with `revision` 1, 2, …; a sink keyed by `(symbol, interval, start)` replaces it.
 *
 * @param size - the coarse interval, e.g. `'1h'`; each sub-bar's interval must divide it
 * @param options - a hook for sub-bars too late to correct anything
 * @returns an operator from finer bars to coarser bars
 * @throws ConfigurationError (as a stream error) when a sub-bar's interval does not divide `size`
 * @example
 * ```ts
 * import { from } from 'rxjs';
 * import { rollup } from '@tickflow/operators';
 * const b = { symbol: 'AAPL', interval: '5m', open: 1, high: 2, low: 1, close: 2, volume: 10, count: 2, vwap: 1.5 };
 * from([{ ...b, start: 0, end: 300_000 }, { ...b, start: 300_000, end: 600_000 }])
 *   .pipe(rollup('1h'))
 *   .subscribe(console.log); // one 1h bar: volume 20, count 4
 * ```
 */
export function rollup(size: string | number, options: RollupOptions = {}): OperatorFunction<Bar, OhlcvBar> {
  const sizeMs = parseInterval(size);
  const interval = formatInterval(sizeMs);
  const onLate = options.onLate;

  const build = (symbol: string, c: Coarse): OhlcvBar =>
    mergeBars(c.subs.values(), { symbol, interval, start: c.start, end: c.start + sizeMs, revision: c.revision });

  return (source) =>
    new Observable<OhlcvBar>((subscriber) => {
      const state = new Map<string, SymbolRollup>();

      const emit = (symbol: string, s: SymbolRollup, c: Coarse) => {
        c.emitted = true;
        s.open = undefined;
        s.last = c;
        subscriber.next(build(symbol, c));
      };

      const sub = source.subscribe({
        next: (bar) => {
          const subMs = bar.end - bar.start;
          if (!(subMs > 0) || sizeMs % subMs !== 0) {
            subscriber.error(
              new ConfigurationError(
                `rollup('${interval}'): got a ${bar.interval ?? subMs + 'ms'} bar (${subMs} ms) for ${bar.symbol}; its length must divide ${sizeMs} ms`,
                { setting: 'size', hint: "roll up into a multiple of the input interval, e.g. '5m' bars into '1h'" },
              ),
            );
            return;
          }
          const start = bar.start - (((bar.start % sizeMs) + sizeMs) % sizeMs);
          let s = state.get(bar.symbol);
          if (s === undefined) state.set(bar.symbol, (s = { open: undefined, last: undefined }));
          if (s.last !== undefined && start <= s.last.start) {
            if (start === s.last.start) {
              s.last.subs.set(bar.start, bar);
              s.last.revision++;
              subscriber.next(build(bar.symbol, s.last));
            } else {
              try {
                onLate?.(bar);
              } catch {
                // a side-output hook must not take the pipeline down; the bar was already late
              }
            }
            return;
          }
          if (s.open !== undefined && s.open.start !== start) emit(bar.symbol, s, s.open);
          if (s.open === undefined) s.open = { start, subs: new Map(), revision: 0, emitted: false };
          s.open.subs.set(bar.start, bar);
          const provisional = (bar as OhlcvBar).final === false;
          if (bar.end === start + sizeMs && !provisional) emit(bar.symbol, s, s.open);
        },
        error: (err) => subscriber.error(err),
        complete: () => {
          const open: [string, SymbolRollup, Coarse][] = [];
          for (const [symbol, s] of state) if (s.open) open.push([symbol, s, s.open]);
          open.sort((x, y) => x[2].start - y[2].start);
          for (const [symbol, s, c] of open) emit(symbol, s, c);
          subscriber.complete();
        },
      });
      return sub;
    });
}
