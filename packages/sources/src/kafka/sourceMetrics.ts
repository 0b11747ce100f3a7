import { type Instrumentation, noopInstrumentation } from '@tickflow/core';

/**
 * The source's metrics (names get the instrumentation's prefix, e.g.
 * `tickflow_kafka_source_records_total`).
 *
 * @param instrumentation - where metrics go
 * @returns the metric handles
 * @internal
 */
export function sourceMetrics(instrumentation: Instrumentation = noopInstrumentation) {
  const i = instrumentation;
  return {
    i,
    records: i.counter('kafka_source_records_total', { help: 'records delivered downstream', labelNames: ['topic'] }),
    bytes: i.counter('kafka_source_bytes_total', { help: 'value bytes read', labelNames: ['topic'] }),
    invalid: i.counter('kafka_source_invalid_total', { help: 'messages that could not be decoded', labelNames: ['topic'] }),
    errors: i.counter('kafka_source_errors_total', { help: 'failed commits and fatal errors', labelNames: ['kind'] }),
    commits: i.counter('kafka_source_commits_total', { help: 'offset commits' }),
    pauses: i.counter('kafka_source_pauses_total', { help: 'times the consumer paused for backpressure' }),
    lag: i.gauge('kafka_source_lag', { help: 'messages behind the partition high watermark', labelNames: ['topic', 'partition'] }),
    unacked: i.gauge('kafka_source_unacked', { help: 'records delivered and not yet acknowledged' }),
  };
}
