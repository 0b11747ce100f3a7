import { type Instrumentation, noopInstrumentation } from '@tickflow/core';

/**
 * The sink's metrics, created once per sink (names get the instrumentation's prefix, e.g.
 * `tickflow_kafka_sink_records_total`).
 *
 * @param instrumentation - where metrics go
 * @returns the metric handles
 * @internal
 */
export function sinkMetrics(instrumentation: Instrumentation = noopInstrumentation) {
  const i = instrumentation;
  return {
    i,
    records: i.counter('kafka_sink_records_total', { help: 'records acknowledged by the broker', labelNames: ['topic'] }),
    bytes: i.counter('kafka_sink_bytes_total', { help: 'value bytes acknowledged by the broker', labelNames: ['topic'] }),
    errors: i.counter('kafka_sink_errors_total', { help: 'failed send attempts and fatal errors', labelNames: ['kind'] }),
    retries: i.counter('kafka_sink_retries_total', { help: 'send retries after retriable errors' }),
    deadLetters: i.counter('kafka_sink_dead_letters_total', { help: 'records that could never be written', labelNames: ['kind'] }),
    batchLatency: i.histogram('kafka_sink_batch_latency_ms', {
      help: 'time from batch send to broker acknowledgement, ms',
      buckets: [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 5000, 30000],
    }),
    buffered: i.gauge('kafka_sink_buffered', { help: 'records held by the sink (batching or in flight)' }),
  };
}

/** @internal */
export type SinkMetrics = ReturnType<typeof sinkMetrics>;
