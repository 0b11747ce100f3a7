import type { Instrumentation, InvalidRecord, Quote, RetryPolicy } from '@tickflow/core';
import type { SchedulerLike } from 'rxjs';
import type { AdaptiveRateLimiter, RateTicket } from './adaptiveRateLimiter.js';
import type { CircuitBreaker } from './circuitBreaker.js';
import { normalizeYahooQuote } from './normalizeYahooQuote.js';
import { type BatchRequestContext, requestQuoteBatch } from './requestQuoteBatch.js';
import type { SymbolRouting } from './symbolRouting.js';
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
  /** Configured symbols polled this cycle (dropped ones excluded). */
  symbols: number;
  /** Batches the distinct Yahoo symbols were split into (the minimum number of requests). */
  batches: number;
  /** Quote requests sent, including 429s and retries. */
  requests: number;
  /** Requests answered 429. */
  rateLimited: number;
  /** Retries after 5xx, network errors and unusable answers. */
  retries: number;
  /** Valid quotes emitted (one per configured symbol an entry answers). */
  quotes: number;
  /** Rejected entries given to `onInvalid` (one per configured symbol an entry answers). */
  invalid: number;
  /** Configured symbols (as written in `symbols`) Yahoo left out of its answers this cycle. */
  missing: string[];
  /** Configured symbols whose batch failed for good this cycle. */
  failed: string[];
  /** Configured symbols without a valid quote for longer than `staleAfterMs`. */
  stale: string[];
  /** Target request rate at the end of the cycle, req/s. */
  rate: number;
}

/** @internal */
export interface QuoteCycleContext {
  /** Configured symbols and their Yahoo spellings: requests use Yahoo's, everything reported uses the caller's. */
  routing: SymbolRouting;
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

/** The distinct Yahoo symbols (case-insensitive) to request for these configured symbols, in order. */
function yahooSymbolsOf(callers: readonly string[], routing: SymbolRouting): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const c of callers) {
    const y = routing.yahooOf(c);
    if (seen.has(key(y))) continue;
    seen.add(key(y));
    out.push(y);
  }
  return out;
}

/**
 * Builds the function that runs one polling cycle: batches, rate limiting, circuit breaker,
 * retries, crumb refresh, normalisation, missing/stale tracking and per-cycle metrics.
 *
 * @internal
 */
export function createQuoteCycle(ctx: QuoteCycleContext): (cycle: number) => Promise<void> {
  const { scheduler, metrics, limiter, breaker, inst, routing } = ctx;
  const startedAt = scheduler.now();
  // Tracking is per configured symbol (caller spelling); requests are per distinct Yahoo symbol.
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
    for (const s of symbols) cyc.failed.push(...routing.callersOf(s));
    inst.log('warn', 'yahoo.batch.failed', { type, detail, symbols: symbols.length, first: routing.callersOf(symbols[0] ?? '')[0] ?? symbols[0] });
  };

  /** `symbols` are the Yahoo symbols of the batch; each entry is emitted once per configured symbol it answers, under that spelling. */
  const accept = (symbols: readonly string[], result: unknown[], cyc: CycleState) => {
    const now = scheduler.now();
    for (const s of symbols) for (const c of routing.callersOf(s)) cyc.asked.add(c);
    for (const entry of result) {
      const r = normalizeYahooQuote(entry, now);
      if (r.ok) {
        const callers = routing.callersOf(r.quote.symbol);
        if (callers.length === 0) {
          // An entry for a symbol nobody configured (Yahoo answered more than asked): pass it on as Yahoo spells it.
          cyc.quotes++;
          metrics.fetched.inc();
          ctx.emit(r.quote);
        }
        for (const c of callers) {
          cyc.answered.add(c);
          lastSeen.set(c, now);
          cyc.quotes++;
          metrics.fetched.inc();
          ctx.emit(c === r.quote.symbol ? r.quote : { ...r.quote, symbol: c });
          if (ctx.isClosed()) return;
        }
      } else {
        const callers = r.symbol ? routing.callersOf(r.symbol) : [];
        const named = callers.length ? callers : [r.symbol];
        for (const c of named) {
          if (c) cyc.answered.add(c);
          cyc.invalid++;
          metrics.invalid.inc(1, { field: r.field });
          ctx.onInvalid?.({ reason: c ? `${c}: ${r.reason}` : r.reason, input: entry, field: r.field });
        }
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
    const active = routing.callers.filter((s) => !dropped.has(s));
    const batches = split(yahooSymbolsOf(active, routing), ctx.batchSize);
    const cyc: CycleState = { requests: 0, rateLimited: 0, retries: 0, quotes: 0, invalid: 0, answered: new Set(), asked: new Set(), failed: [] };
    await Promise.all(batches.map((b) => processBatch(b, cyc)));
    if (ctx.isClosed()) return;
    const now = scheduler.now();

    const missing: string[] = [];
    const newlyDropped: string[] = [];
    for (const s of active) {
      if (!cyc.asked.has(s)) continue;
      if (cyc.answered.has(s)) {
        missCount.delete(s);
        continue;
      }
      missing.push(s);
      const c = (missCount.get(s) ?? 0) + 1;
      missCount.set(s, c);
      if (c >= ctx.dropMissingAfter) {
        dropped.add(s);
        newlyDropped.push(s);
      }
    }
    const missingSet = new Set(missing);
    const stale = active.filter((s) => !missingSet.has(s) && !dropped.has(s) && now - (lastSeen.get(s) ?? startedAt) > ctx.staleAfterMs);

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
