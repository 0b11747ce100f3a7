/**
 * Throughput of validate → dedupe → watermark → ohlcvWindow('5m') against a hand-written single
 * loop doing the same work (same checks, same dedupe key and horizon, same global watermark,
 * same bars), measured in the same process; then rollup('1h') against a hand-written merge loop
 * over the same 5m bars; then a memory check with many symbols over a simulated hour.
 *
 *   npx tsx bench/operators.bench.ts
 *   BENCH_TRADES=3000000 BENCH_SYMBOLS=2000 BENCH_MEMORY_SYMBOLS=5000 npx tsx bench/operators.bench.ts
 */
import { type Bar, type Trade, TradeSchema } from '@tickflow/core';
import { Observable } from 'rxjs';
import os from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { dedupe, ohlcvWindow, rollup, validate, watermark } from '@tickflow/operators';

const N = Number(process.env.BENCH_TRADES ?? 1_000_000);
const SYMBOLS = Number(process.env.BENCH_SYMBOLS ?? 500);
const MEM_SYMBOLS = Number(process.env.BENCH_MEMORY_SYMBOLS ?? 5_000);
const MEM_RATE = Number(process.env.BENCH_MEMORY_TRADES_PER_SEC ?? 500); // event-time trades per second
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const OOO = 60_000;
const SIZE = 300_000;
const T0 = Date.UTC(2024, 0, 2, 14, 30);

/** Deterministic PRNG (mulberry32). */
function prng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Raw records: ~1 h of event time, ≤ 30 s out of order, 1% repeats, 0.5% invalid. */
function makeRecords(n: number, symbols: number): unknown[] {
  const rnd = prng(42);
  const names = Array.from({ length: symbols }, (_, i) => `SYM${i}`);
  const out: unknown[] = [];
  const step = 3_600_000 / n;
  for (let i = 0; i < n; i++) {
    const r = rnd();
    if (r < 0.005) {
      out.push(r < 0.001 ? null : { symbol: names[i % symbols], price: -1, size: 1, ts: T0 });
      continue;
    }
    if (r < 0.015 && out.length > 0) {
      const prev = out[out.length - 1];
      out.push(prev && typeof prev === 'object' ? { ...prev } : prev);
      continue;
    }
    const ts = T0 + Math.floor(i * step) - (rnd() < 0.1 ? Math.floor(rnd() * 30_000) : 0);
    out.push({
      symbol: names[Math.floor(rnd() * symbols)],
      price: Math.round((100 + rnd() * 10) * 100) / 100,
      size: 1 + Math.floor(rnd() * 500),
      ts,
    });
  }
  return out;
}

function sourceOf(records: unknown[]): Observable<unknown> {
  return new Observable((s) => {
    for (let i = 0; i < records.length && !s.closed; i++) s.next(records[i]);
    s.complete();
  });
}

function runPipeline(records: unknown[]): { bars: number; volume: number } {
  let bars = 0;
  let volume = 0;
  sourceOf(records)
    .pipe(
      validate(TradeSchema, { maxFutureMs: Number.POSITIVE_INFINITY }),
      dedupe(),
      watermark({ maxOutOfOrdernessMs: OOO }),
      ohlcvWindow({ size: '5m' }),
    )
    .subscribe((b) => {
      bars++;
      volume += b.volume;
    });
  return { bars, volume };
}

/**
 * The same work written as one loop, the way a careful engineer would by hand: the same checks,
 * the same dedupe policy (value key without string building: a Map bucketed by ts as a
 * small-integer offset; two generations rotated by TTL / key cap), the same global watermark and
 * windows, no RxJS. (The operator's dedupe uses a typed-array hash table instead of the Map.)
 */
function runLoop(records: unknown[]): { bars: number; volume: number } {
  let bars = 0;
  let volume = 0;
  const TTL = 300_000;
  const PER_GEN = 50_000;
  let cur = new Map<number, unknown[]>();
  let prev: Map<number, unknown[]> | undefined;
  let curCount = 0;
  let genStart = Number.NaN;
  let base = Number.NaN;
  const inBucket = (b: unknown[] | undefined, symbol: string, price: number, size: number, ts: number) => {
    if (b === undefined) return false;
    for (let j = 0; j < b.length; j += 4) if (b[j] === symbol && b[j + 1] === price && b[j + 2] === size && b[j + 3] === ts) return true;
    return false;
  };
  let maxTs = Number.NEGATIVE_INFINITY;
  let wm = Number.NEGATIVE_INFINITY;
  type W = { symbol: string; start: number; o: number; ot: number; h: number; l: number; c: number; ct: number; v: number; pv: number; n: number };
  const open = new Map<string, W[]>(); // symbol -> open windows
  const closing: W[] = [];
  let nextClose = Number.POSITIVE_INFINITY;
  const emit = (w: W) => {
    const bar: Bar = {
      symbol: w.symbol,
      interval: '5m',
      start: w.start,
      end: w.start + SIZE,
      open: w.o,
      high: w.h,
      low: w.l,
      close: w.c,
      volume: w.v,
      count: w.n,
      vwap: w.pv / w.v,
    };
    bars++;
    volume += bar.volume;
  };
  const closeUpTo = (limit: number) => {
    closing.length = 0;
    nextClose = Number.POSITIVE_INFINITY;
    for (const ws of open.values()) {
      for (let j = ws.length - 1; j >= 0; j--) {
        const w = ws[j] as W;
        if (w.start + SIZE <= limit) {
          closing.push(w);
          ws.splice(j, 1);
        } else if (w.start + SIZE < nextClose) nextClose = w.start + SIZE;
      }
    }
    closing.sort((x, y) => x.start - y.start);
    for (const w of closing) emit(w);
  };
  for (let i = 0; i < records.length; i++) {
    const r = records[i] as Record<string, unknown> | null;
    if (typeof r !== 'object' || r === null || Array.isArray(r)) continue;
    const { symbol, price, size, ts } = r as Record<string, any>;
    if (typeof symbol !== 'string' || symbol.length === 0) continue;
    if (typeof price !== 'number' || !(price > 0) || price === Number.POSITIVE_INFINITY) continue;
    if (typeof size !== 'number' || !(size > 0) || size === Number.POSITIVE_INFINITY) continue;
    if (typeof ts !== 'number' || !Number.isSafeInteger(ts) || ts < 0) continue;
    const t: Trade = { symbol, price, size, ts };
    // dedupe
    if (Number.isNaN(base)) base = ts;
    const k = ts - base;
    const bucket = cur.get(k);
    if (inBucket(bucket, symbol, price, size, ts) || inBucket(prev?.get(k), symbol, price, size, ts)) continue;
    if (!(ts < maxTs - TTL)) {
      if (bucket) bucket.push(t.symbol, t.price, t.size, t.ts);
      else cur.set(k, [t.symbol, t.price, t.size, t.ts]);
      if (++curCount >= PER_GEN) {
        prev = cur;
        cur = new Map();
        curCount = 0;
      }
    }
    if (ts > maxTs) {
      maxTs = ts;
      if (Number.isNaN(genStart)) genStart = ts;
      else if (ts - genStart >= TTL) {
        prev = cur;
        cur = new Map();
        curCount = 0;
        genStart = ts;
      }
    }
    // window
    const start = ts - (ts % SIZE);
    if (start + SIZE > wm) {
      let ws = open.get(symbol);
      if (!ws) open.set(symbol, (ws = []));
      let w: W | undefined;
      for (const x of ws) if (x.start === start) w = x;
      if (!w) {
        w = { symbol, start, o: price, ot: ts, h: price, l: price, c: price, ct: ts, v: 0, pv: 0, n: 0 };
        ws.push(w);
        if (start + SIZE < nextClose) nextClose = start + SIZE;
      }
      if (ts < w.ot) {
        w.ot = ts;
        w.o = price;
      }
      if (ts >= w.ct) {
        w.ct = ts;
        w.c = price;
      }
      if (price > w.h) w.h = price;
      if (price < w.l) w.l = price;
      w.v += size;
      w.pv += price * size;
      w.n++;
    }
    // watermark
    if (maxTs - OOO > wm) {
      wm = maxTs - OOO;
      if (wm >= nextClose) closeUpTo(wm);
    }
  }
  closeUpTo(Number.POSITIVE_INFINITY);
  return { bars, volume };
}

/** Wall-clock rate and CPU-time rate (trades per CPU-second of this process: "one core"). */
function time(fn: () => { bars: number; volume: number }): { rate: number; cpuRate: number; out: { bars: number; volume: number } } {
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const out = fn();
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  const c = process.cpuUsage(c0);
  return { rate: N / s, cpuRate: N / ((c.user + c.system) / 1e6), out };
}

const fmt = (x: number) => `${(x / 1e6).toFixed(2)}M trades/s`;

console.log(`operators: ${N.toLocaleString()} records, ${SYMBOLS} symbols, best of ${RUNS} runs after a warm-up`);
const records = makeRecords(N, SYMBOLS);
runPipeline(records.slice(0, 200_000));
runLoop(records.slice(0, 200_000));
const best = { pipe: 0, loop: 0, pipeCpu: 0, loopCpu: 0 };
let pipeOut = { bars: 0, volume: 0 };
let loopOut = { bars: 0, volume: 0 };
for (let i = 0; i < RUNS; i++) {
  const p = time(() => runPipeline(records));
  const l = time(() => runLoop(records));
  best.pipe = Math.max(best.pipe, p.rate);
  best.loop = Math.max(best.loop, l.rate);
  best.pipeCpu = Math.max(best.pipeCpu, p.cpuRate);
  best.loopCpu = Math.max(best.loopCpu, l.cpuRate);
  pipeOut = p.out;
  loopOut = l.out;
}
if (pipeOut.bars !== loopOut.bars || Math.abs(pipeOut.volume - loopOut.volume) > 1e-6) {
  console.error('MISMATCH between pipeline and loop', pipeOut, loopOut);
  process.exitCode = 1;
}
console.log(`  bars: ${pipeOut.bars} (loop ${loopOut.bars}), volume ${pipeOut.volume} (loop ${loopOut.volume})`);
console.log(`  pipeline validate→dedupe→watermark→ohlcvWindow('5m'): ${fmt(best.pipe)} wall, ${fmt(best.pipeCpu)} per CPU-second`);
console.log(`  hand-written loop:                                  ${fmt(best.loop)} wall, ${fmt(best.loopCpu)} per CPU-second`);
console.log(
  `  ratio pipeline/loop: ${(best.pipe / best.loop).toFixed(2)}x wall, ${(best.pipeCpu / best.loopCpu).toFixed(2)}x CPU (goal >= 0.35x and >= 1M trades/s on one core)`,
);
const load = os.loadavg()[0] ?? 0;
if (load > os.availableParallelism()) {
  console.log(`  note: load average ${load.toFixed(1)} on ${os.availableParallelism()} cores; wall-clock rates are inflated by contention`);
}

{
  // rollup('1h') over 5m bars (in time order, symbols interleaved) vs a hand-written loop that
  // merges each (symbol, hour) in place and emits when the symbol's next hour begins.
  const H = 3_600_000;
  const hours = Number(process.env.BENCH_ROLLUP_HOURS ?? 48);
  const rnd = prng(11);
  const bars5m: Bar[] = [];
  for (let k = 0; k < hours * 12; k++) {
    for (let i = 0; i < SYMBOLS; i++) {
      const o = 100 + rnd() * 10;
      const c = 100 + rnd() * 10;
      const v = 1 + Math.floor(rnd() * 5_000);
      bars5m.push({ symbol: `SYM${i}`, interval: '5m', start: T0 + k * SIZE, end: T0 + (k + 1) * SIZE, open: o, high: Math.max(o, c) + 1, low: Math.min(o, c) - 1, close: c, volume: v, count: 1 + (v % 50), vwap: (o + c) / 2 });
    }
  }
  const M = bars5m.length;
  const viaRollup = () => {
    let n = 0;
    let volume = 0;
    new Observable<Bar>((s) => {
      for (const b of bars5m) s.next(b);
      s.complete();
    })
      .pipe(rollup('1h'))
      .subscribe((b) => {
        n++;
        volume += b.volume;
      });
    return { bars: n, volume };
  };
  const viaLoop = () => {
    type Acc = { start: number; o: number; h: number; l: number; c: number; v: number; n: number; pv: number };
    const open = new Map<string, Acc>();
    let n = 0;
    let volume = 0;
    const emit = (a: Acc) => {
      const bar = { start: a.start, end: a.start + H, open: a.o, high: a.h, low: a.l, close: a.c, volume: a.v, count: a.n, vwap: a.v > 0 ? a.pv / a.v : a.c };
      n++;
      volume += bar.volume;
    };
    for (const b of bars5m) {
      const start = b.start - (b.start % H);
      let a = open.get(b.symbol);
      if (a !== undefined && a.start !== start) {
        emit(a);
        a = undefined;
      }
      if (a === undefined) open.set(b.symbol, (a = { start, o: b.open, h: b.high, l: b.low, c: b.close, v: 0, n: 0, pv: 0 }));
      if (b.high > a.h) a.h = b.high;
      if (b.low < a.l) a.l = b.low;
      a.c = b.close;
      a.v += b.volume;
      a.n += b.count;
      a.pv += b.vwap * b.volume;
      if (b.end === start + H) {
        emit(a);
        open.delete(b.symbol);
      }
    }
    for (const a of open.values()) emit(a);
    return { bars: n, volume };
  };
  const timeBars = (fn: () => { bars: number; volume: number }) => {
    const t0 = process.hrtime.bigint();
    const out = fn();
    return { rate: M / (Number(process.hrtime.bigint() - t0) / 1e9), out };
  };
  viaRollup();
  viaLoop();
  let bestRollup = 0;
  let bestLoop = 0;
  let outs: { bars: number; volume: number }[] = [];
  for (let i = 0; i < RUNS; i++) {
    const r = timeBars(viaRollup);
    const l = timeBars(viaLoop);
    bestRollup = Math.max(bestRollup, r.rate);
    bestLoop = Math.max(bestLoop, l.rate);
    outs = [r.out, l.out];
  }
  const [ro, lo] = outs as [{ bars: number; volume: number }, { bars: number; volume: number }];
  if (ro.bars !== lo.bars || ro.volume !== lo.volume) {
    console.error('MISMATCH between rollup and loop', ro, lo);
    process.exitCode = 1;
  }
  console.log(`rollup('1h'): ${M.toLocaleString()} 5m bars of ${SYMBOLS} symbols over ${hours} h -> ${ro.bars.toLocaleString()} 1h bars (loop ${lo.bars.toLocaleString()})`);
  console.log(`  rollup: ${(bestRollup / 1e6).toFixed(2)}M bars/s; hand-written loop: ${(bestLoop / 1e6).toFixed(2)}M bars/s; ratio ${(bestRollup / bestLoop).toFixed(2)}x`);
}

records.length = 0;
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as (() => void) | undefined;
const heapMb = () => {
  gc?.();
  return process.memoryUsage().heapUsed / 1e6;
};
{
  const total = MEM_RATE * 3600;
  const rnd = prng(7);
  const names = Array.from({ length: MEM_SYMBOLS }, (_, i) => `S${i}`);
  const samples: string[] = [];
  const before = heapMb();
  let bars = 0;
  const src = new Observable<unknown>((s) => {
    for (let i = 0; i < total && !s.closed; i++) {
      const ts = T0 + Math.floor((i / MEM_RATE) * 1000);
      s.next({ symbol: names[Math.floor(rnd() * MEM_SYMBOLS)], price: 100 + rnd(), size: 100, ts });
      if (i > 0 && i % (MEM_RATE * 600) === 0) samples.push(`${i / MEM_RATE / 60}min ${heapMb().toFixed(1)} MB`);
    }
    s.complete();
  });
  src
    .pipe(
      validate(TradeSchema, { maxFutureMs: Number.POSITIVE_INFINITY }),
      dedupe(),
      watermark({ maxOutOfOrdernessMs: OOO }),
      ohlcvWindow({ size: '5m' }),
    )
    .subscribe(() => bars++);
  const after = heapMb();
  console.log(
    `memory: ${MEM_SYMBOLS} symbols, ${total.toLocaleString()} trades over a simulated hour, ${bars} bars`,
  );
  console.log(`  heap before ${before.toFixed(1)} MB; every 10 simulated minutes: ${samples.join(', ')}; after ${after.toFixed(1)} MB`);
}
