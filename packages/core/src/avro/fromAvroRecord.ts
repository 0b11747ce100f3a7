/**
 * Turns a decoded Avro record back into the zod shape: `null` optional fields are removed and
 * avsc's record class instance becomes a plain object.
 *
 * @param value - the value returned by `type.fromBuffer` / a deserializer
 * @returns a plain object without `null` fields
 * @example
 * ```ts
 * import { fromAvroRecord } from '@tickflow/core';
 * fromAvroRecord({ symbol: 'AAPL', id: null }); // { symbol: 'AAPL' }
 * ```
 */
export function fromAvroRecord<T = Record<string, unknown>>(value: unknown): T {
  const out: Record<string, unknown> = {};
  const record = value as Record<string, unknown>;
  // Object.keys, not entries: one array per record instead of one per field (a decode hot path)
  const keys = Object.keys(record);
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i] as string;
    const v = record[k];
    if (v !== null && v !== undefined) out[k] = v;
  }
  return out as T;
}
