import type { OccurrenceCounter } from './normaliseFinnhubTrade.js';

/**
 * An {@link OccurrenceCounter} that remembers, per symbol, the prints of its most recent `maxTimestamps`
 * distinct timestamps. Identical prints (same `s, t, p, v`) arrive together in time order, so this
 * keeps counting across frame boundaries with O(symbols) memory and no string keys. Internal.
 */
export function createOccurrenceCounter(maxTimestamps = 8): OccurrenceCounter {
  // per symbol: ts[i] is a recent timestamp; groups[i] is [p, v, count, p, v, count, …] for it
  const bySymbol = new Map<string, { ts: number[]; groups: number[][]; next: number }>();
  return {
    next(s, t, p, v) {
      let st = bySymbol.get(s);
      if (st === undefined) {
        st = { ts: [], groups: [], next: 0 };
        bySymbol.set(s, st);
      }
      const ts = st.ts;
      let g: number[] | undefined;
      for (let i = ts.length - 1; i >= 0; i--) {
        if (ts[i] === t) {
          g = st.groups[i];
          break;
        }
      }
      if (g === undefined) {
        const slot = ts.length < maxTimestamps ? ts.length : st.next;
        st.next = (slot + 1) % maxTimestamps;
        ts[slot] = t;
        g = st.groups[slot];
        if (g === undefined) st.groups[slot] = g = [];
        else g.length = 0;
        g.push(p, v, 1);
        return 0;
      }
      for (let j = 0; j < g.length; j += 3) {
        if (g[j] === p && g[j + 1] === v) {
          const n = g[j + 2] as number;
          g[j + 2] = n + 1;
          return n;
        }
      }
      g.push(p, v, 1);
      return 0;
    },
  };
}
