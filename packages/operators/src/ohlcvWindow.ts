import {
  type Bar,
  ConfigurationError,
  formatInterval,
  type Instrumentation,
  noopInstrumentation,
  parseInterval,
  type Trade,
} from '@tickflow/core';
import { Observable, type OperatorFunction, type SchedulerLike } from 'rxjs';
import {
  addTrade,
  addTradeWithRules,
  flatBar,
  newAcc,
  type SymbolState,
  toBar,
  type WindowAcc,
} from './internal/WindowAcc.js';
import type { Watermarked } from './Watermarked.js';

/**
 * A bar from {@link ohlcvWindow} or {@link rollup}. In `emit: 'update'` mode (and on rollup
 * restatements) it also carries `revision` (0, 1, 2, … per window) and `final`.
 *
 * @example
 * ```ts
 * import type { OhlcvBar } from '@tickflow/operators';
 * const key = (b: OhlcvBar) => `${b.symbol}|${b.interval}|${b.start}`; // same key = replaces the earlier bar
 * const isRestatement = (b: OhlcvBar) => (b.revision ?? 0) > 0;
 * ```
 */
export type OhlcvBar = Bar & {
  /** How many bars for the same `(symbol, interval, start)` were emitted before this one. */
  revision?: number;
  /** False on provisional bars; true on the last bar of a window. */
  final?: boolean;
};

/**
 * Trade-condition rules of {@link ohlcvWindow} (as Lean and the exchanges' tapes apply them).
 *
 * @example
 * ```ts
 * import type { TradeConditionRules } from '@tickflow/operators';
 * const auction = new Set(['20000020', '20', '20100200', '20100000', '20040200']);
 * const rules: TradeConditionRules = { excludeFromOhlc: (t) => t.conditions?.some((c) => auction.has(c)) ?? false };
 * ```
 */
export interface TradeConditionRules {
  /** Prints for which this returns true count in volume, count and vwap but not in open/high/low/close. */
  excludeFromOhlc?: (trade: Trade) => boolean;
  /** Prints for which this returns true are left out of volume, count and vwap. */
  excludeFromVolume?: (trade: Trade) => boolean;
}

/**
 * Options of {@link ohlcvWindow}.
 *
 * @example
 * ```ts
 * import type { OhlcvWindowOptions } from '@tickflow/operators';
 * const opts: OhlcvWindowOptions = { size: '5m', allowedLatenessMs: 30_000, emit: 'update', fillGaps: true };
 * ```
 */
export interface OhlcvWindowOptions {
  /** Window size: `'1m'`, `'5m'`, `'1h'`, … or ms. Windows are aligned to UTC epoch multiples. */
  size: string | number;
  /** Keep a window open this long after the watermark passes its end (default 0). */
  allowedLatenessMs?: number;
  /** `'final'` (default): one bar per window. `'update'`: also a provisional bar after each trade. */
  emit?: 'final' | 'update';
  /**
   * Receives every late trade (its window was already emitted); it is not counted in any bar.
   * If it throws, the error is logged (`ohlcvWindow.onLate_threw`) and the stream goes on.
   */
  onLate?: (trade: Trade) => void;
  /** Emit flat zero-volume bars (price = previous close) for empty windows between a symbol's trades. */
  fillGaps?: boolean;
  /** Trade-condition rules (e.g. keep auction crosses out of OHLC). */
  conditions?: TradeConditionRules;
  /** Metrics: `trades_late_total`, `bars_emitted_total{kind}`. */
  instrumentation?: Instrumentation;
  /**
   * Accepted so one scheduler can be handed to every operator; ohlcvWindow itself runs no timers
   * (windows close only on watermarks; the idle timer lives in {@link watermark}).
   */
  scheduler?: SchedulerLike;
}

/**
 * Event-time tumbling OHLCV bars per symbol. Accepts the {@link Watermarked} stream of
 * {@link watermark} or plain trades; for plain trades the watermark is the newest `ts` seen (use
 * it for time-ordered input such as a replay; put `watermark()` in front of anything out of order).
 *
 * A window `[s, s + size)` emits its final bar once the watermark reaches
 * `s + size + allowedLatenessMs`; until then late-but-allowed trades still count. open is the
 * price with the smallest ts (ties: first to arrive), close the one with the largest ts (ties: last
 * to arrive), volume = Σsize, vwap = Σprice·size / Σsize. Only windows with trades emit unless
 * `fillGaps`. A trade whose window was already emitted goes to `onLate` and the
 * `trades_late_total` counter, never into a bar. Bars of one symbol come out in time order; bars
 * closed by the same watermark come out by window start. Source completion flushes every window.
 *
 * With `emit: 'update'`, each trade also emits a provisional bar for its window
 * (`final: false`); the closing bar has `final: true`. A sink tells a restatement from a new bar
 * by its key `(symbol, interval, start)` (same key = replace; `revision` orders them).
 *
 * @param options - size, lateness, emit mode, late hook, gap filling, condition rules, metrics
 * @returns an operator from trades (plain or watermarked) to bars
 * @throws ConfigurationError for a bad size, lateness or emit mode
 * @example
 * ```ts
 * import { from, toArray, lastValueFrom } from 'rxjs';
 * import type { Trade } from '@tickflow/core';
 * import { watermark, ohlcvWindow } from '@tickflow/operators';
 * const trades: Trade[] = [{ symbol: 'AAPL', price: 10, size: 5, ts: 1_000 }, { symbol: 'AAPL', price: 12, size: 5, ts: 2_000 }];
 * const late: Trade[] = [];
 * const bars = await lastValueFrom(from(trades).pipe(
 *   watermark({ maxOutOfOrdernessMs: 60_000 }),
 *   ohlcvWindow({ size: '5m', onLate: (t) => late.push(t) }),
 *   toArray(),
 * )); // [{ symbol: 'AAPL', interval: '5m', start: 0, end: 300000, open: 10, high: 12, low: 10, close: 12, volume: 10, count: 2, vwap: 11 }]
 * ```
 */
export function ohlcvWindow(options: OhlcvWindowOptions): OperatorFunction<Trade | Watermarked<Trade>, OhlcvBar> {
  const sizeMs = parseInterval(options?.size);
  const interval = formatInterval(sizeMs);
  const lateness = options.allowedLatenessMs ?? 0;
  if (typeof lateness !== 'number' || !(lateness >= 0)) {
    throw new ConfigurationError(`ohlcvWindow: allowedLatenessMs must be >= 0, got ${String(lateness)}`, {
      setting: 'allowedLatenessMs',
    });
  }
  const emitMode = options.emit ?? 'final';
  if (emitMode !== 'final' && emitMode !== 'update') {
    throw new ConfigurationError(`ohlcvWindow: emit must be 'final' or 'update', got ${String(emitMode)}`, {
      setting: 'emit',
    });
  }
  const update = emitMode === 'update';
  const fillGaps = options.fillGaps === true;
  const onLate = options.onLate;
  const exOhlc = options.conditions?.excludeFromOhlc;
  const exVolume = options.conditions?.excludeFromVolume;
  const rules = exOhlc !== undefined || exVolume !== undefined;
  const inst = options.instrumentation ?? noopInstrumentation;
  const lateTotal = inst.counter('trades_late_total', { help: 'Trades that arrived after their window closed' });
  const barsTotal = inst.counter('bars_emitted_total', { help: 'Bars emitted by ohlcvWindow', labelNames: ['kind'] });
  const closeAfter = sizeMs + lateness;

  return (source) =>
    new Observable<OhlcvBar>((subscriber) => {
      const symbols = new Map<string, SymbolState>();
      /** Open windows grouped by start; `starts` is kept sorted ascending. */
      const buckets = new Map<number, WindowAcc[]>();
      const starts: number[] = [];
      let wm = Number.NEGATIVE_INFINITY;
      /** The watermark at which the oldest open window closes. */
      let nextClose = Number.POSITIVE_INFINITY;

      const emitFinal = (a: WindowAcc) => {
        const sym = a.sym;
        if (fillGaps && sym.lastStart !== Number.NEGATIVE_INFINITY) {
          for (let s = sym.lastStart + sizeMs; s < a.start; s += sizeMs) {
            barsTotal.inc(1, { kind: 'gap' });
            const flat: OhlcvBar = flatBar(sym.symbol, interval, s, sizeMs, sym.lastClose);
            if (update) {
              flat.revision = 0;
              flat.final = true;
            }
            subscriber.next(flat);
          }
        }
        const bar: OhlcvBar = toBar(a, interval, sizeMs);
        if (update) {
          bar.revision = a.revision;
          bar.final = true;
        }
        sym.lastStart = a.start;
        sym.lastClose = bar.close;
        barsTotal.inc(1, { kind: 'final' });
        subscriber.next(bar);
      };

      const closeUpTo = (w: number) => {
        while (starts.length > 0 && (starts[0] as number) + closeAfter <= w) {
          const start = starts.shift() as number;
          const accs = buckets.get(start) as WindowAcc[];
          buckets.delete(start);
          for (const a of accs) {
            const sym = a.sym;
            const i = sym.wins.indexOf(a);
            if (i >= 0) sym.wins.splice(i, 1);
            if (sym.cur === a) sym.cur = undefined;
            emitFinal(a);
            if (!fillGaps && sym.wins.length === 0) symbols.delete(sym.symbol);
          }
        }
        nextClose = starts.length > 0 ? (starts[0] as number) + closeAfter : Number.POSITIVE_INFINITY;
      };

      const advance = (w: number) => {
        if (w > wm) {
          wm = w;
          if (w >= nextClose) closeUpTo(w);
        }
      };

      const openWindow = (sym: SymbolState, start: number): WindowAcc => {
        const a = newAcc(sym, start);
        sym.wins.push(a);
        let bucket = buckets.get(start);
        if (bucket === undefined) {
          bucket = [];
          buckets.set(start, bucket);
          let i = starts.length;
          while (i > 0 && (starts[i - 1] as number) > start) i--;
          starts.splice(i, 0, start);
          if (start + closeAfter < nextClose) nextClose = start + closeAfter;
        }
        bucket.push(a);
        return a;
      };

      const onTrade = (t: Trade) => {
        const ts = t.ts;
        let offset = ts % sizeMs;
        if (offset < 0) offset += sizeMs;
        const start = ts - offset;
        if (start + closeAfter <= wm || Number.isNaN(start)) {
          lateTotal.inc();
          if (onLate) {
            try {
              onLate(t);
            } catch (err) {
              inst.log('error', 'ohlcvWindow.onLate_threw', { error: String(err), symbol: t.symbol, ts: t.ts });
            }
          }
          return;
        }
        let inOhlc = true;
        let inVolume = true;
        if (rules) {
          inOhlc = exOhlc === undefined || !exOhlc(t);
          inVolume = exVolume === undefined || !exVolume(t);
          if (!inOhlc && !inVolume) return;
        }
        const symbol = t.symbol;
        let sym = symbols.get(symbol);
        if (sym === undefined) {
          sym = {
            symbol,
            cur: undefined,
            wins: [],
            lastStart: Number.NEGATIVE_INFINITY,
            lastClose: 0,
          };
          symbols.set(symbol, sym);
        }
        let a = sym.cur;
        if (a === undefined || a.start !== start) {
          a = undefined;
          for (const w of sym.wins) {
            if (w.start === start) {
              a = w;
              break;
            }
          }
          if (a === undefined) a = openWindow(sym, start);
          sym.cur = a;
        }
        if (rules) addTradeWithRules(a, t, inOhlc, inVolume);
        else addTrade(a, t.price, t.size, ts);
        if (update) {
          const bar: OhlcvBar = toBar(a, interval, sizeMs);
          bar.revision = a.revision++;
          bar.final = false;
          barsTotal.inc(1, { kind: 'provisional' });
          subscriber.next(bar);
        }
      };

      return source.subscribe({
        next: (item) => {
          try {
            const kind = (item as { kind?: unknown }).kind;
            if (kind === 'record') {
              onTrade((item as { value: Trade }).value);
            } else if (kind === 'watermark') {
              advance((item as { ts: number }).ts);
            } else {
              // A plain, time-ordered trade stream: the newest ts is the watermark.
              onTrade(item as Trade);
              advance((item as Trade).ts);
            }
          } catch (err) {
            // a throwing condition predicate (or a non-object item): like map(), error the stream
            subscriber.error(err);
          }
        },
        error: (err) => subscriber.error(err),
        complete: () => {
          advance(Number.POSITIVE_INFINITY);
          subscriber.complete();
        },
      });
    });
}
