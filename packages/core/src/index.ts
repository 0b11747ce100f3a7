/**
 * Domain schemas and types (trades, quotes, bars), Avro schemas, the error hierarchy, retry/backoff, intervals, instrumentation and the market-hours calendar.
 *
 * @module @tickflow/core
 */
export type { Ack } from './ack/Ack.js';
export type { InvalidRecord } from './ack/InvalidRecord.js';
export { avroTypes } from './avro/avroTypes.js';
export { barAvroSchema } from './avro/barAvroSchema.js';
export { fromAvroRecord } from './avro/fromAvroRecord.js';
export { quoteAvroSchema } from './avro/quoteAvroSchema.js';
export { toAvroRecord } from './avro/toAvroRecord.js';
export { tradeAvroSchema } from './avro/tradeAvroSchema.js';
export { ConfigurationError } from './errors/ConfigurationError.js';
export { ConnectionError } from './errors/ConnectionError.js';
export { RateLimitError } from './errors/RateLimitError.js';
export { RetriesExhaustedError } from './errors/RetriesExhaustedError.js';
export { TickflowError, type TickflowErrorOptions } from './errors/TickflowError.js';
export { ValidationError } from './errors/ValidationError.js';
export type { Counter, Gauge, Histogram, Instrumentation, Labels, LogLevel, MetricOptions } from './instrumentation/Instrumentation.js';
export {
  type LogEvent,
  type MemoryInstrumentation,
  type MemoryInstrumentationOptions,
  memoryInstrumentation,
} from './instrumentation/memoryInstrumentation.js';
export { noopInstrumentation } from './instrumentation/noopInstrumentation.js';
export { redactSecrets } from './instrumentation/redactSecrets.js';
export { isMarketOpen } from './market/isMarketOpen.js';
export { type MarketSession, marketSession } from './market/marketSession.js';
export { nextMarketOpen } from './market/nextMarketOpen.js';
export { type MarketHoliday, usMarketHolidays } from './market/usMarketHolidays.js';
export { backoff } from './retry/backoff.js';
export { isRetriable } from './retry/isRetriable.js';
export { defaultRetryPolicy, type RetryPolicy } from './retry/RetryPolicy.js';
export { type RetryAsyncOptions, retryAsync } from './retry/retryAsync.js';
export { type RetryWithBackoffOptions, retryWithBackoff } from './retry/retryWithBackoff.js';
export { seededRandom } from './retry/seededRandom.js';
export { type Bar, BarSchema } from './schemas/BarSchema.js';
export { describeZodError } from './schemas/describeZodError.js';
export { type Quote, QuoteSchema } from './schemas/QuoteSchema.js';
export { type Trade, TradeSchema } from './schemas/TradeSchema.js';
export { alignToInterval } from './time/alignToInterval.js';
export { formatInterval } from './time/formatInterval.js';
export { parseInterval } from './time/parseInterval.js';
export { version } from './version.js';
