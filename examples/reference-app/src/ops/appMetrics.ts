import type { Counter, Gauge, Histogram, Instrumentation } from '@tickflow/core';

/** The reference app's own metrics (the SDK parts add theirs: kafka_*, cassandra_*, finnhub_*, …). */
export interface AppMetrics {
  /** Trades read from the source, by stage (`produce`, `process`, `demo`) and symbol: messages/s = rate(). */
  ingested: Counter;
  /** Records rejected by validation, by stage, symbol (`other` when unknown) and field. */
  invalid: Counter;
  /** Records sent to the dead-letter topic, by stage. */
  deadLettered: Counter;
  /** Trades dropped as duplicates, by stage. */
  duplicates: Counter;
  /** Late trades (their window had closed), by stage and symbol. */
  late: Counter;
  /** Bars written (or printed in --dry-run), by interval. */
  bars: Counter;
  /** Seconds from a write's start to its acknowledgement, by target (`kafka`, `trades_bronze`, …). */
  writeLatency: Histogram;
  /** Event time (s) of the newest trade per symbol: freshness = time() − this. */
  lastEventTime: Gauge;
  /** Committed offset per topic/partition (process). */
  committedOffset: Gauge;
  /** Windows of the replay unit (5m by default, ADR 0105) whose records are held uncommitted (process). */
  openWindows: Gauge;
  /** Offset of the newest record Kafka acknowledged to the producer, per topic/partition (produce). */
  producedOffset: Gauge;
}

/**
 * Creates the app metrics once, at start-up (labels: low cardinality only).
 *
 * @param inst - where they go (prometheusInstrumentation for /metrics)
 * @returns the metrics
 * @example
 * ```ts
 * import { memoryInstrumentation } from '@tickflow/core';
 * const m = appMetrics(memoryInstrumentation());
 * m.ingested.inc(1, { stage: 'demo', symbol: 'AAPL' });
 * ```
 */
export function appMetrics(inst: Instrumentation): AppMetrics {
  return {
    ingested: inst.counter('trades_ingested_total', { help: 'Trades read from the source', labelNames: ['stage', 'symbol'] }),
    invalid: inst.counter('trades_rejected_total', { help: 'Records rejected by validation', labelNames: ['stage', 'symbol', 'field'] }),
    deadLettered: inst.counter('dead_letters_total', { help: 'Records sent to the dead-letter topic', labelNames: ['stage'] }),
    duplicates: inst.counter('trades_duplicate_total', { help: 'Trades dropped as duplicates', labelNames: ['stage'] }),
    late: inst.counter('trades_late_by_symbol_total', { help: 'Trades that arrived after their window closed', labelNames: ['stage', 'symbol'] }),
    bars: inst.counter('bars_written_total', { help: 'Bars written (printed in --dry-run)', labelNames: ['stage', 'interval'] }),
    writeLatency: inst.histogram('write_latency_seconds', {
      help: 'Seconds from write to acknowledgement',
      labelNames: ['target'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    }),
    lastEventTime: inst.gauge('last_event_time_seconds', { help: 'Event time of the newest trade per symbol', labelNames: ['symbol'] }),
    committedOffset: inst.gauge('committed_offset', { help: 'Offset committed per partition', labelNames: ['topic', 'partition'] }),
    openWindows: inst.gauge('open_windows', { help: 'Windows of the replay unit (5m, or 1h) whose records are held uncommitted' }),
    producedOffset: inst.gauge('produced_offset', { help: 'Offset of the newest record Kafka acknowledged to the producer', labelNames: ['topic', 'partition'] }),
  };
}
