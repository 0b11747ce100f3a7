import type { Kafka } from 'kafkajs';

/**
 * True when `value` looks like a kafkajs `Kafka` instance (has `producer()` and `admin()`).
 *
 * @param value - a `Kafka`, a `Producer` or an adapter
 * @returns whether it is a `Kafka`
 * @internal
 */
export function isKafka(value: unknown): value is Kafka {
  const v = value as Partial<Kafka> | null;
  return typeof v === 'object' && v !== null && typeof v.producer === 'function' && typeof v.admin === 'function';
}
