import { randomUUID } from 'node:crypto';
import type { Quote } from '@tickflow/core';
import { redisFlags, redisLatest, redisStream } from '@tickflow/sinks/redis';
import { Redis } from 'ioredis';
import { firstValueFrom, from, toArray } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sleep } from '../../support/sleep.js';

const run = `t${randomUUID().slice(0, 8)}`;
const quote = (symbol: string, ts: number, extra: Partial<Quote> = {}): Quote => ({
  symbol,
  price: 100 + ts,
  ts,
  volume: 1000,
  change: 0.5,
  changePercent: 0.5,
  ...extra,
});

describe('Redis sinks against redis-server', () => {
  let redis: Redis;
  beforeAll(() => {
    redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  });
  afterAll(async () => {
    const keys = await redis.keys(`${run}:*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  });

  it('redisLatest keeps the latest quote per symbol as a hash and acks after the pipeline', async () => {
    const records = [quote('AAPL', 1), quote('MSFT', 2), quote('AAPL', 3, { bid: 102.5 })];
    const acks = await firstValueFrom(from(records).pipe(redisLatest({ client: redis, key: `${run}:market:{symbol}` }), toArray()));
    expect(acks.map((a) => a.meta?.key)).toEqual([`${run}:market:AAPL`, `${run}:market:MSFT`, `${run}:market:AAPL`]);
    expect(await redis.hgetall(`${run}:market:AAPL`)).toEqual({
      symbol: 'AAPL', price: '103', ts: '3', volume: '1000', change: '0.5', changePercent: '0.5', bid: '102.5',
    });
    const ttl = await redis.pttl(`${run}:market:MSFT`);
    expect(ttl).toBeGreaterThan(55_000);
    expect(ttl).toBeLessThanOrEqual(60_000);
  });

  it('redisLatest keys expire on time', async () => {
    await firstValueFrom(from([quote('EXP', 1)]).pipe(redisLatest({ client: redis, key: `${run}:exp:{symbol}`, ttlSeconds: 0.3 }), toArray()));
    expect(await redis.exists(`${run}:exp:EXP`)).toBe(1);
    await sleep(500);
    expect(await redis.exists(`${run}:exp:EXP`)).toBe(0);
  });

  it('redisFlags sets earnings flags near earnings only, with a TTL that expires', async () => {
    const now = 1_700_000_000_000;
    const records = [
      quote('NVDA', now, { earningsTimestamp: now + 3_600_000 }),
      quote('AAPL', now, { earningsTimestamp: now + 30 * 86_400_000 }),
      quote('MSFT', now),
    ];
    const acks = await firstValueFrom(from(records).pipe(redisFlags({ client: redis, key: `${run}:earnings_flag:{symbol}`, ttlSeconds: 0.4 }), toArray()));
    expect(acks.map((a) => a.meta?.skipped ?? false)).toEqual([false, true, true]);
    expect(await redis.get(`${run}:earnings_flag:NVDA`)).toBe(String(now + 3_600_000));
    expect(await redis.exists(`${run}:earnings_flag:AAPL`, `${run}:earnings_flag:MSFT`)).toBe(0);
    const ttl = await redis.pttl(`${run}:earnings_flag:NVDA`);
    expect(ttl).toBeGreaterThan(0);
    await sleep(600);
    expect(await redis.exists(`${run}:earnings_flag:NVDA`)).toBe(0);
  });

  it('redisFlags defaults to a 24 h TTL', async () => {
    const now = 1_700_000_000_000;
    await firstValueFrom(from([quote('AMD', now, { earningsTimestampStart: now - 60_000 })]).pipe(redisFlags({ client: redis, key: `${run}:ef:{symbol}` }), toArray()));
    const ttl = await redis.pttl(`${run}:ef:AMD`);
    expect(ttl).toBeGreaterThan(86_300_000);
    expect(ttl).toBeLessThanOrEqual(86_400_000);
  });

  it('redisStream appends entries with XADD, trimmed by MAXLEN', async () => {
    const key = `${run}:stream`;
    const records = Array.from({ length: 50 }, (_, i) => quote('AAPL', i));
    const acks = await firstValueFrom(from(records).pipe(redisStream({ client: redis, key, maxLen: 10, approximate: false, batchSize: 7 }), toArray()));
    expect(acks).toHaveLength(50);
    expect(acks.every((a) => /^\d+-\d+$/.test(a.meta?.id ?? ''))).toBe(true);
    expect(await redis.xlen(key)).toBe(10);
    const last = await redis.xrevrange(key, '+', '-', 'COUNT', 1);
    expect(last[0]![0]).toBe(acks[49]!.meta!.id);
    expect(last[0]![1]).toEqual(['symbol', 'AAPL', 'price', '149', 'ts', '49', 'volume', '1000', 'change', '0.5', 'changePercent', '0.5']);
  });

  it('dead-letters a record Redis rejects (WRONGTYPE) and writes the rest of the batch', async () => {
    await redis.set(`${run}:market:BAD`, 'a string, not a hash');
    const dead: string[] = [];
    const acks = await firstValueFrom(
      from([quote('GOOD', 1), quote('BAD', 2)]).pipe(
        redisLatest({ client: redis, key: `${run}:market:{symbol}`, onInvalid: (d) => dead.push(`${d.kind}: ${d.reason}`) }),
        toArray(),
      ),
    );
    expect(acks[0]!.meta?.deadLetter).toBeUndefined();
    expect(acks[1]!.meta?.deadLetter).toMatch(/WRONGTYPE/);
    expect(dead).toEqual([expect.stringMatching(/^rejected: rejected: WRONGTYPE/)]);
    expect(await redis.hget(`${run}:market:GOOD`, 'price')).toBe('101');
  });

  it('atomic mode writes a batch with MULTI/EXEC', async () => {
    const records = Array.from({ length: 20 }, (_, i) => quote(`A${i}`, i));
    const acks = await firstValueFrom(from(records).pipe(redisLatest({ client: redis, key: `${run}:atomic:{symbol}`, atomic: true }), toArray()));
    expect(acks).toHaveLength(20);
    expect(await redis.hget(`${run}:atomic:A19`, 'ts')).toBe('19');
  });
});
