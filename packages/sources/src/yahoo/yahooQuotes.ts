import {
  backoff,
  ConfigurationError,
  type Instrumentation,
  type InvalidRecord,
  noopInstrumentation,
  type Quote,
  type RetryPolicy,
} from '@tickflow/core';
import { asyncScheduler, Observable, type SchedulerLike } from 'rxjs';
import { type AdaptiveRateOptions, createAdaptiveRateLimiter } from './adaptiveRateLimiter.js';
import { type CircuitBreakerOptions, createCircuitBreaker } from './circuitBreaker.js';
import { createQuoteCycle, type YahooCycleSummary } from './createQuoteCycle.js';
import { createSymbolRouting } from './symbolRouting.js';
import { yahooMetrics } from './yahooMetrics.js';
import { createYahooSession, yahooEndpoints } from './yahooSession.js';

export type { YahooCycleSummary } from './createQuoteCycle.js';
export type { AdaptiveRateOptions } from './adaptiveRateLimiter.js';
export type { CircuitBreakerOptions } from './circuitBreaker.js';

/**
 * Options of {@link yahooQuotes}.
 *
 * @example
 * ```ts
 * import type { YahooQuotesOptions } from '@tickflow/sources/yahoo';
 * const options: YahooQuotesOptions = {
 *   symbols: ['AAPL', 'MSFT', 'BRK.B', 'MKC.V'],
 *   symbolMap: { 'MKC.V': 'MKC-V' }, // McCormick's voting class, not a TSX Venture listing
 *   intervalMs: 10_000,
 *   concurrency: 4,
 *   retry: { maxAttempts: 3 },
 *   rateLimit: { initialRate: 5 },
 *   circuitBreaker: { failureThreshold: 5, halfOpenAfterMs: 30_000 },
 * };
 * ```
 */
export interface YahooQuotesOptions {
  /**
   * Symbols to poll, as you write them (`AAPL`, `BRK.B`, `BRK-B`, `EURUSD=X`, `^GSPC`, `VOD.L`).
   * US class shares in dot/slash/space notation are asked as Yahoo spells them (`BRK.B` → `BRK-B`,
   * see `translateSymbols`), and every quote, missing/stale/failed report and `onInvalid` reason
   * uses the spelling given here. Symbols that end up as the same Yahoo symbol are requested once
   * and each gets its own quote.
   */
  symbols: readonly string[];
  /**
   * Translate US class-share notation to Yahoo's with {@link toYahooSymbol} before requesting
   * (default true). With `false`, symbols are requested as given (`symbolMap` still applies).
   */
  translateSymbols?: boolean;
  /**
   * Explicit overrides, configured symbol → Yahoo symbol (`{ 'MKC.V': 'MKC-V', 'BAC$K': 'BAC-PK' }`).
   * They win over `translateSymbols`; keys match exactly first, then case-insensitively.
   */
  symbolMap?: Readonly<Record<string, string>>;
  /** Start of one cycle to the start of the next, ms (default 10 000). A late cycle starts the next at once. */
  intervalMs?: number;
  /** Send the cookie page, crumb and quote requests to this origin instead of Yahoo (tests, proxies). */
  baseUrl?: string;
  /** `fetch` implementation (default `globalThis.fetch`). */
  fetch?: typeof globalThis.fetch;
  /** Symbols per request, 1..99 (default 99: Yahoo refuses more). */
  batchSize?: number;
  /** Requests in flight at once (default 4). */
  concurrency?: number;
  /** Retries of network errors, 5xx and unusable answers (default 3 attempts, 250 ms doubling, 20 % jitter). */
  retry?: Partial<RetryPolicy>;
  /** Adaptive rate limiting (AIMD) settings. */
  rateLimit?: AdaptiveRateOptions;
  /** Circuit breaker settings. */
  circuitBreaker?: CircuitBreakerOptions;
  /** Metrics and log events (default: none). */
  instrumentation?: Instrumentation;
  /** Scheduler for every wait and clock reading (default `asyncScheduler`). */
  scheduler?: SchedulerLike;
  /** Quote entries that cannot make a valid `Quote` (with the reason); they are counted and dropped. */
  onInvalid?: (record: InvalidRecord) => void;
  /** Called after each cycle with the symbols Yahoo left out of its answers in that cycle. */
  onMissing?: (symbols: string[]) => void;
  /** Called after each cycle with the symbols without a valid quote for longer than `staleAfterMs`. */
  onStale?: (symbols: string[]) => void;
  /** Called after each cycle with its numbers. */
  onCycle?: (summary: YahooCycleSummary) => void;
  /** A symbol without a valid quote for this long is stale (default 300 000 = 5 min). */
  staleAfterMs?: number;
  /** Stop polling a symbol after it was left out of this many cycles in a row (default 3). */
  dropMissingAfter?: number;
  /** Give up on one request after this long, ms (default 10 000). */
  requestTimeoutMs?: number;
  /** Retries of one batch after 429s within a cycle before it counts as failed (default 10). */
  maxRateLimitRetries?: number;
  /** Extra request headers (a browser-like `user-agent` is sent by default). */
  headers?: Record<string, string>;
  /** Symbol whose quote page gives the session cookie (default `AAPL`). */
  cookieSymbol?: string;
  /** Random source for backoff jitter (default `Math.random`). */
  random?: () => number;
}

const DEFAULT_HEADERS = {
  'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36',
  'accept-language': 'en-US,en;q=0.9',
};

function check(ok: boolean, setting: string, message: string): void {
  if (!ok) throw new ConfigurationError(`yahooQuotes: ${message}`, { setting });
}

/**
 * Polls Yahoo Finance's `v7/finance/quote` for many symbols, every `intervalMs`, and emits each
 * valid quote as tickflow's `Quote` (price, `ts` in epoch ms from `regularMarketTime`, volume,
 * change, change percent, currency, market state, earnings timestamps in ms).
 *
 * A cycle splits the symbols into as few requests as Yahoo allows (≤ 99 symbols each: 5,000
 * symbols = 51 requests) and sends them through an adaptive rate limiter (starts fast, cuts the
 * rate on 429 and honours `Retry-After`, creeps back up). The cookie + crumb session is set up as
 * Yahoo does it (quote page, EU consent form, `getcrumb`) and refreshed on 401/403/"Invalid Crumb".
 * Network errors, 5xx and unusable answers are retried (3 attempts, exponential backoff); repeated
 * failures open a circuit breaker that probes again later. Symbols Yahoo leaves out are reported
 * as missing (and dropped after `dropMissingAfter` cycles), symbols without a quote for
 * `staleAfterMs` as stale. US class shares written `BRK.B`, `BRK/B` or `BRK B` are requested as
 * Yahoo's `BRK-B` (`translateSymbols`, `symbolMap`) and emitted and reported as written. The stream never errors on upstream trouble: it reports through
 * `instrumentation` and the callbacks and keeps polling until unsubscribed.
 *
 * @param options - symbols and polling, transport, resilience and reporting settings
 * @returns a cold Observable of quotes; each subscription runs its own poller
 * @throws ConfigurationError when an option is out of range (at call time)
 * @example
 * ```ts
 * import { memoryInstrumentation } from '@tickflow/core';
 * import { yahooQuotes } from '@tickflow/sources/yahoo';
 * const inst = memoryInstrumentation();
 * const sub = yahooQuotes({ symbols: ['AAPL', 'MSFT', 'BRK.B'], intervalMs: 10_000, instrumentation: inst })
 *   .subscribe((q) => console.log(q.symbol, q.price, new Date(q.ts))); // 'BRK.B' (asked as BRK-B)
 * // later: sub.unsubscribe();
 * ```
 */
export function yahooQuotes(options: YahooQuotesOptions): Observable<Quote> {
  const symbols = [...new Set((options.symbols ?? []).map((s) => String(s).trim()).filter(Boolean))];
  const batchSize = options.batchSize ?? 99;
  const concurrency = options.concurrency ?? 4;
  const intervalMs = options.intervalMs ?? 10_000;
  check(symbols.length > 0, 'symbols', 'symbols must list at least one symbol');
  check(Number.isInteger(batchSize) && batchSize >= 1 && batchSize <= 99, 'batchSize', `batchSize must be an integer 1..99 (Yahoo refuses more than 99 symbols per request), got ${batchSize}`);
  check(Number.isInteger(concurrency) && concurrency >= 1, 'concurrency', `concurrency must be an integer >= 1, got ${concurrency}`);
  check(Number.isFinite(intervalMs) && intervalMs > 0, 'intervalMs', `intervalMs must be > 0, got ${intervalMs}`);
  const fetchImpl = options.fetch ?? globalThis.fetch;
  check(typeof fetchImpl === 'function', 'fetch', 'no fetch implementation: pass options.fetch (Node >= 18 has a global fetch)');
  const symbolMap = options.symbolMap ?? {};
  check(typeof symbolMap === 'object' && symbolMap !== null, 'symbolMap', 'symbolMap must be an object of configured symbol → Yahoo symbol');
  for (const [from, to] of Object.entries(symbolMap)) {
    check(
      typeof to === 'string' && to.trim().length > 0,
      'symbolMap',
      `symbolMap['${from}'] must be a non-empty Yahoo symbol string (like 'BRK-B'), got ${JSON.stringify(to)}`,
    );
  }
  const routing = createSymbolRouting(symbols, options.translateSymbols ?? true, symbolMap);
  if (options.baseUrl !== undefined) {
    check(/^https?:\/\/[^/]+/.test(options.baseUrl), 'baseUrl', `baseUrl must be an http(s) origin like http://127.0.0.1:8080, got '${options.baseUrl}'`);
  }
  const retry: RetryPolicy = { maxAttempts: 3, initialDelayMs: 250, maxDelayMs: 5_000, multiplier: 2, jitter: 0.2, ...options.retry };
  const scheduler = options.scheduler ?? asyncScheduler;
  const inst = options.instrumentation ?? noopInstrumentation;
  const endpoints = yahooEndpoints(options.baseUrl, options.cookieSymbol);

  return new Observable<Quote>((subscriber) => {
    const metrics = yahooMetrics(inst);
    metrics.headroom.set(1);
    if (routing.translated.length) {
      inst.log('info', 'yahoo.symbols.translated', {
        count: routing.translated.length,
        symbols: routing.translated.slice(0, 50).map(([from, to]) => `${from}→${to}`),
      });
    }
    const abort = new AbortController();
    const timers = new Set<{ unsubscribe(): void }>();
    let closed = false;
    const delay = (ms: number) =>
      new Promise<void>((resolve) => {
        const t = scheduler.schedule(() => {
          timers.delete(t);
          resolve();
        }, ms);
        timers.add(t);
      });
    const limiter = createAdaptiveRateLimiter(scheduler, concurrency, options.rateLimit);
    const breaker = createCircuitBreaker(scheduler, options.circuitBreaker, (state, info) => {
      metrics.circuit.set(state === 'closed' ? 0 : state === 'open' ? 1 : 0.5);
      inst.log(state === 'open' ? 'error' : 'info', `yahoo.circuit.${state.replace('-', '_')}`, {
        consecutiveFailures: info.failures,
        ...(info.retryAt !== undefined ? { probeInMs: info.retryAt - scheduler.now() } : {}),
      });
    });
    const session = createYahooSession({
      fetch: fetchImpl,
      endpoints,
      headers: { ...DEFAULT_HEADERS, ...options.headers },
      now: () => scheduler.now(),
      onRequest: (kind) => metrics.sessionRequests.inc(1, { kind }),
    });
    const runCycle = createQuoteCycle({
      routing,
      batchSize,
      retry,
      scheduler,
      inst,
      metrics,
      limiter,
      breaker,
      session,
      request: {
        fetch: fetchImpl,
        quoteUrl: endpoints.quoteUrl,
        headers: { ...DEFAULT_HEADERS, ...options.headers },
        session,
        scheduler,
        timeoutMs: options.requestTimeoutMs ?? 10_000,
        signal: abort.signal,
      },
      staleAfterMs: options.staleAfterMs ?? 300_000,
      dropMissingAfter: options.dropMissingAfter ?? 3,
      maxRateLimitRetries: options.maxRateLimitRetries ?? 10,
      backoffMs: (attempt) => backoff(attempt, retry, options.random),
      delay,
      isClosed: () => closed,
      emit: (q) => subscriber.next(q),
      onInvalid: options.onInvalid,
      onMissing: options.onMissing,
      onStale: options.onStale,
      onCycle: options.onCycle,
    });

    const loop = async () => {
      for (let n = 1; !closed; n++) {
        const start = scheduler.now();
        await runCycle(n);
        if (closed) return;
        const wait = start + intervalMs - scheduler.now();
        if (wait > 0) await delay(wait);
        else inst.log('warn', 'yahoo.cycle.overrun', { cycle: n, durationMs: scheduler.now() - start, intervalMs });
      }
    };
    loop().catch((error: unknown) => {
      if (!closed) subscriber.error(error);
    });

    return () => {
      closed = true;
      abort.abort(new Error('yahooQuotes unsubscribed'));
      limiter.close();
      for (const t of timers) t.unsubscribe();
      timers.clear();
    };
  });
}
