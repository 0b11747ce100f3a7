import { ConfigurationError, seededRandom, type Trade } from '@tickflow/core';
import { asyncScheduler, Observable, type SchedulerLike, type Subscription } from 'rxjs';

/**
 * Options of {@link synthetic}.
 *
 * @example
 * ```ts
 * import { type SyntheticOptions, synthetic } from '@tickflow/sources';
 * const options: SyntheticOptions = {
 *   symbols: ['AAPL', 'MSFT'],
 *   ratePerSecond: 50,
 *   seed: 42, // same seed, same trades
 *   duplicateRate: 0.01, // exercise dedupe()
 *   invalidRate: 0.005, // exercise validate()
 * };
 * synthetic(options).subscribe((t) => console.log(t.symbol, t.price, t.size));
 * ```
 */
export interface SyntheticOptions {
  /** Symbols to trade, or how many (`SYN0`, `SYN1`, …). Default 3. */
  symbols?: readonly string[] | number;
  /** Trades per second over all symbols. Default 10. `Infinity` emits `count` trades at once (ts 1 ms apart). */
  ratePerSecond?: number;
  /** Stop after this many records (duplicates and injected records included). Default: never. */
  count?: number;
  /** Seed of the random walk; the same seed gives the same trades. Default 1. */
  seed?: number;
  /** First price of every symbol. Default 100. */
  startPrice?: number;
  /** Standard deviation of each log-price step. Default 0.0005. */
  volatility?: number;
  /** Fraction of records that repeat the previous trade exactly (same id): for dedupe demos. Default 0. */
  duplicateRate?: number;
  /** Fraction of records made invalid (price ≤ 0, size 0, NaN, empty symbol): for validate demos. Default 0. */
  invalidRate?: number;
  /** Fraction of records stamped `lateByMs` in the past: for watermark/late demos. Default 0. */
  lateRate?: number;
  /** How late a late record is. Default 60 000 ms. */
  lateByMs?: number;
  /** Event time of the first trade when `ratePerSecond` is `Infinity`. Default `scheduler.now()`. */
  startTime?: number;
  /** Scheduler for the emission clock and `ts`. Default `asyncScheduler`. */
  scheduler?: SchedulerLike;
}

/**
 * Seeded random-walk trades for demos and tests: `ratePerSecond` trades per second spread over the
 * symbols, each symbol's price following a geometric random walk rounded to cents, sizes 1..500.
 * Optional injected duplicates, invalid and late records exercise `dedupe`, `validate` and
 * `watermark`. `ts` is the scheduler's clock, so virtual-time tests see exact values.
 *
 * @param options - symbols, rate, seed and fault rates
 * @returns a cold observable (completes after `count` records when given)
 * @example
 * ```ts
 * import { synthetic } from '@tickflow/sources';
 * synthetic({ symbols: ['AAPL', 'MSFT'], ratePerSecond: 50, seed: 7, duplicateRate: 0.01 })
 *   .subscribe((t) => console.log(t.symbol, t.price));
 * ```
 */
export function synthetic(options: SyntheticOptions = {}): Observable<Trade> {
  const symbols =
    typeof options.symbols === 'number' || options.symbols === undefined
      ? Array.from({ length: typeof options.symbols === 'number' ? options.symbols : 3 }, (_, i) => `SYN${i}`)
      : [...options.symbols];
  if (symbols.length === 0) throw new ConfigurationError('synthetic needs at least one symbol', { setting: 'symbols' });
  const rate = options.ratePerSecond ?? 10;
  if (!(rate > 0)) throw new ConfigurationError(`ratePerSecond must be > 0, got ${rate}`, { setting: 'ratePerSecond' });
  const count = options.count ?? Number.POSITIVE_INFINITY;
  if (rate === Number.POSITIVE_INFINITY && !Number.isFinite(count)) {
    throw new ConfigurationError('ratePerSecond: Infinity needs a finite count', { setting: 'count' });
  }
  for (const k of ['duplicateRate', 'invalidRate', 'lateRate'] as const) {
    const v = options[k] ?? 0;
    if (!(v >= 0 && v <= 1)) throw new ConfigurationError(`${k} must be between 0 and 1, got ${v}`, { setting: k });
  }
  const seed = options.seed ?? 1;
  const scheduler = options.scheduler ?? asyncScheduler;

  return new Observable<Trade>((subscriber) => {
    const rnd = seededRandom(seed);
    const prices = symbols.map(() => options.startPrice ?? 100);
    const vol = options.volatility ?? 0.0005;
    const dup = options.duplicateRate ?? 0;
    const bad = options.invalidRate ?? 0;
    const late = options.lateRate ?? 0;
    const lateBy = options.lateByMs ?? 60_000;
    let n = 0; // records emitted
    let seq = 0; // real trades made
    let last: Trade | undefined;
    const gauss = () => Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());

    const make = (ts: number): Trade => {
      if (last !== undefined && dup > 0 && rnd() < dup) return { ...last };
      const i = seq % symbols.length;
      const p = Math.max(0.01, Math.round((prices[i] as number) * Math.exp(vol * gauss()) * 100) / 100);
      prices[i] = p;
      const size = 1 + Math.floor(-Math.log(1 - rnd()) * 60) % 500;
      let t: Trade = { symbol: symbols[i] as string, price: p, size, ts, id: `syn-${seed}-${seq}`, source: 'synthetic' };
      seq++;
      if (late > 0 && rnd() < late) t.ts = ts - lateBy;
      if (bad > 0 && rnd() < bad) {
        const k = Math.floor(rnd() * 4);
        t = k === 0 ? { ...t, price: -p } : k === 1 ? { ...t, size: 0 } : k === 2 ? { ...t, price: Number.NaN } : { ...t, symbol: '' };
        return t; // invalid records are not remembered for duplication
      }
      last = t;
      return t;
    };

    if (rate === Number.POSITIVE_INFINITY) {
      const t0 = options.startTime ?? scheduler.now();
      let action: Subscription | undefined;
      const burst = () => {
        for (let k = 0; k < 5000 && n < count; k++, n++) {
          subscriber.next(make(t0 + n));
          if (subscriber.closed) return;
        }
        if (n >= count) subscriber.complete();
        else action = scheduler.schedule(burst, 0);
      };
      action = scheduler.schedule(burst, 0);
      return () => action?.unsubscribe();
    }

    const period = Math.max(1, 1000 / rate);
    const start = scheduler.now();
    const action = scheduler.schedule(function (this: { schedule(state?: unknown, delay?: number): void }) {
      const now = scheduler.now();
      const due = Math.min(count, Math.floor(((now - start) * rate) / 1000) + 1);
      while (n < due) {
        n++;
        subscriber.next(make(now));
        if (subscriber.closed) return;
      }
      if (n >= count) subscriber.complete();
      else this.schedule(undefined, period);
    }, 0);
    return () => action.unsubscribe();
  });
}
