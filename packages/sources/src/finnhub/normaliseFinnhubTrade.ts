import type { Trade } from '@tickflow/core';

/**
 * Counts prints with identical `s, t, p, v`: `next` returns how many were seen before (0 for the
 * first) and records this one. Use one per frame, or one per stream to count across frames.
 *
 * @example
 * ```ts
 * import { type OccurrenceCounter, normaliseFinnhubTrade } from '@tickflow/sources/finnhub';
 * const counts = new Map<string, number>();
 * const seen: OccurrenceCounter = {
 *   next(symbol, t, p, v) {
 *     const key = `${symbol}|${t}|${p}|${v}`;
 *     const n = counts.get(key) ?? 0;
 *     counts.set(key, n + 1);
 *     return n;
 *   },
 * };
 * const raw = { s: 'AAPL', p: 190.1, t: 1704207600000, v: 5 };
 * normaliseFinnhubTrade(raw, Date.now(), seen); // id 'AAPL|1704207600000|190.1|5|0'
 * normaliseFinnhubTrade(raw, Date.now(), seen); // id 'AAPL|1704207600000|190.1|5|1'
 * ```
 */
export interface OccurrenceCounter {
  next(symbol: string, t: number, p: number, v: number): number;
}

/**
 * Turns one element of a Finnhub `{"type":"trade","data":[…]}` frame (`{s, p, t, v, c}`) into a
 * `Trade` with `source: 'finnhub'`, or returns the reason it cannot.
 *
 * Only the shape is checked here (`s` a non-empty string, `p`/`t`/`v` finite numbers); business
 * rules such as `size > 0` are left to the `validate` operator, so `v = 0` price updates pass.
 * `c` becomes `conditions` when it is an array (the parsed array itself when it holds only strings, so pass a fresh object); `null` or missing `c`
 * leaves `conditions` out.
 *
 * The `id` is `s|t|p|v|n`, where `n` counts earlier elements of the same frame with the same
 * `s, t, p, v` (pass one `seen` map per frame). Distinct prints with identical values in one frame
 * get distinct ids, while a redelivered copy of a frame yields exactly the same ids, so `dedupe`
 * drops the copy and keeps the real prints (see docs/adr/0020-finnhub-trade-ids.md).
 *
 * @param raw - one element of `data`
 * @param receivedAt - wall-clock ms when the frame arrived
 * @param seen - the occurrence counter (one per frame, or per stream); omit for a lone trade
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
  const n = seen === undefined ? 0 : seen.next(s, t, p, v);
  const id = s + '|' + t + '|' + p + '|' + v + '|' + n;
  const c = r.c;
  if (Array.isArray(c)) {
    let conditions: string[] = c;
    for (let i = 0; i < c.length; i++) {
      if (typeof c[i] !== 'string') {
        conditions = c.map(conditionText);
        break;
      }
    }
    return { symbol: s, price: p, size: v, ts: t, id, conditions, source: 'finnhub', receivedAt };
  }
  return { symbol: s, price: p, size: v, ts: t, id, source: 'finnhub', receivedAt };
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

/** A condition as text: strings as they are, anything else (numbers, …) as its JSON. */
function conditionText(x: unknown): string {
  return typeof x === 'string' ? x : (JSON.stringify(x) ?? 'null');
}
