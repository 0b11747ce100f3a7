import type { InvalidRecord } from '@tickflow/core';

/** What the dead-letter topic holds for one rejected record (JSON value, reason also in headers). */
export interface DeadLetterRecord {
  reason: string;
  field: string | undefined;
  stage: string;
  /** The input as JSON text (non-JSON values such as NaN are written as strings). */
  input: string;
  at: number;
  /** Symbol of the input when it has one (the message key). */
  symbol: string | undefined;
}

/**
 * Turns a rejection into the dead-letter record the app writes.
 * @param r - the rejection from validate or a source
 * @param stage - `produce` or `process`
 * @param now - wall clock (ms)
 * @returns the record
 * @example
 * ```ts
 * deadLetterRecord({ reason: 'price: must be > 0', input: { price: -1 } }, 'produce', Date.now());
 * ```
 */
export function deadLetterRecord(r: InvalidRecord, stage: string, now: number): DeadLetterRecord {
  const input = r.input;
  const symbol = input !== null && typeof input === 'object' && typeof (input as { symbol?: unknown }).symbol === 'string' ? (input as { symbol: string }).symbol : undefined;
  let text: string;
  try {
    text = typeof input === 'string' ? input : JSON.stringify(input, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v)) ?? String(input);
  } catch {
    text = String(input);
  }
  return { reason: r.reason, field: r.field, stage, input: text, at: now, symbol };
}
