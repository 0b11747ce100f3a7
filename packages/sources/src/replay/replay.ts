import { existsSync } from 'node:fs';
import { ConfigurationError, type Instrumentation, type InvalidRecord, noopInstrumentation, type Trade } from '@tickflow/core';
import { asyncScheduler, Observable, type SchedulerLike, type Subscription } from 'rxjs';
import { createLineParser, detectFormat, type ReplayFormat, type ReplayLineParser } from './lineParsers.js';
import { readLines, textLines } from './readLines.js';

/**
 * Options of {@link replay}. Give exactly one of `path`, `text` or `records`.
 *
 * @example
 * ```ts
 * import { type ReplayOptions, replay } from '@tickflow/sources';
 * const options: ReplayOptions = {
 *   path: 'recordings/aapl-2024-01-02.ndjson',
 *   speed: 60, // one recorded minute per second
 *   onInvalid: (bad) => console.warn('skipped line:', bad.reason),
 * };
 * replay(options).subscribe({ next: (t) => console.log(t.symbol, t.price), complete: () => console.log('done') });
 * ```
 */
export interface ReplayOptions {
  /** A recording on disk: NDJSON (trades or Finnhub frames) or CSV (header, Tardis or LEAN ticks). */
  path?: string;
  /** The recording's content, in memory. */
  text?: string;
  /** Already-parsed trades. */
  records?: Iterable<Trade>;
  /** `'ndjson' | 'csv' | 'tardis' | 'lean'` or your own line parser. Default: detected from the name and first line. */
  format?: ReplayFormat | ReplayLineParser;
  /** Symbol for every trade (LEAN files need one unless the file name carries it). */
  symbol?: string;
  /** LEAN trading date `YYYY-MM-DD` (default: from a `YYYYMMDD_` file name). */
  date?: string;
  /** 1 = original pace, N = N× faster, `Infinity` (default) = as fast as possible. */
  speed?: number;
  /** Scheduler for pacing and batching. Default `asyncScheduler`. */
  scheduler?: SchedulerLike;
  /** `source` stamped on trades that carry none. Default `'replay'`. */
  source?: string;
  /** Gets every line that cannot be parsed (raw line as `input`). */
  onInvalid?: (record: InvalidRecord) => void;
  /** Metrics (`replay_trades_total`, `replay_invalid_total`). */
  instrumentation?: Instrumentation;
  /** At full speed, trades emitted per scheduler turn before yielding. Default 5000. */
  batchSize?: number;
}

/**
 * Replays recorded trades as an `Observable<Trade>`: at the original pace (`speed: 1`), N times
 * faster (`speed: N`) or as fast as possible (the default), then completes. Pacing follows the
 * trades' `ts` gaps on the injected scheduler, so `TestScheduler` tests control it.
 *
 * Formats: NDJSON of trades (`{symbol, price, size, ts, …}`), of raw Finnhub elements or of whole
 * Finnhub frames (ids as the live source gives them); CSV with a header (`symbol,price,size,ts`),
 * Tardis CSV (`BINANCE:BTCUSDT` symbols, µs → ms) and LEAN tick CSV (NY time, deci-cents).
 * Unparseable lines go to `onInvalid` and are counted; they never end the replay.
 *
 * @param options - the recording and the pace
 * @returns a cold observable; each subscription replays from the start
 * @example
 * ```ts
 * import { replay } from '@tickflow/sources';
 * replay({ path: 'fixtures/trades/tardis-binance-futures-btcusdt-2020-02-22/trades.csv', speed: 60 })
 *   .subscribe((t) => console.log(t.symbol, t.price));
 * ```
 */
export function replay(options: ReplayOptions): Observable<Trade> {
  const given = [options.path, options.text, options.records].filter((x) => x !== undefined).length;
  if (given !== 1) {
    throw new ConfigurationError(`replay needs exactly one of path, text or records (got ${given})`, { setting: 'path' });
  }
  if (options.path !== undefined && !existsSync(options.path)) {
    throw new ConfigurationError(`replay file not found: ${options.path}`, { setting: 'path', hint: 'check the path (relative paths resolve from the working directory)' });
  }
  const speed = options.speed ?? Number.POSITIVE_INFINITY;
  if (!(speed > 0)) throw new ConfigurationError(`speed must be > 0 (1 = original pace, Infinity = as fast as possible), got ${speed}`, { setting: 'speed' });
  const scheduler = options.scheduler ?? asyncScheduler;
  const batchSize = options.batchSize ?? 5000;
  const inst = options.instrumentation ?? noopInstrumentation;
  const emitted = inst.counter('replay_trades_total', { help: 'Trades emitted by replay' });
  const invalidCount = inst.counter('replay_invalid_total', { help: 'Recording lines that could not be parsed' });
  const source = options.source ?? 'replay';

  const invalid = (reason: string, input: string) => {
    invalidCount.inc();
    try {
      options.onInvalid?.({ reason, input });
    } catch (error) {
      inst.log('error', 'replay_hook_failed', { error });
    }
  };

  function* trades(): Generator<Trade> {
    if (options.records !== undefined) {
      yield* options.records;
      return;
    }
    const lines = options.path !== undefined ? readLines(options.path) : textLines(options.text as string);
    let parse: ReplayLineParser | undefined = typeof options.format === 'function' ? options.format : undefined;
    let n = 0;
    for (const line of lines) {
      n++;
      if (parse === undefined) {
        const format = (options.format as ReplayFormat | undefined) ?? detectFormat(options.path, line);
        parse = createLineParser(format, { symbol: options.symbol, date: options.date, path: options.path, source });
      }
      let r: ReturnType<ReplayLineParser>;
      try {
        r = parse(line, n);
      } catch (error) {
        r = `line ${n}: ${error instanceof Error ? error.message : String(error)}`;
      }
      if (r === undefined) continue;
      if (typeof r === 'string') invalid(r.startsWith('line ') ? r : `line ${n}: ${r}`, line);
      else if (Array.isArray(r)) yield* r;
      else yield r;
    }
  }

  return new Observable<Trade>((subscriber) => {
    let it: Generator<Trade>;
    try {
      it = trades();
    } catch (error) {
      subscriber.error(error);
      return;
    }
    let pending: Trade | undefined;
    let action: Subscription | undefined;
    let t0 = 0;
    let start = 0;
    let first = true;
    const next = (): Trade | undefined => {
      const r = it.next();
      return r.done ? undefined : r.value;
    };
    const tick = (): void => {
      try {
        if (speed === Number.POSITIVE_INFINITY) {
          for (let i = 0; i < batchSize; i++) {
            const t = next();
            if (t === undefined) {
              subscriber.complete();
              return;
            }
            emitted.inc();
            subscriber.next(t);
            if (subscriber.closed) return;
          }
          action = scheduler.schedule(tick, 0);
          return;
        }
        for (;;) {
          const t = pending ?? next();
          pending = undefined;
          if (t === undefined) {
              subscriber.complete();
              return;
            }
          if (first) {
            first = false;
            t0 = t.ts;
            start = scheduler.now();
          }
          const wait = start + (t.ts - t0) / speed - scheduler.now();
          if (wait > 0) {
            pending = t;
            action = scheduler.schedule(tick, wait);
            return;
          }
          emitted.inc();
          subscriber.next(t);
          if (subscriber.closed) return;
        }
      } catch (error) {
        subscriber.error(error);
      }
    };
    action = scheduler.schedule(tick, 0);
    return () => {
      action?.unsubscribe();
      action = undefined;
      it.return(undefined);
    };
  });
}
