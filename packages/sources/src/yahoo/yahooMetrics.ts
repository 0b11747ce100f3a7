import type { Instrumentation } from '@tickflow/core';

/**
 * The metric handles of `yahooQuotes`, created once per subscription.
 *
 * @internal
 */
export function yahooMetrics(inst: Instrumentation) {
  return {
    fetched: inst.counter('yahoo_symbols_fetched_total', { help: 'Valid quotes emitted' }),
    requests: inst.counter('yahoo_requests_total', { help: 'Quote requests sent, by outcome', labelNames: ['outcome'] }),
    failures: inst.counter('yahoo_failures_total', {
      help: 'Failed quote requests and failed batches, by type (rate_limit, server, network, bad_response, auth, session, bad_request, circuit_open, batch_exhausted)',
      labelNames: ['type'],
    }),
    latency: inst.histogram('yahoo_request_latency_ms', {
      help: 'Quote request latency, ms',
      buckets: [25, 50, 100, 200, 300, 500, 1000, 2000, 5000, 10000],
    }),
    symbolsPerSecond: inst.gauge('yahoo_symbols_per_second', { help: 'Valid quotes per second over the last cycle' }),
    headroom: inst.gauge('yahoo_rate_limit_headroom', {
      help: 'Fraction of the last rate-limited request rate still unused: (ceiling - rate) / ceiling; 1 until the first 429',
    }),
    rate: inst.gauge('yahoo_request_rate', { help: 'Target request rate of the adaptive limiter, req/s' }),
    cycleDuration: inst.histogram('yahoo_cycle_duration_ms', {
      help: 'Duration of a full polling cycle, ms',
      buckets: [1000, 2000, 5000, 10000, 20000, 30000, 60000, 120000],
    }),
    cycleRequests: inst.gauge('yahoo_cycle_requests', { help: 'Quote requests of the last cycle (incl. retries and 429s)' }),
    invalid: inst.counter('yahoo_quotes_invalid_total', { help: 'Quote entries rejected by validation, by field', labelNames: ['field'] }),
    missing: inst.gauge('yahoo_symbols_missing', { help: 'Symbols left out of answers in the last cycle, plus dropped ones' }),
    missingTotal: inst.counter('yahoo_symbols_missing_total', { help: 'Symbol-cycles in which a requested symbol was left out' }),
    dropped: inst.gauge('yahoo_symbols_dropped', { help: 'Symbols no longer polled after being missing for dropMissingAfter cycles' }),
    stale: inst.gauge('yahoo_symbols_stale', { help: 'Symbols without a valid quote for longer than staleAfterMs' }),
    crumbRefresh: inst.counter('yahoo_crumb_refresh_total', { help: 'Crumb refreshes after 401/403/Invalid Crumb' }),
    sessionRequests: inst.counter('yahoo_session_requests_total', { help: 'Cookie, consent and crumb requests', labelNames: ['kind'] }),
    circuit: inst.gauge('yahoo_circuit_state', { help: 'Circuit breaker: 0 closed, 0.5 half-open, 1 open' }),
  };
}

/** Metric handles. */
export type YahooMetrics = ReturnType<typeof yahooMetrics>;
