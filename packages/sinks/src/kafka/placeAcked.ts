import type { KafkaAckMeta } from './KafkaAckMeta.js';
import type { KafkaDeliveryReport, KafkaOutgoingMessage } from './KafkaProducerAdapter.js';

const OFFSET = /^\d+$/;

/**
 * Writes each acknowledged entry's `partition` and `offset` into its meta from the adapter's
 * reports: `batch[r.indexes[j]]` is at `r.baseOffset + j` of `r.partition`. Reports without
 * `indexes`, with an unusable base offset, or whose indexes point outside the batch or at another
 * topic's message place nothing (those acks carry topic and key only).
 *
 * @param batch - the entries sent, in the order handed to the adapter
 * @param reports - what the adapter resolved with
 * @returns how many entries were placed
 * @internal
 */
export function placeAcked(batch: readonly { message: KafkaOutgoingMessage; meta: KafkaAckMeta }[], reports: unknown): number {
  if (!Array.isArray(reports)) return 0;
  let placed = 0;
  for (const r of reports as KafkaDeliveryReport[]) {
    const indexes = r?.indexes;
    if (!indexes || typeof r.baseOffset !== 'string' || !OFFSET.test(r.baseOffset)) continue;
    const small = Number(r.baseOffset);
    const big = Number.isSafeInteger(small + indexes.length) ? undefined : BigInt(r.baseOffset);
    for (let j = 0; j < indexes.length; j++) {
      const e = batch[indexes[j] as number];
      if (!e || e.message.topic !== r.topic || e.meta.offset !== undefined) continue;
      e.meta.partition = r.partition;
      e.meta.offset = big === undefined ? String(small + j) : String(big + BigInt(j));
      placed++;
    }
  }
  return placed;
}
