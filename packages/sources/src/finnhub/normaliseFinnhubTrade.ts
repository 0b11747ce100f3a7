import type { Trade } from '@tickflow/core';

/** Occurrence counts by content key (`s|t|p|v`); a `Map<string, number>` is one. */
export interface OccurrenceCounter {
  get(key: string): number | undefined;
  set(key: string, count: number): unknown;
}

/**
 * Turns one element of a Finnhub `{"type":"trade","data":[…]}` frame (`{s, p, t, v, c}`) into a
 * {@link Trade} with `source: 'finnhub'`, or returns the reason it cannot.
 *
 * Only the shape is checked here (`s` a non-empty string, `p`/`t`/`v` finite numbers); business
 * rules such as `size > 0` are left to the `validate` operator, so `v = 0` price updates pass.
 * `c` becomes `conditions` when it is an array (its entries as strings); `null` or missing `c`
 * leaves `conditions` out.
 *
 * The `id` is `s|t|p|v|n`, where `n` counts earlier elements of the same frame with the same
 * `s, t, p, v` (pass one `seen` map per frame). Distinct prints with identical values in one frame
 * get distinct ids, while a redelivered copy of a frame yields exactly the same ids, so `dedupe`
 * drops the copy and keeps the real prints (see docs/adr/0020-finnhub-trade-ids.md).
 *
 * @param raw - one element of `data`
 * @param receivedAt - wall-clock ms when the frame arrived
 * @param seen - occurrence counts by `s|t|p|v`, e.g. a `Map` per frame (omit for a frame of one trade)
 * @returns the trade, or a string reason (`field: what is wrong`) when the element is malformed
 * @example
 * ```ts
 * import { normaliseFinnhubTrade } from '@tickflow/sources/finnhub';
 * const t = normaliseFinnhubTrade({ s: 'AAPL', p: 189.5, t: 1700000000000, v: 10, c: ['1'] }, Date.now());
 * if (typeof t === 'string') console.error(t);
 * ```
 */
export function normaliseFinnhubTrade(raw: unknown, receivedAt: number, seen?: OccurrenceCounter): Trade | string {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return `trade: expected an object, got ${describe(raw)}`;
  const r = raw as { s?: unknown; p?: unknown; t?: unknown; v?: unknown; c?: unknown };
  const s = r.s;
  const p = r.p;
  const t = r.t;
  const v = r.v;
  if (typeof s !== 'string' || s.length === 0) return `s: symbol must be a non-empty string, got ${describe(s)}`;
  if (typeof p !== 'number' || !Number.isFinite(p)) return `p: price must be a finite number, got ${describe(p)}`;
  if (typeof t !== 'number' || !Number.isFinite(t)) return `t: timestamp must be a finite number of epoch ms, got ${describe(t)}`;
  if (typeof v !== 'number' || !Number.isFinite(v)) return `v: volume must be a finite number, got ${describe(v)}`;
  const key = s + '|' + t + '|' + p + '|' + v;
  let n = 0;
  if (seen !== undefined) {
    const prev = seen.get(key);
    n = prev === undefined ? 0 : prev;
    seen.set(key, n + 1);
  }
  const c = r.c;
  if (Array.isArray(c)) {
    const conditions = new Array<string>(c.length);
    for (let i = 0; i < c.length; i++) {
      const x = c[i];
      conditions[i] = typeof x === 'string' ? x : String(x);
    }
    return { symbol: s, price: p, size: v, ts: t, id: key + '|' + n, conditions, source: 'finnhub', receivedAt };
  }
  return { symbol: s, price: p, size: v, ts: t, id: key + '|' + n, source: 'finnhub', receivedAt };
}

function describe(x: unknown): string {
  if (x === undefined) return 'nothing';
  let s: string;
  try {
    s = JSON.stringify(x) ?? String(x);
  } catch {
    s = String(x);
  }
  return s.length > 60 ? s.slice(0, 57) + '...' : s;
}
