import type { Ack } from '@tickflow/core';
import type { OperatorFunction } from 'rxjs';
import { fieldsOf } from './fieldsOf.js';
import { keyOf } from './keyOf.js';
import { redisCommandSink } from './redisCommandSink.js';
import type { RedisAckMeta, RedisFieldValue, RedisSinkCommonOptions } from './RedisSinkOptions.js';
import { toRedisFields } from './toRedisFields.js';

/**
 * Options of {@link redisLatest}.
 *
 * @example
 * ```ts
 * import type { Quote } from '@tickflow/core';
 * import { Redis } from 'ioredis';
 * import { type RedisLatestOptions, redisLatest } from '@tickflow/sinks/redis';
 * const options: RedisLatestOptions<Quote> = {
 *   client: new Redis('redis://127.0.0.1:6379'),
 *   key: 'quote:{symbol}',
 *   fields: (q) => ({ price: q.price, changePercent: q.changePercent, ts: q.ts }),
 *   ttlSeconds: 300,
 * };
 * const cacheQuotes = redisLatest(options);
 * ```
 */
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
  const fields = fieldsOf<T>(options.fields ?? toRedisFields);
  const ttlMs = options.ttlMs ?? Math.round((options.ttlSeconds ?? 60) * 1000);
  return redisCommandSink<T>('redis_latest', options, (record) => {
    const k = key(record);
    const hset = fields(record, k, ['hset', k]);
    return { key: k, commands: ttlMs > 0 ? [hset, ['pexpire', k, ttlMs]] : [hset] };
  });
}
