import type { SchedulerLike, Subscription } from 'rxjs';

/**
 * Settings of the adaptive (AIMD) request-rate limiter of `yahooQuotes`.
 *
 * @example
 * ```ts
 * import type { AdaptiveRateOptions } from '@tickflow/sources/yahoo';
 * const gentle: AdaptiveRateOptions = { initialRate: 2, maxRate: 5, increasePerSecond: 0.1 };
 * ```
 */
export interface AdaptiveRateOptions {
  /** Requests per second to start at (default 10: fast, then adapt). */
  initialRate?: number;
  /** Lowest rate after repeated 429s (default 0.2 req/s). */
  minRate?: number;
  /** Highest rate (default 50 req/s). */
  maxRate?: number;
  /** Additive increase: req/s gained per second of successful sending (default 0.5). */
  increasePerSecond?: number;
  /** Multiplicative decrease applied on a 429 when no better estimate exists (default 0.7). */
  decreaseFactor?: number;
  /**
   * Seconds of sending that may go out back to back after an idle spell, once a 429 has calibrated
   * the rate (default 1: servers' token buckets usually hold about a second of requests). 0 = none.
   */
  burstSeconds?: number;
}

/** What a request was admitted with; hand it back to `release`. */
export interface RateTicket {
  /** Scheduler time the request was admitted. */
  readonly sentAt: number;
}

/**
 * Paces requests at an adaptive rate (AIMD, as TCP congestion control): each success adds
 * `increasePerSecond / rate` req/s (so the rate climbs by about `increasePerSecond` each second), a
 * 429 cuts it (once per round trip: 429s of requests sent before the last cut do not cut again)
 * and pauses all sending for `Retry-After` when the server gave one. The cut is to the rate the
 * server accepted between the last two 429s when that is known (a token bucket is empty at both),
 * else by `decreaseFactor`. Once calibrated, up to `burstSeconds` of requests may go back to back
 * after an idle spell. At most `concurrency` requests are in flight. All waits use the scheduler.
 *
 * @internal
 */
export function createAdaptiveRateLimiter(scheduler: SchedulerLike, concurrency: number, options: AdaptiveRateOptions = {}) {
  const minRate = options.minRate ?? 0.2;
  const maxRate = options.maxRate ?? 50;
  const increase = options.increasePerSecond ?? 0.5;
  const beta = options.decreaseFactor ?? 0.7;
  const burstSeconds = options.burstSeconds ?? 1;
  let rate = Math.min(maxRate, Math.max(minRate, options.initialRate ?? 10));
  let ceiling: number | undefined;
  let nextAt = Number.NEGATIVE_INFINITY;
  let pausedUntil = Number.NEGATIVE_INFINITY;
  let lastCutAt = Number.NEGATIVE_INFINITY;
  let inFlight = 0;
  let timer: Subscription | undefined;
  let timerAt = Number.POSITIVE_INFINITY;
  let closed = false;
  /** Send time of the last counted 429 and the successes sent since: the server rate estimate. */
  let anchor: { at: number; accepted: number } | undefined;
  const queue: Array<(t: RateTicket) => void> = [];

  const pump = (): void => {
    while (!closed && queue.length > 0 && inFlight < concurrency) {
      const now = scheduler.now();
      const at = Math.max(nextAt, pausedUntil);
      if (at > now) {
        if (timer && timerAt <= at) return;
        timer?.unsubscribe();
        timerAt = at;
        timer = scheduler.schedule(() => {
          timer = undefined;
          timerAt = Number.POSITIVE_INFINITY;
          pump();
        }, at - now);
        return;
      }
      const burst = ceiling === undefined ? 1 : Math.max(1, Math.floor(rate * burstSeconds));
      nextAt = Math.max(now - ((burst - 1) * 1000) / rate, nextAt) + 1000 / rate;
      inFlight++;
      (queue.shift() as (t: RateTicket) => void)({ sentAt: now });
    }
    // Fully idle: a server bucket refills now, so the next gap between 429s would mislead the estimate.
    if (queue.length === 0 && inFlight === 0) anchor = undefined;
  };

  return {
    /** Calls `admit` once the request may go (FIFO). */
    acquire(admit: (t: RateTicket) => void): void {
      queue.push(admit);
      pump();
    },
    /** A request finished: `ok` (raise the rate), `rate_limited` (cut it, maybe pause), or `other`. */
    release(ticket: RateTicket, outcome: 'ok' | 'rate_limited' | 'other', retryAfterMs?: number): void {
      inFlight--;
      const now = scheduler.now();
      if (outcome === 'ok') {
        rate = Math.min(maxRate, rate + increase / rate);
        if (anchor && ticket.sentAt >= anchor.at) anchor.accepted++;
      } else if (outcome === 'rate_limited') {
        if (ticket.sentAt >= lastCutAt) {
          ceiling = rate;
          // Between two 429s the server's bucket went from empty to empty: what it accepted in
          // between is its rate. Without such a pair, cut multiplicatively.
          const span = anchor ? ticket.sentAt - anchor.at : 0;
          const estimate = anchor && span >= 1000 ? (anchor.accepted * 1000) / span : undefined;
          const next = estimate === undefined ? rate * beta : Math.min(rate * 0.95, Math.max(rate * 0.5, estimate));
          rate = Math.max(minRate, next);
          anchor = { at: ticket.sentAt, accepted: 0 };
          lastCutAt = now;
          nextAt = now + 1000 / rate;
        }
        if (retryAfterMs !== undefined) pausedUntil = Math.max(pausedUntil, now + retryAfterMs);
      }
      pump();
    },
    /** Pauses sending until `until` (scheduler time), e.g. for a Retry-After seen elsewhere. */
    pauseUntil(until: number): void {
      pausedUntil = Math.max(pausedUntil, until);
    },
    /** Current target rate, req/s. */
    get rate(): number {
      return rate;
    },
    /** Rate at which the last 429 came, if any: the observed ceiling. */
    get ceiling(): number | undefined {
      return ceiling;
    },
    /** Requests in flight. */
    get inFlight(): number {
      return inFlight;
    },
    /** Stops admitting; pending acquirers are dropped. */
    close(): void {
      closed = true;
      queue.length = 0;
      timer?.unsubscribe();
    },
  };
}

/** The limiter returned by {@link createAdaptiveRateLimiter}. */
export type AdaptiveRateLimiter = ReturnType<typeof createAdaptiveRateLimiter>;
