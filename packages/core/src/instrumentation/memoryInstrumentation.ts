import type { Counter, Gauge, Histogram, Instrumentation, Labels, LogLevel, MetricOptions } from './Instrumentation.js';
import { redactSecrets } from './redactSecrets.js';

/**
 * A log event kept by {@link memoryInstrumentation}.
 *
 * @example
 * ```ts
 * import { type LogEvent, memoryInstrumentation } from '@tickflow/core';
 * const inst = memoryInstrumentation();
 * inst.log('warn', 'reconnecting', { attempt: 2 });
 * const first: LogEvent | undefined = inst.logs[0]; // { level: 'warn', event: 'reconnecting', fields: { attempt: 2 } }
 * ```
 */
export interface LogEvent {
  level: LogLevel;
  event: string;
  fields: Record<string, unknown>;
}

/**
 * Instrumentation that keeps everything in memory, readable back: for tests and summaries.
 *
 * @example
 * ```ts
 * import { type MemoryInstrumentation, memoryInstrumentation } from '@tickflow/core';
 * const inst: MemoryInstrumentation = memoryInstrumentation();
 * inst.counter('trades_invalid_total').inc(2, { field: 'price' });
 * inst.value('trades_invalid_total', { field: 'price' }); // 2
 * inst.total('trades_invalid_total'); // 2
 * ```
 */
export interface MemoryInstrumentation extends Instrumentation {
  /** Current value of a counter or gauge (labels must match exactly; none = unlabelled series). */
  value(name: string, labels?: Labels): number;
  /** Sum of a counter or gauge over all its label sets. */
  total(name: string): number;
  /** Observations of a histogram. */
  observations(name: string, labels?: Labels): number[];
  /** Log events, oldest first (at most `maxLogs`). */
  readonly logs: LogEvent[];
}

/**
 * Options of {@link memoryInstrumentation}.
 *
 * @example
 * ```ts
 * import { type MemoryInstrumentationOptions, memoryInstrumentation } from '@tickflow/core';
 * const options: MemoryInstrumentationOptions = { maxLogs: 100, logger: (level, event) => console.log(level, event) };
 * const inst = memoryInstrumentation(options);
 * ```
 */
export interface MemoryInstrumentationOptions {
  /** Also forward (redacted) log events here, e.g. to a real logger. */
  logger?: (level: LogLevel, event: string, fields: Record<string, unknown>) => void;
  /** Keep at most this many log events (default 1000). */
  maxLogs?: number;
  /** Keep at most this many observations per histogram series (default 10000). */
  maxObservations?: number;
}

const key = (labels?: Labels) => (labels ? JSON.stringify(Object.entries(labels).sort()) : '');

/**
 * In-memory instrumentation: counters, gauges and histograms you can read back, plus a bounded
 * log buffer. Log fields are redacted with {@link redactSecrets}.
 *
 * @param options - optional logger to forward to and buffer bounds
 * @returns a {@link MemoryInstrumentation}
 * @example
 * ```ts
 * import { memoryInstrumentation } from '@tickflow/core';
 * const inst = memoryInstrumentation();
 * inst.counter('trades_invalid_total').inc(1, { reason: 'price' });
 * inst.total('trades_invalid_total'); // 1
 * ```
 */
export function memoryInstrumentation(options: MemoryInstrumentationOptions = {}): MemoryInstrumentation {
  const values = new Map<string, Map<string, number>>();
  const hist = new Map<string, Map<string, number[]>>();
  const logs: LogEvent[] = [];
  const maxLogs = options.maxLogs ?? 1000;
  const maxObs = options.maxObservations ?? 10_000;
  const series = (name: string) => {
    let m = values.get(name);
    if (!m) values.set(name, (m = new Map()));
    return m;
  };
  const add = (name: string, v: number, labels?: Labels) => {
    const m = series(name);
    const k = key(labels);
    m.set(k, (m.get(k) ?? 0) + v);
  };
  const counter = (name: string, _o?: MetricOptions): Counter => {
    series(name);
    return { inc: (v = 1, l) => add(name, v, l) };
  };
  const gauge = (name: string, _o?: MetricOptions): Gauge => {
    series(name);
    return {
      set: (v, l) => series(name).set(key(l), v),
      inc: (v = 1, l) => add(name, v, l),
      dec: (v = 1, l) => add(name, -v, l),
    };
  };
  const histogram = (name: string, _o?: MetricOptions): Histogram => {
    if (!hist.has(name)) hist.set(name, new Map());
    return {
      observe: (v, l) => {
        const m = hist.get(name) as Map<string, number[]>;
        const k = key(l);
        let arr = m.get(k);
        if (!arr) m.set(k, (arr = []));
        if (arr.length >= maxObs) arr.shift();
        arr.push(v);
      },
    };
  };
  return {
    enabled: true,
    counter,
    gauge,
    histogram,
    log(level, event, fields = {}) {
      const safe = redactSecrets(fields);
      if (logs.length >= maxLogs) logs.shift();
      logs.push({ level, event, fields: safe });
      options.logger?.(level, event, safe);
    },
    value: (name, labels) => values.get(name)?.get(key(labels)) ?? 0,
    total: (name) => [...(values.get(name)?.values() ?? [])].reduce((a, b) => a + b, 0),
    observations: (name, labels) => [...(hist.get(name)?.get(key(labels)) ?? [])],
    logs,
  };
}
