import { type Instrumentation, type LogLevel, redactSecrets } from '@tickflow/core';
import { prometheusInstrumentation } from '@tickflow/core/prometheus';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { type AppMetrics, appMetrics } from './appMetrics.js';

const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Registry, instrumentation, app metrics and logger of one CLI run. */
export interface Telemetry {
  registry: Registry;
  inst: Instrumentation;
  metrics: AppMetrics;
  /** Logs a structured event (fields redacted) to stderr when `level` passes the configured one. */
  log: (level: LogLevel, event: string, fields?: Record<string, unknown>) => void;
}

/**
 * Sets up metrics (a fresh prom-client registry with process metrics, prefix `tickflow_`) and the
 * logger (one line per event on stderr, secrets redacted by core's redactSecrets).
 *
 * @param options - minimum log level, log sink and default labels
 * @returns the telemetry of this run
 * @example
 * ```ts
 * const t = createTelemetry({ logLevel: 'info' });
 * t.log('info', 'started', { url: 'wss://ws.finnhub.io?token=secret' }); // token=[redacted]
 * ```
 */
export function createTelemetry(options: { logLevel: LogLevel; write?: (line: string) => void; labels?: Record<string, string> }): Telemetry {
  const registry = new Registry();
  if (options.labels) registry.setDefaultLabels(options.labels);
  collectDefaultMetrics({ register: registry, prefix: 'tickflow_process_' });
  const min = LEVELS[options.logLevel];
  const write = options.write ?? ((l: string) => process.stderr.write(`${l}\n`));
  const emit = (level: LogLevel, event: string, fields: Record<string, unknown>) => {
    if (LEVELS[level] < min) return;
    const extra = Object.entries(fields)
      .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
      .join(' ');
    write(`${new Date().toISOString()} ${level.padEnd(5)} ${event}${extra ? ` ${extra}` : ''}`);
  };
  const inst = prometheusInstrumentation({ registry, logger: emit });
  return {
    registry,
    inst,
    metrics: appMetrics(inst),
    log: (level, event, fields = {}) => emit(level, event, redactSecrets(fields)),
  };
}
