import type { Bar } from '@tickflow/core';

/** A bar as the store keeps it: final, or provisional (the window is still open). */
export type StoredBar = Bar & { final: boolean };

/** Query of {@link BarStore.bars}. */
export interface BarQuery {
  symbol?: string;
  interval?: string;
  /** Only bars starting at or after this (epoch ms). */
  from?: number;
  /** At most this many of the newest bars per (symbol, interval). */
  limit?: number;
}

/** Called with every bar stored (the live chart page streams these). */
export type BarListener = (bar: StoredBar) => void;

/**
 * The demo's in-memory bar store: the newest bars per (symbol, interval), provisional ones replaced
 * by later revisions and by the final bar of the same window (same key = replace, as in Cassandra).
 * It is the read side the live chart page and `/api/bars` serve.
 *
 * @example
 * ```ts
 * const store = new BarStore({ maxPerSeries: 500 });
 * store.upsert({ symbol: 'AAPL', interval: '5m', start: 0, end: 300_000, open: 1, high: 2, low: 1, close: 2, volume: 10, count: 2, vwap: 1.5 }, true);
 * store.bars({ symbol: 'AAPL', interval: '5m' }).length; // 1
 * ```
 */
export class BarStore {
  readonly #max: number;
  readonly #series = new Map<string, Map<number, StoredBar>>();
  readonly #listeners = new Set<BarListener>();

  /** @param options - `maxPerSeries`: bars kept per (symbol, interval), oldest dropped first (default 1000) */
  constructor(options: { maxPerSeries?: number } = {}) {
    this.#max = options.maxPerSeries ?? 1000;
  }

  /**
   * Inserts or replaces the bar with the same (symbol, interval, start).
   * @param bar - the bar
   * @param final - false for a provisional bar of an open window
   */
  upsert(bar: Bar, final: boolean): void {
    const key = `${bar.symbol}|${bar.interval}`;
    let s = this.#series.get(key);
    if (s === undefined) this.#series.set(key, (s = new Map()));
    const prev = s.get(bar.start);
    if (prev?.final && !final) return; // a late provisional never hides a final bar
    const stored: StoredBar = { symbol: bar.symbol, interval: bar.interval, start: bar.start, end: bar.end, open: bar.open, high: bar.high, low: bar.low, close: bar.close, volume: bar.volume, count: bar.count, vwap: bar.vwap, final };
    if (prev === undefined && s.size > 0 && bar.start < Math.max(...s.keys())) {
      // out-of-order insert: rebuild in start order
      const all = [...s.values(), stored].sort((a, b) => a.start - b.start);
      s.clear();
      for (const b of all) s.set(b.start, b);
    } else {
      s.set(bar.start, stored);
    }
    while (s.size > this.#max) s.delete(s.keys().next().value as number);
    for (const l of this.#listeners) l(stored);
  }

  /**
   * Bars matching the query, oldest first.
   * @param q - symbol, interval, from, limit
   * @returns the bars
   */
  bars(q: BarQuery = {}): StoredBar[] {
    const out: StoredBar[] = [];
    for (const [key, s] of this.#series) {
      const [symbol, interval] = key.split('|') as [string, string];
      if ((q.symbol !== undefined && q.symbol !== symbol) || (q.interval !== undefined && q.interval !== interval)) continue;
      let list = [...s.values()];
      if (q.from !== undefined) list = list.filter((b) => b.start >= (q.from as number));
      if (q.limit !== undefined) list = list.slice(-q.limit);
      out.push(...list);
    }
    return out;
  }

  /** The newest bar of a series, if any. */
  latest(symbol: string, interval: string): StoredBar | undefined {
    const s = this.#series.get(`${symbol}|${interval}`);
    if (!s || s.size === 0) return undefined;
    let last: StoredBar | undefined;
    for (const b of s.values()) last = b;
    return last;
  }

  /** Symbols with at least one bar, sorted. */
  symbols(): string[] {
    return [...new Set([...this.#series.keys()].map((k) => k.split('|')[0] as string))].sort();
  }

  /** Number of final bars per interval. */
  finalCounts(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [key, s] of this.#series) {
      const interval = key.split('|')[1] as string;
      for (const b of s.values()) if (b.final) out[interval] = (out[interval] ?? 0) + 1;
    }
    return out;
  }

  /**
   * Calls `listener` with every bar stored from now on.
   * @param listener - the callback
   * @returns a function that unsubscribes
   */
  subscribe(listener: BarListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}
