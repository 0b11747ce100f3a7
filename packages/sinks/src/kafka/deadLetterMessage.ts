import type { KafkaOutgoingMessage } from './KafkaProducerAdapter.js';
import type { KafkaDeadLetter } from './KafkaSinkOptions.js';

/**
 * Builds the dead-letter message for a record: the value is the record as JSON (or `null` when
 * even that is over `maxBytes`), the reason and origin are in `x-tickflow-*` headers.
 *
 * @param dlqTopic - the dead-letter topic
 * @param dead - the record and why it could not be written
 * @param key - the key it would have had
 * @param format - the encoder's format name
 * @param nowMs - the time of failure
 * @param maxBytes - the largest value to put on the dead-letter topic
 * @returns the message
 * @internal
 */
export function deadLetterMessage(
  dlqTopic: string,
  dead: KafkaDeadLetter,
  key: string | null,
  format: string,
  nowMs: number,
  maxBytes: number,
): KafkaOutgoingMessage {
  let value: Buffer | null = Buffer.from(safeJson(dead.input), 'utf8');
  const headers: Record<string, string> = {
    'x-tickflow-reason': dead.reason.slice(0, 1000),
    'x-tickflow-kind': dead.kind,
    'x-tickflow-original-topic': dead.topic,
    'x-tickflow-format': format,
    'x-tickflow-failed-at': new Date(nowMs).toISOString(),
    'content-type': 'application/json',
  };
  if (value.length > maxBytes) {
    headers['x-tickflow-value-bytes'] = String(value.length);
    value = null;
  }
  return { topic: dlqTopic, key, value, headers };
}

function safeJson(input: unknown): string {
  try {
    const s = JSON.stringify(input, (_k, v) => (typeof v === 'bigint' ? v.toString() : v));
    return s === undefined ? 'null' : s;
  } catch {
    return JSON.stringify(String(input));
  }
}
