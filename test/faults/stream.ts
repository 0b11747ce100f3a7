/**
 * The seeded input of a fault run: trades of a few symbols over three hours of event time, in
 * Finnhub frames, with redelivered frames, same-value distinct prints, invalid records and very
 * late trades — and which of them the oracle expects where.
 */
import type { FakeFinnhubTrade } from '@tickflow/sources/testing';

/** One frame to publish and how many times the fake server writes it (2 = a Finnhub redelivery). */
export interface StreamFrame {
  trades: FakeFinnhubTrade[];
  copies: number;
}

/** The whole seeded stream. */
export interface FaultStream {
  symbols: string[];
  frames: StreamFrame[];
  /** Prints that are invalid (dead-lettered by the producer), as `symbol|ts|price|size`. */
  invalid: Set<string>;
  /** Valid prints that arrive after their window closed (in Silver, in no bar). */
  late: Set<string>;
  /** Event-time range of the stream. */
  from: number;
  to: number;
}

/** mulberry32: a tiny seeded PRNG, independent of the SDK's. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const H = 3_600_000;
const key = (t: FakeFinnhubTrade) => `${t.s}|${t.t}|${t.p}|${t.v}`;

/**
 * Builds the stream: `n` valid trades round-robin over `symbols` from `t0` for three hours,
 * `frameSize` per frame; every 7th frame redelivered; ~1 in 40 trades printed twice with the same
 * values (distinct prints); ~1 in 60 followed by an invalid twin (price ≤ 0 or size 0); at 70 % and
 * 90 % of the stream a trade two hours behind (late by any watermark).
 */
export function buildStream(opts: { seed: number; symbols: string[]; n: number; t0: number; frameSize?: number }): FaultStream {
  const rnd = prng(opts.seed);
  const frameSize = opts.frameSize ?? 8;
  const step = Math.floor((3 * H) / opts.n);
  const invalid = new Set<string>();
  const late = new Set<string>();
  const prices = opts.symbols.map(() => 50 + rnd() * 200);
  const all: FakeFinnhubTrade[] = [];
  for (let i = 0; i < opts.n; i++) {
    const si = i % opts.symbols.length;
    const s = opts.symbols[si] as string;
    prices[si] = Math.max(1, (prices[si] as number) * (1 + (rnd() - 0.5) * 0.004));
    const t: FakeFinnhubTrade = { s, p: Math.round((prices[si] as number) * 100) / 100, t: opts.t0 + i * step + Math.floor(rnd() * step), v: 1 + Math.floor(rnd() * 50), c: ['1'] };
    all.push(t);
    if (rnd() < 1 / 40) all.push({ ...t });
    if (rnd() < 1 / 60) {
      const bad = rnd() < 0.5 ? { ...t, p: -t.p } : { ...t, v: 0 };
      invalid.add(key(bad));
      all.push(bad);
    }
    if (i === Math.floor(opts.n * 0.7) || i === Math.floor(opts.n * 0.9)) {
      const l: FakeFinnhubTrade = { s, p: 1234.5, t: t.t - 2 * H, v: 7, c: ['1'] };
      late.add(key(l));
      all.push(l);
    }
  }
  const frames: StreamFrame[] = [];
  for (let i = 0, f = 0; i < all.length; i += frameSize, f++) frames.push({ trades: all.slice(i, i + frameSize), copies: f % 7 === 3 ? 2 : 1 });
  return { symbols: opts.symbols, frames, invalid, late, from: opts.t0 - 3 * H, to: opts.t0 + 4 * H };
}
