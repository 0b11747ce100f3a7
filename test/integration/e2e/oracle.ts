/** An independent oracle for the end-to-end test: bars computed straight from the sent trades. */
export interface OracleTrade {
  symbol: string;
  price: number;
  size: number;
  ts: number;
  /** Order in which the trade was sent (ties in ts: first sent opens, last sent closes). */
  seq: number;
}

export interface OracleBar {
  symbol: string;
  interval: string;
  start: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  count: number;
  vwap: number;
}

/** Tumbling bars of `sizeMs` per symbol, aligned to the epoch. */
export function oracleBars(trades: readonly OracleTrade[], sizeMs: number, interval: string): Map<string, OracleBar> {
  const groups = new Map<string, OracleTrade[]>();
  for (const t of trades) {
    const start = t.ts - (t.ts % sizeMs);
    const key = `${t.symbol}|${start}`;
    const g = groups.get(key);
    if (g) g.push(t);
    else groups.set(key, [t]);
  }
  const out = new Map<string, OracleBar>();
  for (const [key, g] of groups) {
    const sorted = [...g].sort((a, b) => a.ts - b.ts || a.seq - b.seq);
    let volume = 0;
    let pv = 0;
    for (const t of g) {
      volume += t.size;
      pv += t.price * t.size;
    }
    out.set(key, {
      symbol: g[0]!.symbol,
      interval,
      start: Number(key.slice(key.lastIndexOf('|') + 1)),
      open: sorted[0]!.price,
      close: sorted[sorted.length - 1]!.price,
      high: Math.max(...g.map((t) => t.price)),
      low: Math.min(...g.map((t) => t.price)),
      volume,
      count: g.length,
      vwap: pv / volume,
    });
  }
  return out;
}
