/** Metric labels. Keep their cardinality low (no trade ids). */
export type Labels = Record<string, string>;

/** Log severity. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** A monotonically increasing count. */
export interface Counter {
  /** Adds `value` (default 1). */
  inc(value?: number, labels?: Labels): void;
}

/** A value that goes up and down. */
export interface Gauge {
  /** Sets the value. */
  set(value: number, labels?: Labels): void;
  /** Adds `value` (default 1). */
  inc(value?: number, labels?: Labels): void;
  /** Subtracts `value` (default 1). */
  dec(value?: number, labels?: Labels): void;
}

/** A distribution of observed values (latencies, sizes). */
export interface Histogram {
  /** Records one observation. */
  observe(value: number, labels?: Labels): void;
}

/** Description of a metric when it is created. */
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
