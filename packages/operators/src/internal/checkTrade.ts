import type { Trade } from '@tickflow/core';

/**
 * Hand-written equivalent of core's `TradeSchema` for the validate hot path: returns the parsed
 * trade (a new object with only the schema's keys, like zod's strip mode) or `undefined` when
 * the input does not conform. A property test proves it agrees with `TradeSchema.safeParse`.
 * On `undefined` the caller asks zod for the reason text.
 *
 * @internal
 */
export function checkTrade(input: unknown, allowZeroSize: boolean): Trade | undefined {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return undefined;
  const r = input as Record<string, unknown>;
  const symbol = r.symbol;
  const price = r.price;
  const size = r.size;
  const ts = r.ts;
  if (typeof symbol !== 'string' || symbol.length === 0) return undefined;
  if (typeof price !== 'number' || !(price > 0) || price === Infinity) return undefined;
  if (typeof size !== 'number' || size === Infinity || Number.isNaN(size)) return undefined;
  if (allowZeroSize ? size < 0 : !(size > 0)) return undefined;
  if (typeof ts !== 'number' || !Number.isSafeInteger(ts) || ts < 0) return undefined;
  const out: Trade = { symbol, price, size, ts };
  const id = r.id;
  if (id !== undefined) {
    if (typeof id !== 'string' || id.length === 0) return undefined;
    out.id = id;
  }
  const conditions = r.conditions;
  if (conditions !== undefined) {
    if (!Array.isArray(conditions)) return undefined;
    for (let i = 0; i < conditions.length; i++) if (typeof conditions[i] !== 'string') return undefined;
    out.conditions = conditions.slice() as string[];
  }
  const source = r.source;
  if (source !== undefined) {
    if (typeof source !== 'string') return undefined;
    out.source = source;
  }
  const receivedAt = r.receivedAt;
  if (receivedAt !== undefined) {
    if (typeof receivedAt !== 'number' || !Number.isSafeInteger(receivedAt) || receivedAt < 0) return undefined;
    out.receivedAt = receivedAt;
  }
  return out;
}
