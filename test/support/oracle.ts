/**
 * The independent oracle of the fault suite and the end-to-end test: what Silver and Gold must hold, computed straight from the
 * trades the fake server wrote (no SDK operator involved), and the comparison that counts lost,
 * duplicated and wrong rows.
 */

/** A trade as the oracle sees it; `seq` is the order the fake server wrote it in (tie-break). */
export interface OTrade {
  symbol: string;
  price: number;
  size: number;
  ts: number;
  seq: number;
}

/** A bar as the oracle computes it. */
export interface OBar {
  symbol: string;
  start: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  count: number;
  vwap: number;
}

/** Identity of a print by value (distinct prints with equal values are counted, not merged). */
export const printKey = (t: { symbol: string; ts: number; price: number; size: number }): string => `${t.symbol}|${t.ts}|${t.price}|${t.size}`;

/** Counts of each print key. */
export function multiset<T extends { symbol: string; ts: number; price: number; size: number }>(rows: readonly T[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const r of rows) m.set(printKey(r), (m.get(printKey(r)) ?? 0) + 1);
  return m;
}

/** Lost = expected prints missing from `got`; duplicated = prints in `got` beyond their expected count. */
export function compareMultisets(expected: Map<string, number>, got: Map<string, number>): { lost: number; duplicated: number; lostKeys: string[]; extraKeys: string[] } {
  let lost = 0;
  let duplicated = 0;
  const lostKeys: string[] = [];
  const extraKeys: string[] = [];
  for (const [k, n] of expected) {
    const g = got.get(k) ?? 0;
    if (g < n) {
      lost += n - g;
      lostKeys.push(k);
    }
  }
  for (const [k, g] of got) {
    const n = expected.get(k) ?? 0;
    if (g > n) {
      duplicated += g - n;
      extraKeys.push(k);
    }
  }
  return { lost, duplicated, lostKeys, extraKeys };
}

/** Tumbling bars of `sizeMs` per symbol, aligned to the epoch; key `symbol|start`. */
export function oracleBars(trades: readonly OTrade[], sizeMs: number): Map<string, OBar> {
  const groups = new Map<string, OTrade[]>();
  for (const t of trades) {
    const start = Math.floor(t.ts / sizeMs) * sizeMs;
    const key = `${t.symbol}|${start}`;
    const g = groups.get(key);
    if (g) g.push(t);
    else groups.set(key, [t]);
  }
  const out = new Map<string, OBar>();
  for (const [key, g] of groups) {
    const sorted = [...g].sort((a, b) => a.ts - b.ts || a.seq - b.seq);
    let volume = 0;
    let pv = 0;
    let high = -Infinity;
    let low = Infinity;
    for (const t of g) {
      volume += t.size;
      pv += t.price * t.size;
      high = Math.max(high, t.price);
      low = Math.min(low, t.price);
    }
    const first = sorted[0] as OTrade;
    const last = sorted[sorted.length - 1] as OTrade;
    out.set(key, { symbol: first.symbol, start: Math.floor(first.ts / sizeMs) * sizeMs, open: first.price, close: last.price, high, low, volume, count: g.length, vwap: pv / volume });
  }
  return out;
}

/** A stored bar, as read back from Cassandra. */
export interface StoredBar {
  symbol: string;
  start: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  count: number;
  vwap: number;
}

const close = (a: number, b: number) => Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(a), Math.abs(b));

/** Bars that differ from the oracle, are missing, or should not exist; with a description of each. */
export function wrongBars(expected: Map<string, OBar>, got: readonly StoredBar[]): string[] {
  const wrong: string[] = [];
  const seen = new Set<string>();
  for (const b of got) {
    const key = `${b.symbol}|${b.start}`;
    seen.add(key);
    const w = expected.get(key);
    if (!w) {
      wrong.push(`unexpected bar ${key}`);
      continue;
    }
    const ok = b.open === w.open && b.high === w.high && b.low === w.low && b.close === w.close && b.count === w.count && close(b.volume, w.volume) && close(b.vwap, w.vwap);
    if (!ok) wrong.push(`${key}: got o${b.open} h${b.high} l${b.low} c${b.close} n${b.count} v${b.volume}, want o${w.open} h${w.high} l${w.low} c${w.close} n${w.count} v${w.volume}`);
  }
  for (const key of expected.keys()) if (!seen.has(key)) wrong.push(`missing bar ${key}`);
  return wrong;
}
