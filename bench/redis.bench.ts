/**
 * redisLatest against raw ioredis pipelines doing the same writes in the same run: per record an
 * HSET of the same fields plus a PEXPIRE, batches of the same size, the same number of pipelines
 * in flight, against the same Redis.
 *
 *   npx tsx bench/redis.bench.ts
 *   BENCH_REDIS_RECORDS=1000000 npx tsx bench/redis.bench.ts
 *
 * Needs redis-server (node scripts/services.mjs up redis; REDIS_URL overrides).
 * Rounds alternate which goes first; on a shared, loaded machine compare the median ratio.
 */
import { randomUUID } from 'node:crypto';
import type { Quote } from '@tickflow/core';
import { Redis } from 'ioredis';
import { from, lastValueFrom } from 'rxjs';
import { redisLatest } from '../packages/sinks/src/redis/index.js';

const RECORDS = Number(process.env.BENCH_REDIS_RECORDS ?? 120_000);
const BATCH = Number(process.env.BENCH_REDIS_BATCH ?? 500);
const IN_FLIGHT = Number(process.env.BENCH_REDIS_INFLIGHT ?? 2);
const ROUNDS = Number(process.env.BENCH_REDIS_ROUNDS ?? 4);
const run = `bench${randomUUID().slice(0, 8)}`;
const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');

const quotes = (n: number): Quote[] =>
  Array.from({ length: n }, (_, i) => ({ symbol: `S${i % 5000}`, price: 100 + (i % 997) / 100, ts: 1_700_000_000_000 + i, volume: 1000 + i, change: 0.1, changePercent: 0.1 }));

async function raw(n: number, tag: string): Promise<number> {
  const input = quotes(n);
  const t0 = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < input.length) {
      const batch = input.slice(next, next + BATCH);
      next += BATCH;
      const cmds: (string | number)[][] = [];
      for (const q of batch) {
        const key = `${run}:${tag}:${q.symbol}`;
        cmds.push(['hset', key, 'symbol', q.symbol, 'price', q.price, 'ts', q.ts, 'volume', q.volume, 'change', q.change, 'changePercent', q.changePercent]);
        cmds.push(['pexpire', key, 60_000]);
      }
      const replies = await redis.pipeline(cmds).exec();
      if (!replies || replies.some(([e]) => e)) throw new Error('raw pipeline failed');
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  return performance.now() - t0;
}

async function sink(n: number, tag: string): Promise<number> {
  const input = quotes(n);
  const t0 = performance.now();
  await lastValueFrom(from(input).pipe(redisLatest<Quote>({ client: redis, key: `${run}:${tag}:{symbol}`, batchSize: BATCH, maxInFlight: IN_FLIGHT })));
  return performance.now() - t0;
}

const rate = (n: number, ms: number) => Math.round((n / ms) * 1000);
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

try {
  await raw(5000, 'wr');
  await sink(5000, 'ws');
  const per = Math.ceil(RECORDS / ROUNDS);
  let rawMs = 0;
  let sinkMs = 0;
  const ratios: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const a = r % 2 === 0 ? await raw(per, `r${r}`) : 0;
    const b = await sink(per, `s${r}`);
    const a2 = r % 2 === 0 ? a : await raw(per, `r${r}`);
    rawMs += a2;
    sinkMs += b;
    ratios.push(a2 / b);
    console.log(`round ${r + 1}: raw pipeline ${rate(per, a2)} rec/s, redisLatest ${rate(per, b)} rec/s, ratio ${(a2 / b).toFixed(3)}x`);
  }
  const total = per * ROUNDS;
  const rawRate = rate(total, rawMs);
  const sinkRate = rate(total, sinkMs);
  console.log(`\n${total} records each (HSET + PEXPIRE), batches of ${BATCH}, ${IN_FLIGHT} pipelines in flight`);
  console.log(`  raw ioredis pipeline (baseline): ${rawRate} rec/s`);
  console.log(`  redisLatest:                     ${sinkRate} rec/s  ratio ${(sinkRate / rawRate).toFixed(3)}x  (goal >= 0.85x)`);
  console.log(`  median of per-round ratios: ${median(ratios).toFixed(3)}x`);
} finally {
  let cursor = '0';
  do {
    const [c, keys] = await redis.scan(cursor, 'MATCH', `${run}:*`, 'COUNT', 1000);
    cursor = c;
    if (keys.length) await redis.del(...keys);
  } while (cursor !== '0');
  redis.disconnect();
}
