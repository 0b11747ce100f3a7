import type { RedisFieldValue } from './RedisSinkOptions.js';

/**
 * The default record → fields mapping of the Redis sinks: every own property whose value is
 * defined; strings and numbers as they are, booleans as `true`/`false`, anything else as JSON.
 *
 * @param record - the record
 * @returns field → value, in property order
 */
export function toRedisFields(record: unknown): Record<string, RedisFieldValue> {
  const out: Record<string, RedisFieldValue> = {};
  if (typeof record !== 'object' || record === null) {
    out.value = typeof record === 'number' ? record : String(record);
    return out;
  }
  for (const k in record) {
    const v = (record as Record<string, unknown>)[k];
    if (v === undefined || v === null) continue;
    out[k] = typeof v === 'string' || typeof v === 'number' ? v : typeof v === 'boolean' ? String(v) : JSON.stringify(v);
  }
  return out;
}
