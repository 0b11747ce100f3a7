/**
 * Yahoo Finance quotes by polling, with rate limiting, a circuit breaker and an earnings calendar.
 *
 * @module @tickflow/sources/yahoo
 */
export { type EarningsCalendar, type EarningsCalendarOptions, type EarningsEntry, earningsCalendar } from './earningsCalendar.js';
export { type NormalizeYahooQuoteResult, normalizeYahooQuote } from './normalizeYahooQuote.js';
export { toYahooSymbol } from './toYahooSymbol.js';
export {
  type AdaptiveRateOptions,
  type CircuitBreakerOptions,
  type YahooCycleSummary,
  type YahooQuotesOptions,
  yahooQuotes,
} from './yahooQuotes.js';
