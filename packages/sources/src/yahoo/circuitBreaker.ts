import type { SchedulerLike } from 'rxjs';

/**
 * Circuit-breaker settings of `yahooQuotes`.
 *
 * @example
 * ```ts
 * import type { CircuitBreakerOptions } from '@tickflow/sources/yahoo';
 * const breaker: CircuitBreakerOptions = { failureThreshold: 10, halfOpenAfterMs: 60_000 };
 * ```
 */
export interface CircuitBreakerOptions {
  /** Consecutive failed requests (5xx, network, unusable answers) that open the circuit (default 5). */
  failureThreshold?: number;
  /** How long the circuit stays open before one probe request is let through (default 30 s). */
  halfOpenAfterMs?: number;
  /** Each failed probe doubles the open time, up to this (default 5 min). */
  maxHalfOpenAfterMs?: number;
}

/** Circuit state. */
export type CircuitState = 'closed' | 'open' | 'half-open';

/** What the breaker says about sending a request now. */
export type CircuitGate = { kind: 'pass' } | { kind: 'probe' } | { kind: 'wait'; settled: Promise<void> } | { kind: 'reject'; retryAt: number };

/**
 * A consecutive-failures circuit breaker on the injected scheduler's clock (closed → open after
 * `failureThreshold` failures in a row → half-open after `halfOpenAfterMs`, when a single probe
 * goes out → closed on success, open again with a doubled wait on failure). Written here instead
 * of using cockatiel because cockatiel reads `Date.now()` directly (see ADR 0031).
 *
 * @internal
 */
export function createCircuitBreaker(scheduler: SchedulerLike, options: CircuitBreakerOptions = {}, onChange?: (state: CircuitState, info: { failures: number; retryAt?: number }) => void) {
  const threshold = options.failureThreshold ?? 5;
  const baseOpen = options.halfOpenAfterMs ?? 30_000;
  const maxOpen = options.maxHalfOpenAfterMs ?? 300_000;
  let state: CircuitState = 'closed';
  let failures = 0;
  let openFor = baseOpen;
  let retryAt = 0;
  let probe: { promise: Promise<void>; resolve: () => void } | undefined;

  const set = (next: CircuitState) => {
    if (next === state) return;
    state = next;
    onChange?.(state, state === 'open' ? { failures, retryAt } : { failures });
  };
  const open = () => {
    retryAt = scheduler.now() + openFor;
    set('open');
  };
  const settleProbe = () => {
    const p = probe;
    probe = undefined;
    p?.resolve();
  };

  return {
    get state(): CircuitState {
      return state;
    },
    /** Ask before each request. */
    gate(): CircuitGate {
      if (state === 'closed') return { kind: 'pass' };
      if (state === 'open') {
        if (scheduler.now() < retryAt) return { kind: 'reject', retryAt };
        set('half-open');
      }
      if (probe) return { kind: 'wait', settled: probe.promise };
      let resolve: () => void = () => {};
      const promise = new Promise<void>((r) => {
        resolve = r;
      });
      probe = { promise, resolve };
      return { kind: 'probe' };
    },
    success(): void {
      failures = 0;
      if (state !== 'closed') {
        openFor = baseOpen;
        set('closed');
      }
      settleProbe();
    },
    failure(): void {
      failures++;
      if (state === 'half-open') {
        openFor = Math.min(maxOpen, openFor * 2);
        open();
      } else if (state === 'closed' && failures >= threshold) open();
      settleProbe();
    },
    /** The probe ended without a verdict (e.g. 429): let the next request probe. */
    release(): void {
      settleProbe();
    },
  };
}

/** The breaker returned by {@link createCircuitBreaker}. */
export type CircuitBreaker = ReturnType<typeof createCircuitBreaker>;
