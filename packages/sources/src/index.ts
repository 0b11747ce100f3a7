/**
 * Trade and quote sources as RxJS Observables: Finnhub, Yahoo Finance, replay and synthetic trades.
 *
 * @module @tickflow/sources
 */
/**
 * The package version.
 *
 * @example
 * ```ts
 * import { version } from '@tickflow/sources';
 * console.log(version); // '0.1.0'
 * ```
 */
export const version = '0.1.0';
export {
  type FinnhubServerError,
  type FinnhubSymbolControls,
  type FinnhubTradeStream,
  type FinnhubTradesOptions,
  finnhubTrades,
} from './finnhub/finnhubTrades.js';
export type { ReplayFormat, ReplayLineParser } from './replay/lineParsers.js';
export { type ReplayOptions, replay } from './replay/replay.js';
export { type SyntheticOptions, synthetic } from './synthetic/synthetic.js';
export { type EarningsCalendar, type EarningsCalendarOptions, type EarningsEntry, earningsCalendar } from './yahoo/earningsCalendar.js';
export { type NormalizeYahooQuoteResult, normalizeYahooQuote } from './yahoo/normalizeYahooQuote.js';
export { toYahooSymbol } from './yahoo/toYahooSymbol.js';
export { type YahooCycleSummary, type YahooQuotesOptions, yahooQuotes } from './yahoo/yahooQuotes.js';
