import { ConfigurationError } from '@tickflow/core';
import { asyncScheduler, Observable, type OperatorFunction, type SchedulerAction, type SchedulerLike } from 'rxjs';
import type { Watermarked } from './Watermarked.js';

/**
 * Options of {@link watermark}.
 *
 * @example
 * ```ts
 * import type { Trade } from '@tickflow/core';
 * import type { WatermarkOptions } from '@tickflow/operators';
 * const opts: WatermarkOptions<Trade> = { maxOutOfOrdernessMs: 60_000, idleTimeoutMs: 5_000 };
 * ```
 */
export interface WatermarkOptions<T> {
  /** How far behind the newest event time records may still arrive: watermark = max ts − this. */
  maxOutOfOrdernessMs: number;
  /**
   * After this many ms of the scheduler's clock without any record, event time is assumed to move
   * with the clock: the watermark advances by the idle time (re-checked every `idleTimeoutMs`),
   * so the last bars of quiet streams close. Default: off (no timer at all).
   */
  idleTimeoutMs?: number;
  /**
   * Stop idle advancing once the watermark is this far past the newest event time
   * (default 86400000, one day), so an idle stream does not tick forever.
   */
  idleMaxAdvanceMs?: number;
  /** Event time of a record in epoch ms (default its `ts`). */
  eventTime?: (record: T) => number;
  /** Clock and timer for `idleTimeoutMs` (default `asyncScheduler`). */
  scheduler?: SchedulerLike;
}

/**
 * Tracks event-time progress: watermark = max event time seen − `maxOutOfOrdernessMs`. Wraps each
 * record as `{ kind: 'record', value }` and, right after any record that moves the watermark
 * forward, emits `{ kind: 'watermark', ts }`. With `idleTimeoutMs`, the watermark also advances on
 * the scheduler's clock while no data comes. When the source completes it emits a final
 * `{ kind: 'watermark', ts: Infinity }`, which makes {@link ohlcvWindow} flush every window.
 *
 * The watermark is global to the stream (not per symbol), so quiet symbols close their bars as
 * soon as the market as a whole moves on.
 *
 * @param options - out-of-orderness bound, idle timeout, event-time accessor, scheduler
 * @returns an operator from records to a {@link Watermarked} stream that pipes into `ohlcvWindow`
 * @throws ConfigurationError when `maxOutOfOrdernessMs` or `idleTimeoutMs` is negative or not a number
 * @example
 * ```ts
 * import { from } from 'rxjs';
 * import { watermark, ohlcvWindow } from '@tickflow/operators';
 * from([{ symbol: 'AAPL', price: 1, size: 1, ts: 60_000 }])
 *   .pipe(watermark({ maxOutOfOrdernessMs: 5_000 }), ohlcvWindow({ size: '1m' }))
 *   .subscribe(console.log);
 * ```
 */
export function watermark<T>(options: WatermarkOptions<T>): OperatorFunction<T, Watermarked<T>> {
  const ooo = options?.maxOutOfOrdernessMs;
  if (typeof ooo !== 'number' || !(ooo >= 0)) {
    throw new ConfigurationError(`watermark: maxOutOfOrdernessMs must be a number >= 0, got ${String(ooo)}`, {
      setting: 'maxOutOfOrdernessMs',
      hint: 'e.g. watermark({ maxOutOfOrdernessMs: 60_000 })',
    });
  }
  const idle = options.idleTimeoutMs;
  if (idle !== undefined && !(idle > 0)) {
    throw new ConfigurationError(`watermark: idleTimeoutMs must be > 0, got ${idle}`, { setting: 'idleTimeoutMs' });
  }
  const maxAdvance = options.idleMaxAdvanceMs ?? 86_400_000;
  const eventTime = options.eventTime ?? ((r: T) => (r as { ts: number }).ts);
  const scheduler = options.scheduler ?? asyncScheduler;

  return (source) =>
    new Observable<Watermarked<T>>((subscriber) => {
      let maxTs = Number.NEGATIVE_INFINITY;
      let wm = Number.NEGATIVE_INFINITY;
      let lastArrival = 0;
      let timer: { unsubscribe(): void } | undefined;

      const advance = (w: number) => {
        if (w > wm) {
          wm = w;
          subscriber.next({ kind: 'watermark', ts: w });
        }
      };

      function onTimer(this: SchedulerAction<unknown>) {
        const idleFor = scheduler.now() - lastArrival;
        if (idleFor < (idle as number)) {
          this.schedule(undefined, (idle as number) - idleFor);
          return;
        }
        const advanceBy = Math.min(idleFor, maxAdvance + ooo);
        advance(maxTs - ooo + advanceBy);
        if (advanceBy < maxAdvance + ooo) this.schedule(undefined, idle as number);
        else timer = undefined;
      }

      const sub = source.subscribe({
        next: (record) => {
          let ts: number;
          try {
            ts = eventTime(record);
          } catch (err) {
            // a throwing eventTime function: like map(), error the stream
            subscriber.error(err);
            return;
          }
          subscriber.next({ kind: 'record', value: record });
          if (ts > maxTs) {
            maxTs = ts;
            advance(ts - ooo);
          }
          if (idle !== undefined) {
            lastArrival = scheduler.now();
            if (timer === undefined) timer = scheduler.schedule(onTimer, idle);
          }
        },
        error: (err) => subscriber.error(err),
        complete: () => {
          timer?.unsubscribe();
          timer = undefined;
          advance(Number.POSITIVE_INFINITY);
          subscriber.complete();
        },
      });
      return () => {
        sub.unsubscribe();
        timer?.unsubscribe();
        timer = undefined;
      };
    });
}
