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
import { compareRounds } from './lib/compareRounds.js';
import { type Measured, measure } from './lib/measure.js';
import { printRatio } from './lib/printRatio.js';

const RECORDS = Number(process.env.BENCH_REDIS_RECORDS ?? 120_000);
const BATCH = Number(process.env.BENCH_REDIS_BATCH ?? 500);
const IN_FLIGHT = Number(process.env.BENCH_REDIS_INFLIGHT ?? 2);
const ROUNDS = Number(process.env.BENCH_REDIS_ROUNDS ?? 4);
const run = `bench${randomUUID().slice(0, 8)}`;
const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');

const quotes = (n: number): Quote[] =>
  Array.from({ length: n }, (_, i) => ({ symbol: `S${i % 5000}`, price: 100 + (i % 997) / 100, ts: 1_700_000_000_000 + i, volume: 1000 + i, change: 0.1, changePercent: 0.1 }));

async function raw(n: number, tag: string): Promise<Measured> {
  const input = quotes(n);
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
  return measure(() => Promise.all(Array.from({ length: IN_FLIGHT }, worker)));
}

async function sink(n: number, tag: string): Promise<Measured> {
  const input = quotes(n);
  return measure(() => lastValueFrom(from(input).pipe(redisLatest<Quote>({ client: redis, key: `${run}:${tag}:{symbol}`, batchSize: BATCH, maxInFlight: IN_FLIGHT }))));
}

try {
  await raw(5000, 'wr');
  await sink(5000, 'ws');
  const result = await compareRounds({ total: RECORDS, rounds: ROUNDS, labels: { baseline: 'raw pipeline', ours: 'redisLatest', unit: 'rec' }, baseline: raw, ours: sink });
  console.log(`\n${result.total} records each (HSET + PEXPIRE), batches of ${BATCH}, ${IN_FLIGHT} pipelines in flight`);
  printRatio(result, { baseline: 'raw ioredis pipeline (baseline)', ours: 'redisLatest', unit: 'rec', goal: '>= 0.85x' });
} finally {
  let cursor = '0';
  do {
    const [c, keys] = await redis.scan(cursor, 'MATCH', `${run}:*`, 'COUNT', 1000);
    cursor = c;
    if (keys.length) await redis.del(...keys);
  } while (cursor !== '0');
  redis.disconnect();
}
