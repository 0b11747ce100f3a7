import { memoryInstrumentation } from '@tickflow/core';
import type { Redis } from 'ioredis';
import { firstValueFrom, from, lastValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { redisFlags } from './redisFlags.js';
import { redisLatest } from './redisLatest.js';
import { redisStream } from './redisStream.js';

type Cmd = (string | number)[];
/** A fake ioredis client recording pipelines; `reply` decides each command's [error, result]. */
function fakeRedis(reply: (cmd: Cmd, exec: number) => [Error | null, unknown] = () => [null, 'OK']) {
  const execs: { mode: string; cmds: Cmd[] }[] = [];
  const exec = (mode: string) => (cmds: Cmd[]) => ({
    exec: async () => {
      execs.push({ mode, cmds });
      const n = execs.length;
      return cmds.map((c) => reply(c, n));
    },
  });
  return { client: { pipeline: exec('pipeline'), multi: exec('multi') } as unknown as Redis, execs };
}
const q = (symbol: string, ts: number, extra: Record<string, unknown> = {}) => ({ symbol, price: 10, ts, volume: 1, change: 0, changePercent: 0, ...extra });

describe('Redis sinks (fake client)', () => {
  it('redisLatest sends HSET + PEXPIRE per record in one pipeline per batch', async () => {
    const f = fakeRedis();
    const acks = await lastValueFrom(from([q('A', 1, { conditions: ['x'] }), q('B', 2)]).pipe(redisLatest({ client: f.client, ttlSeconds: 1.5 }), toArray()));
    expect(f.execs).toHaveLength(1);
    expect(f.execs[0]!.cmds).toEqual([
      ['hset', 'market:A', 'symbol', 'A', 'price', 10, 'ts', 1, 'volume', 1, 'change', 0, 'changePercent', 0, 'conditions', '["x"]'],
      ['pexpire', 'market:A', 1500],
      ['hset', 'market:B', 'symbol', 'B', 'price', 10, 'ts', 2, 'volume', 1, 'change', 0, 'changePercent', 0],
      ['pexpire', 'market:B', 1500],
    ]);
    expect(acks.map((a) => a.meta)).toEqual([{ key: 'market:A' }, { key: 'market:B' }]);
  });

  it('ttlMs overrides ttlSeconds', async () => {
    const f = fakeRedis();
    await lastValueFrom(from([q('A', 1)]).pipe(redisLatest({ client: f.client, ttlMs: 250, ttlSeconds: 9 }), toArray()));
    await lastValueFrom(from([q('N', 1, { earningsTimestamp: 2 })]).pipe(redisFlags({ client: f.client, ttlMs: 500 }), toArray()));
    expect(f.execs.map((e) => e.cmds.at(-1))).toEqual([
      ['pexpire', 'market:A', 250],
      ['set', 'earnings_flag:N', '2', 'PX', 500],
    ]);
  });

  it('redisLatest with ttlSeconds 0 never expires, custom fields, atomic MULTI', async () => {
    const f = fakeRedis();
    await lastValueFrom(from([q('A', 1)]).pipe(redisLatest({ client: f.client, ttlSeconds: 0, atomic: true, fields: (r) => ({ p: r.price }) }), toArray()));
    expect(f.execs).toEqual([{ mode: 'multi', cmds: [['hset', 'market:A', 'p', 10]] }]);
  });

  it('retries a batch on a transient reply (LOADING) and dead-letters a WRONGTYPE record', async () => {
    const inst = memoryInstrumentation();
    const f = fakeRedis((cmd, n) => {
      if (n === 1) return [new Error('LOADING Redis is loading the dataset in memory'), null];
      if (cmd[1] === 'market:BAD') return [new Error('WRONGTYPE Operation against a key holding the wrong kind of value'), null];
      return [null, 1];
    });
    const dead: string[] = [];
    const acks = await lastValueFrom(
      from([q('A', 1), q('BAD', 2)]).pipe(
        redisLatest({ client: f.client, retry: { initialDelayMs: 1 }, instrumentation: inst, onInvalid: (d) => dead.push(d.kind) }),
        toArray(),
      ),
    );
    expect(f.execs).toHaveLength(2);
    expect(acks.map((a) => a.meta?.deadLetter?.slice(0, 19))).toEqual([undefined, 'rejected: WRONGTYPE']);
    expect(dead).toEqual(['rejected']);
    expect(inst.value('redis_dead_letters_total', { sink: 'redis_latest', kind: 'rejected' })).toBe(1);
  });

  it('dead-letters records missing a key field without a round trip', async () => {
    const f = fakeRedis();
    const acks = await lastValueFrom(from([{ price: 1 }]).pipe(redisLatest({ client: f.client }), toArray()));
    expect(acks[0]!.meta?.deadLetter).toMatch(/^key: field "symbol"/);
    expect(f.execs).toHaveLength(0);
  });

  it('errors the stream when Redis stays unreachable', async () => {
    const client = { pipeline: () => ({ exec: async () => Promise.reject(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })) }) } as unknown as Redis;
    await expect(firstValueFrom(from([q('A', 1)]).pipe(redisLatest({ client, retry: { maxAttempts: 2, initialDelayMs: 1 } })))).rejects.toThrow(/failed after 2 attempts/);
  });

  it('redisFlags writes SET … PX only for records near earnings (custom rule too)', async () => {
    const f = fakeRedis();
    const now = 1_700_000_000_000;
    const acks = await lastValueFrom(
      from([q('N', now, { earningsTimestamp: now + 3600_000 }), q('M', now, { earningsTimestamp: now + 3 * 86_400_000 }), q('Z', now)]).pipe(
        redisFlags({ client: f.client }),
        toArray(),
      ),
    );
    expect(f.execs[0]!.cmds).toEqual([['set', 'earnings_flag:N', String(now + 3600_000), 'PX', 86_400_000]]);
    expect(acks.map((a) => a.meta)).toEqual([{ key: 'earnings_flag:N' }, { key: 'earnings_flag:M', skipped: true }, { key: 'earnings_flag:Z', skipped: true }]);
    const g = fakeRedis();
    await lastValueFrom(from([q('M', now)]).pipe(redisFlags({ client: g.client, flag: () => 'yes', ttlSeconds: 2, key: 'f:{symbol}' }), toArray()));
    expect(g.execs[0]!.cmds).toEqual([['set', 'f:M', 'yes', 'PX', 2000]]);
  });

  it('redisStream sends XADD with MAXLEN ~ and reports the entry id', async () => {
    const f = fakeRedis((_c, n) => [null, `17-${n}`]);
    const acks = await lastValueFrom(from([q('A', 1)]).pipe(redisStream({ client: f.client, key: 's:{symbol}', maxLen: 500, fields: (r) => ({ data: JSON.stringify(r) }) }), toArray()));
    expect(f.execs[0]!.cmds).toEqual([['xadd', 's:A', 'MAXLEN', '~', 500, '*', 'data', JSON.stringify(q('A', 1))]]);
    expect(acks[0]!.meta).toEqual({ key: 's:A', id: '17-1' });
  });
});
