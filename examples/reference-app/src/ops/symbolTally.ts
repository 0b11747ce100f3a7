import { asyncScheduler, type SchedulerLike, type Subscription } from 'rxjs';
import type { AppMetrics } from './appMetrics.js';

/**
 * Per-symbol metrics gathered on a hot path and handed to the metrics at most once per period
 * (`trades_ingested_total{stage,symbol}` and `last_event_time_seconds{symbol}`). A labelled
 * prom-client call per record hashes its labels each time, which cost the processor more than the
 * rest of a record's bookkeeping at tens of thousands of records per second; adding to a Map and
 * flushing once a second gives the same series, at most one period late.
 *
 * A flush is scheduled when the first record after the previous flush arrives, so nothing is
 * scheduled while no records come (virtual-time tests end); {@link SymbolTally.close} flushes what
 * is left.
 *
 * @example
 * ```ts
 * import { memoryInstrumentation } from '@tickflow/core';
 * import { appMetrics } from './appMetrics.js';
 * const tally = new SymbolTally(appMetrics(memoryInstrumentation()), 'process');
 * tally.count('AAPL');
 * tally.eventTime('AAPL', 1_700_000_000_000);
 * tally.close(); // trades_ingested_total{stage="process",symbol="AAPL"} 1, last_event_time_seconds{symbol="AAPL"} 1700000000
 * ```
 */
export class SymbolTally {
  readonly #m: AppMetrics | undefined;
  readonly #stage: string;
  readonly #scheduler: SchedulerLike;
  readonly #periodMs: number;
  #counts = new Map<string, number>();
  #eventTimes = new Map<string, number>();
  #timer: Subscription | undefined;
  readonly #flush = () => {
    this.#timer = undefined;
    this.flush();
  };

  /**
   * @param m - the metrics to feed (undefined: every call is a no-op)
   * @param stage - the `stage` label of `trades_ingested_total`
   * @param scheduler - when flushes run (default `asyncScheduler`)
   * @param periodMs - longest a count waits before it reaches the metrics (default 1000)
   */
  constructor(m: AppMetrics | undefined, stage: string, scheduler: SchedulerLike = asyncScheduler, periodMs = 1000) {
    this.#m = m;
    this.#stage = stage;
    this.#scheduler = scheduler;
    this.#periodMs = periodMs;
  }

  /**
   * A record was read (`trades_ingested_total`).
   * @param symbol - its symbol (the label; callers map unknown or odd symbols to `'other'`)
   */
  count(symbol: string): void {
    if (this.#m === undefined) return;
    this.#counts.set(symbol, (this.#counts.get(symbol) ?? 0) + 1);
    this.#timer ??= this.#scheduler.schedule(this.#flush, this.#periodMs);
  }

  /**
   * The event time of a symbol's newest trade (`last_event_time_seconds`).
   * @param symbol - its symbol
   * @param ts - event time, epoch ms
   */
  eventTime(symbol: string, ts: number): void {
    if (this.#m === undefined) return;
    this.#eventTimes.set(symbol, ts);
    this.#timer ??= this.#scheduler.schedule(this.#flush, this.#periodMs);
  }

  /** Hands everything gathered so far to the metrics. */
  flush(): void {
    const m = this.#m;
    if (m === undefined) return;
    const counts = this.#counts;
    const times = this.#eventTimes;
    if (counts.size > 0) {
      this.#counts = new Map();
      for (const [symbol, n] of counts) m.ingested.inc(n, { stage: this.#stage, symbol });
    }
    if (times.size > 0) {
      this.#eventTimes = new Map();
      for (const [symbol, ts] of times) m.lastEventTime.set(ts / 1000, { symbol });
    }
  }

  /** Flushes and cancels the pending flush. */
  close(): void {
    this.#timer?.unsubscribe();
    this.#timer = undefined;
    this.flush();
  }
}
