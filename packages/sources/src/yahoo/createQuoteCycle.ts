import type { Instrumentation, InvalidRecord, Quote, RetryPolicy } from '@tickflow/core';
import type { SchedulerLike } from 'rxjs';
import type { AdaptiveRateLimiter, RateTicket } from './adaptiveRateLimiter.js';
import type { CircuitBreaker } from './circuitBreaker.js';
import { normalizeYahooQuote } from './normalizeYahooQuote.js';
import { type BatchRequestContext, requestQuoteBatch } from './requestQuoteBatch.js';
import type { YahooMetrics } from './yahooMetrics.js';
import type { YahooSession } from './yahooSession.js';

/**
 * The numbers of one polling cycle, given to `onCycle`.
 *
 * @example
 * ```ts
 * import { yahooQuotes, type YahooCycleSummary } from '@tickflow/sources/yahoo';
 * const log = (s: YahooCycleSummary) => console.log(`cycle ${s.cycle}: ${s.quotes} quotes, ${s.requests} requests, ${s.durationMs} ms`);
 * yahooQuotes({ symbols: ['AAPL'], onCycle: log }).subscribe();
 * ```
 */
export interface YahooCycleSummary {
  /** 1-based cycle number. */
  cycle: number;
  /** Scheduler time the cycle started, ms. */
  startedAt: number;
  /** Wall time of the cycle, ms. */
  durationMs: number;
  /** Symbols polled this cycle (dropped ones excluded). */
  symbols: number;
  /** Batches the symbols were split into (the minimum number of requests). */
  batches: number;
  /** Quote requests sent, including 429s and retries. */
  requests: number;
  /** Requests answered 429. */
  rateLimited: number;
  /** Retries after 5xx, network errors and unusable answers. */
  retries: number;
  /** Valid quotes emitted. */
  quotes: number;
  /** Entries rejected by validation (given to `onInvalid`). */
  invalid: number;
  /** Symbols left out of Yahoo's answers this cycle. */
  missing: string[];
  /** Symbols whose batch failed for good this cycle. */
  failed: string[];
  /** Symbols without a valid quote for longer than `staleAfterMs`. */
  stale: string[];
  /** Target request rate at the end of the cycle, req/s. */
  rate: number;
}

/** @internal */
export interface QuoteCycleContext {
  symbols: readonly string[];
  batchSize: number;
  retry: RetryPolicy;
  scheduler: SchedulerLike;
  inst: Instrumentation;
  metrics: YahooMetrics;
  limiter: AdaptiveRateLimiter;
  breaker: CircuitBreaker;
  session: YahooSession;
  request: BatchRequestContext;
  staleAfterMs: number;
  dropMissingAfter: number;
  maxRateLimitRetries: number;
  backoffMs: (attempt: number) => number;
  delay: (ms: number) => Promise<void>;
  isClosed: () => boolean;
  emit: (q: Quote) => void;
  onInvalid: ((r: InvalidRecord) => void) | undefined;
  onMissing: ((symbols: string[]) => void) | undefined;
  onStale: ((symbols: string[]) => void) | undefined;
  onCycle: ((s: YahooCycleSummary) => void) | undefined;
}

/** Splits `items` into the fewest chunks of at most `size`, as even as possible. */
function split<T>(items: readonly T[], size: number): T[][] {
  const n = Math.ceil(items.length / size);
  const out: T[][] = [];
  for (let i = 0; i < n; i++) out.push(items.slice(Math.floor((i * items.length) / n), Math.floor(((i + 1) * items.length) / n)));
  return out;
}

const key = (s: string) => s.toUpperCase();
const LOG_LIST = 50;

/**
 * Builds the function that runs one polling cycle: batches, rate limiting, circuit breaker,
 * retries, crumb refresh, normalisation, missing/stale tracking and per-cycle metrics.
 *
 * @internal
 */
export function createQuoteCycle(ctx: QuoteCycleContext): (cycle: number) => Promise<void> {
  const { scheduler, metrics, limiter, breaker, inst } = ctx;
  const startedAt = scheduler.now();
  const lastSeen = new Map<string, number>();
  const missCount = new Map<string, number>();
  const dropped = new Set<string>();

  interface CycleState {
    requests: number;
    rateLimited: number;
    retries: number;
    quotes: number;
    invalid: number;
    answered: Set<string>;
    asked: Set<string>;
    failed: string[];
  }

  const acquire = () => new Promise<RateTicket>((resolve) => limiter.acquire(resolve));

  const fail = (symbols: readonly string[], type: string, detail: string, cyc: CycleState) => {
    metrics.failures.inc(1, { type: 'batch_exhausted' });
    cyc.failed.push(...symbols);
    inst.log('warn', 'yahoo.batch.failed', { type, detail, symbols: symbols.length, first: symbols[0] });
  };

  const accept = (symbols: readonly string[], result: unknown[], cyc: CycleState) => {
    const now = scheduler.now();
    for (const s of symbols) cyc.asked.add(key(s));
    for (const entry of result) {
      const r = normalizeYahooQuote(entry, now);
      if (r.ok) {
        const k = key(r.quote.symbol);
        cyc.answered.add(k);
        lastSeen.set(k, now);
        cyc.quotes++;
        metrics.fetched.inc();
        ctx.emit(r.quote);
      } else {
        if (r.symbol) cyc.answered.add(key(r.symbol));
        cyc.invalid++;
        metrics.invalid.inc(1, { field: r.field });
        ctx.onInvalid?.({ reason: r.symbol ? `${r.symbol}: ${r.reason}` : r.reason, input: entry, field: r.field });
      }
      if (ctx.isClosed()) return;
    }
  };

  const processBatch = async (symbols: readonly string[], cyc: CycleState): Promise<void> => {
    let attempts = 0;
    let rateLimits = 0;
    let authRefreshes = 0;
    for (;;) {
      if (ctx.isClosed()) return;
      const gate = breaker.gate();
      if (gate.kind === 'reject') {
        metrics.failures.inc(1, { type: 'circuit_open' });
        return fail(symbols, 'circuit_open', `circuit open, next probe in ${gate.retryAt - scheduler.now()} ms`, cyc);
      }
      if (gate.kind === 'wait') {
        await gate.settled;
        continue;
      }
      const ticket = await acquire();
      if (ctx.isClosed()) return;
      const t0 = scheduler.now();
      const out = await requestQuoteBatch(ctx.request, symbols);
      if (ctx.isClosed()) return;
      if (out.kind !== 'session') {
        cyc.requests++;
        metrics.latency.observe(scheduler.now() - t0);
        metrics.requests.inc(1, { outcome: out.kind });
      }
      switch (out.kind) {
        case 'ok':
          limiter.release(ticket, 'ok');
          breaker.success();
          metrics.rate.set(limiter.rate);
          if (limiter.ceiling !== undefined) metrics.headroom.set(Math.max(0, (limiter.ceiling - limiter.rate) / limiter.ceiling));
          return accept(symbols, out.result, cyc);
        case 'rate_limited':
        case 'session':
          if (out.kind === 'rate_limited' || out.rateLimited) {
            limiter.release(ticket, 'rate_limited', out.retryAfterMs);
            breaker.release();
            cyc.rateLimited++;
            metrics.failures.inc(1, { type: 'rate_limit' });
            metrics.rate.set(limiter.rate);
            const ceiling = limiter.ceiling;
            if (ceiling !== undefined) metrics.headroom.set(Math.max(0, (ceiling - limiter.rate) / ceiling));
            if (++rateLimits > ctx.maxRateLimitRetries) return fail(symbols, 'rate_limit', `${rateLimits} answers 429 in a row`, cyc);
            continue;
          }
          limiter.release(ticket, 'other');
          breaker.failure();
          metrics.failures.inc(1, { type: 'session' });
          inst.log('warn', 'yahoo.session.failed', { detail: out.detail });
          if (!out.retriable || ++attempts >= ctx.retry.maxAttempts) return fail(symbols, 'session', out.detail, cyc);
          cyc.retries++;
          await ctx.delay(ctx.backoffMs(attempts));
          continue;
        case 'auth': {
          limiter.release(ticket, 'other');
          breaker.release();
          metrics.failures.inc(1, { type: 'auth' });
          if (ctx.session.invalidate(out.crumb)) {
            metrics.crumbRefresh.inc();
            inst.log('info', 'yahoo.crumb.refresh', { status: out.status, detail: out.detail });
          }
          if (++authRefreshes > 2) return fail(symbols, 'auth', `${out.status} ${out.detail} after ${authRefreshes - 1} crumb refreshes`, cyc);
          continue;
        }
        case 'bad_request':
          limiter.release(ticket, 'other');
          breaker.release();
          metrics.failures.inc(1, { type: 'bad_request' });
          if (symbols.length > 1) {
            // Yahoo's per-request symbol limit may be lower than configured: halve and go on.
            inst.log('warn', 'yahoo.batch.split', { status: out.status, detail: out.detail, symbols: symbols.length });
            const half = Math.ceil(symbols.length / 2);
            await Promise.all([processBatch(symbols.slice(0, half), cyc), processBatch(symbols.slice(half), cyc)]);
            return;
          }
          return fail(symbols, 'bad_request', `${out.status} ${out.detail}`, cyc);
        default: {
          limiter.release(ticket, 'other');
          breaker.failure();
          metrics.failures.inc(1, { type: out.kind });
          if (++attempts >= ctx.retry.maxAttempts) return fail(symbols, out.kind, `${attempts} attempts, last: ${out.detail}`, cyc);
          cyc.retries++;
          await ctx.delay(ctx.backoffMs(attempts));
        }
      }
    }
  };

  return async (cycle: number) => {
    const start = scheduler.now();
    const active = ctx.symbols.filter((s) => !dropped.has(key(s)));
    const batches = split(active, ctx.batchSize);
    const cyc: CycleState = { requests: 0, rateLimited: 0, retries: 0, quotes: 0, invalid: 0, answered: new Set(), asked: new Set(), failed: [] };
    await Promise.all(batches.map((b) => processBatch(b, cyc)));
    if (ctx.isClosed()) return;
    const now = scheduler.now();

    const missing: string[] = [];
    const newlyDropped: string[] = [];
    for (const s of active) {
      const k = key(s);
      if (!cyc.asked.has(k)) continue;
      if (cyc.answered.has(k)) {
        missCount.delete(k);
        continue;
      }
      missing.push(s);
      const c = (missCount.get(k) ?? 0) + 1;
      missCount.set(k, c);
      if (c >= ctx.dropMissingAfter) {
        dropped.add(k);
        newlyDropped.push(s);
      }
    }
    const missingSet = new Set(missing.map(key));
    const stale = active.filter((s) => {
      const k = key(s);
      return !missingSet.has(k) && !dropped.has(k) && now - (lastSeen.get(k) ?? startedAt) > ctx.staleAfterMs;
    });

    metrics.missing.set(missing.length + dropped.size - newlyDropped.length);
    metrics.missingTotal.inc(missing.length);
    metrics.dropped.set(dropped.size);
    metrics.stale.set(stale.length);
    metrics.cycleDuration.observe(now - start);
    metrics.cycleRequests.set(cyc.requests);
    metrics.symbolsPerSecond.set(now > start ? (cyc.quotes * 1000) / (now - start) : cyc.quotes);
    metrics.rate.set(limiter.rate);
    if (missing.length) inst.log('warn', 'yahoo.symbols.missing', { count: missing.length, symbols: missing.slice(0, LOG_LIST) });
    if (newlyDropped.length) {
      inst.log('warn', 'yahoo.symbols.dropped', { count: newlyDropped.length, afterCycles: ctx.dropMissingAfter, symbols: newlyDropped.slice(0, LOG_LIST) });
    }
    if (stale.length) inst.log('warn', 'yahoo.symbols.stale', { count: stale.length, staleAfterMs: ctx.staleAfterMs, symbols: stale.slice(0, LOG_LIST) });
    const summary: YahooCycleSummary = {
      cycle,
      startedAt: start,
      durationMs: now - start,
      symbols: active.length,
      batches: batches.length,
      requests: cyc.requests,
      rateLimited: cyc.rateLimited,
      retries: cyc.retries,
      quotes: cyc.quotes,
      invalid: cyc.invalid,
      missing,
      failed: cyc.failed,
      stale,
      rate: limiter.rate,
    };
    inst.log('info', 'yahoo.cycle', { ...summary, missing: missing.length, failed: cyc.failed.length, stale: stale.length });
    if (missing.length) ctx.onMissing?.(missing);
    if (stale.length) ctx.onStale?.(stale);
    ctx.onCycle?.(summary);
  };
}
