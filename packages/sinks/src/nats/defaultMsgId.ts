/**
 * The default de-duplication id of a record: its `id`; else `symbol|ts` (trades, quotes);
 * else `symbol|interval|start` (bars); else none.
 *
 * @param record - any record
 * @returns the id, or undefined when the record has none of those fields
 */
export function defaultMsgId(record: unknown): string | undefined {
  if (typeof record !== 'object' || record === null) return undefined;
  const r = record as Record<string, unknown>;
  if (typeof r.id === 'string' && r.id !== '') return r.id;
  if (typeof r.symbol === 'string' && typeof r.ts === 'number') return `${r.symbol}|${r.ts}`;
  if (typeof r.symbol === 'string' && typeof r.interval === 'string' && typeof r.start === 'number') {
    return `${r.symbol}|${r.interval}|${r.start}`;
  }
  return undefined;
}
