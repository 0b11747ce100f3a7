import type { KafkaDeliveryReport } from './KafkaProducerAdapter.js';
import { partitionChoice, type TrackedMessage } from './partitionChoice.js';

const OFFSET = /^\d+$/;

/**
 * Sets `indexes` on one topic's reports of a kafkajs send, when the partition of each of its
 * messages is known for sure:
 * - every message was placed by a {@link trackingPartitioner} (one choice each) and the chosen
 *   partitions are exactly the reported ones: each partition's messages, in batch order;
 * - untracked (or moved between kafkajs's internal retries), when kafkajs reported one partition
 *   for the topic: all its messages went there.
 *
 * Otherwise (tracked partitions that disagree with the reports, an unknown base offset, an
 * untracked topic spread over several partitions) the reports stay without `indexes`.
 *
 * @param reports - the topic's reports (mutated)
 * @param messages - the topic's messages as handed to kafkajs, in order
 * @param at - each message's position in the sink's batch
 * @internal
 */
export function placeTopic(reports: KafkaDeliveryReport[], messages: readonly TrackedMessage[], at: readonly number[]): void {
  for (const r of reports) if (!OFFSET.test(r.baseOffset)) return;
  let perPartition: Map<number, number[]> | null = new Map();
  for (let i = 0; i < messages.length; i++) {
    const p = (messages[i] as TrackedMessage)[partitionChoice];
    if (p === undefined || p < 0) {
      perPartition = null;
      break;
    }
    let list = perPartition.get(p);
    if (!list) perPartition.set(p, (list = []));
    list.push(at[i] as number);
  }
  if (perPartition) {
    // Tracked, but not what kafkajs reported (should not happen): better no offsets than wrong ones.
    if (perPartition.size !== reports.length || !reports.every((r) => perPartition.has(r.partition))) return;
    for (const r of reports) r.indexes = perPartition.get(r.partition) as number[];
    return;
  }
  if (reports.length === 1) (reports[0] as KafkaDeliveryReport).indexes = at;
}
