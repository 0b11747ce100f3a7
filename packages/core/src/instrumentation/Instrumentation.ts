/**
 * Metric labels. Keep their cardinality low (no trade ids).
 *
 * @example
 * ```ts
 * import { type Labels, memoryInstrumentation } from '@tickflow/core';
 * const labels: Labels = { stage: 'demo', symbol: 'AAPL' };
 * memoryInstrumentation().counter('trades_total', { labelNames: ['stage', 'symbol'] }).inc(1, labels);
 * ```
 */
export type Labels = Record<string, string>;

/**
 * Log severity.
 *
 * @example
 * ```ts
 * import type { LogLevel } from '@tickflow/core';
 * const level: LogLevel = process.env.DEBUG ? 'debug' : 'info';
 * ```
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/**
 * A monotonically increasing count.
 *
 * @example
 * ```ts
 * import { type Counter, memoryInstrumentation } from '@tickflow/core';
 * const trades: Counter = memoryInstrumentation().counter('trades_total', { help: 'Trades seen', labelNames: ['symbol'] });
 * trades.inc(1, { symbol: 'AAPL' });
 * ```
 */
export interface Counter {
  /** Adds `value` (default 1). */
  inc(value?: number, labels?: Labels): void;
}

/**
 * A value that goes up and down.
 *
 * @example
 * ```ts
 * import { type Gauge, memoryInstrumentation } from '@tickflow/core';
 * const open: Gauge = memoryInstrumentation().gauge('open_windows');
 * open.set(3);
 * open.dec(); // 2
 * ```
 */
export interface Gauge {
  /** Sets the value. */
  set(value: number, labels?: Labels): void;
  /** Adds `value` (default 1). */
  inc(value?: number, labels?: Labels): void;
  /** Subtracts `value` (default 1). */
  dec(value?: number, labels?: Labels): void;
}

/**
 * A distribution of observed values (latencies, sizes).
 *
 * @example
 * ```ts
 * import { type Histogram, memoryInstrumentation } from '@tickflow/core';
 * const latency: Histogram = memoryInstrumentation().histogram('write_latency_seconds', { buckets: [0.01, 0.1, 1] });
 * latency.observe(0.042, { target: 'kafka' });
 * ```
 */
export interface Histogram {
  /** Records one observation. */
  observe(value: number, labels?: Labels): void;
}

/**
 * Description of a metric when it is created.
 *
 * @example
 * ```ts
 * import { type MetricOptions, memoryInstrumentation } from '@tickflow/core';
 * const options: MetricOptions = { help: 'Bars written', labelNames: ['interval'] };
 * memoryInstrumentation().counter('bars_written_total', options).inc(1, { interval: '5m' });
 * ```
 */
export interface MetricOptions {
  /** Human-readable help text. */
  help?: string;
  /** Label names this metric uses. */
  labelNames?: readonly string[];
  /** Histogram bucket upper bounds. */
  buckets?: readonly number[];
}

/**
 * The hooks every tickflow component reports through: metrics (counters, gauges, histograms) and
 * structured log events. Components create their metrics once, at construction, so with
 * {@link noopInstrumentation} the hot path pays one empty call.
 *
 * Metric names are snake_case without a prefix (`trades_invalid_total`); adapters add one.
 * Log fields are passed through {@link redactSecrets} by the provided implementations.
 *
 * @example
 * ```ts
 * import { memoryInstrumentation } from '@tickflow/core';
 * const inst = memoryInstrumentation();
 * inst.counter('trades_total').inc();
 * inst.log('info', 'connected', { url: 'wss://ws.finnhub.io' });
 * ```
 */
export interface Instrumentation {
  /** False when nothing listens (lets callers skip building expensive log fields). */
  readonly enabled: boolean;
  /** Gets or creates a counter. */
  counter(name: string, options?: MetricOptions): Counter;
  /** Gets or creates a gauge. */
  gauge(name: string, options?: MetricOptions): Gauge;
  /** Gets or creates a histogram. */
  histogram(name: string, options?: MetricOptions): Histogram;
  /** Emits a structured log event. */
  log(level: LogLevel, event: string, fields?: Record<string, unknown>): void;
}
