import type avro from 'avsc';

/**
 * Turns a plain record into the shape an avsc record type expects: every field the schema knows
 * is present, with `null` for absent optional ones; unknown keys are left out.
 *
 * @param type - an avsc record type (e.g. `avroTypes.trade`)
 * @param value - the record, usually a zod-validated `Trade`, `Quote` or `Bar`
 * @returns a new object ready for `type.toBuffer`
 * @example
 * ```ts
 * import { avroTypes, toAvroRecord } from '@tickflow/core';
 * avroTypes.trade.toBuffer(toAvroRecord(avroTypes.trade, { symbol: 'AAPL', price: 1, size: 1, ts: 0 }));
 * ```
 */
export function toAvroRecord(type: avro.Type, value: object): Record<string, unknown> {
  const fields = (type as unknown as { fields?: { name: string }[] }).fields ?? [];
  const src = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    const v = src[f.name];
    out[f.name] = v === undefined ? null : v;
  }
  return out;
}
