import type { KafkaOutgoingMessage } from './KafkaProducerAdapter.js';
import type { SinkMetrics } from './sinkMetrics.js';

/**
 * Counts an acknowledged batch: records and value bytes per topic (runs of one topic are summed
 * first, so a batch costs a few metric calls, not one per record).
 *
 * @param m - the sink's metrics
 * @param batch - the acknowledged entries
 * @internal
 */
export function countAcked(m: SinkMetrics, batch: readonly { message: KafkaOutgoingMessage }[]): void {
  let topic = '';
  let n = 0;
  let bytes = 0;
  for (const e of batch) {
    if (e.message.topic !== topic) {
      if (n > 0) {
        m.records.inc(n, { topic });
        m.bytes.inc(bytes, { topic });
      }
      topic = e.message.topic;
      n = 0;
      bytes = 0;
    }
    n++;
    bytes += e.message.value?.length ?? 0;
  }
  if (n > 0) {
    m.records.inc(n, { topic });
    m.bytes.inc(bytes, { topic });
  }
}
