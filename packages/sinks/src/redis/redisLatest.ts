import type { Ack } from '@tickflow/core';
import type { OperatorFunction } from 'rxjs';
import { keyOf } from './keyOf.js';
import { RedisPlanError, redisCommandSink } from './redisCommandSink.js';
import type { RedisAckMeta, RedisFieldValue, RedisSinkCommonOptions } from './RedisSinkOptions.js';
import { toRedisFields } from './toRedisFields.js';

/** Options of {@link redisLatest}. */
export interface RedisLatestOptions<T> extends RedisSinkCommonOptions<T> {
  /** Hash key: a template filled from the record, or a function (default `'market:{symbol}'`). */
  key?: string | ((record: T) => string);
  /** Hash fields of a record (default: every defined property; objects as JSON). */
  fields?: (record: T) => Record<string, RedisFieldValue>;
  /** Expiry of the hash after each write, seconds, fractions allowed (default 60; 0 = never expires). */
  ttlSeconds?: number;
  /** Expiry in ms; overrides `ttlSeconds` when given. */
  ttlMs?: number;
}

/**
 * Caches the latest record per key (default one hash per symbol, `market:{symbol}`) in Redis:
 * `HSET` of the record's fields plus `PEXPIRE` (default 60 s), so a symbol that stops updating
 * disappears. A batch is one pipeline; each record's ack is emitted after the pipeline's replies
 * arrived. Writes land in arrival order (last write wins); fields absent from a newer record keep
 * their older value. A record whose key cannot be built, or that Redis rejects (e.g. WRONGTYPE),
 * is acked with `meta.deadLetter`, counted (`redis_dead_letters_total`) and given to `onInvalid`.
 *
 * @param options - the ioredis client, key template, fields, TTL, batching
 * @returns an operator from records to `Ack`s carrying {@link RedisAckMeta}
 * @example
 * ```ts
 * import { Redis } from 'ioredis';
 * import { from } from 'rxjs';
 * import { redisLatest } from '@tickflow/sinks/redis';
 *
 * const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
 * from([{ symbol: 'AAPL', price: 190.1, ts: Date.now(), volume: 1, change: 0.5, changePercent: 0.26 }])
 *   .pipe(redisLatest({ client: redis, ttlSeconds: 60 }))
 *   .subscribe((ack) => console.log('cached', ack.meta?.key)); // market:AAPL
 * ```
 */
export function redisLatest<T>(options: RedisLatestOptions<T>): OperatorFunction<T, Ack<T, RedisAckMeta>> {
  const key = keyOf<T>(options.key ?? 'market:{symbol}');
  const fields = options.fields ?? toRedisFields;
  const ttlMs = options.ttlMs ?? Math.round((options.ttlSeconds ?? 60) * 1000);
  return redisCommandSink<T>('redis_latest', options, (record) => {
    const k = key(record);
    let f: Record<string, RedisFieldValue>;
    try {
      f = fields(record);
    } catch (e) {
      throw new RedisPlanError('fields', (e as Error).message, k);
    }
    const hset: (string | number)[] = ['hset', k];
    for (const name in f) hset.push(name, f[name]!);
    if (hset.length === 2) throw new RedisPlanError('fields', 'the record has no fields to store', k);
    return { key: k, commands: ttlMs > 0 ? [hset, ['pexpire', k, ttlMs]] : [hset] };
  });
}
