import type { Ack } from '@tickflow/core';
import type { OperatorFunction } from 'rxjs';
import { fieldsOf } from './fieldsOf.js';
import { keyOf } from './keyOf.js';
import { redisCommandSink } from './redisCommandSink.js';
import type { RedisAckMeta, RedisFieldValue, RedisSinkCommonOptions } from './RedisSinkOptions.js';
import { toRedisFields } from './toRedisFields.js';

/**
 * Options of {@link redisStream}.
 *
 * @example
 * ```ts
 * import type { Trade } from '@tickflow/core';
 * import { Redis } from 'ioredis';
 * import { type RedisStreamOptions, redisStream } from '@tickflow/sinks/redis';
 * const options: RedisStreamOptions<Trade> = {
 *   client: new Redis('redis://127.0.0.1:6379'),
 *   key: 'trades:{symbol}', // one stream per symbol
 *   maxLen: 50_000,
 *   approximate: true,
 * };
 * const appendTrades = redisStream(options);
 * ```
 */
export interface RedisStreamOptions<T> extends RedisSinkCommonOptions<T> {
  /** Stream key: a fixed key, a template (`'market:stream:{symbol}'`) or a function (default `'market:stream'`). */
  key?: string | ((record: T) => string);
  /** Entry fields of a record (default: every defined property; objects as JSON). */
  fields?: (record: T) => Record<string, RedisFieldValue>;
  /** Cap of the stream's length (default 10000). */
  maxLen?: number;
  /** Trim with `MAXLEN ~` (default true: cheaper, keeps at least `maxLen`); false trims exactly. */
  approximate?: boolean;
}

/**
 * Appends each record to a Redis stream: `XADD key MAXLEN ~ <maxLen> * field value …`, so the
 * stream stays bounded while consumer groups read it. Pipelined like {@link redisLatest}; the
 * ack's `meta.id` is the entry id Redis assigned. Note: a batch retried after a lost reply can
 * add an entry twice (XADD with `*` ids is not idempotent); consumers should tolerate
 * duplicates (the record's own `id` is in the entry).
 *
 * @param options - the ioredis client, stream key, fields, length cap, batching
 * @returns an operator from records to `Ack`s carrying {@link RedisAckMeta}
 * @example
 * ```ts
 * import { Redis } from 'ioredis';
 * import { from } from 'rxjs';
 * import { redisStream } from '@tickflow/sinks/redis';
 *
 * const redis = new Redis('redis://127.0.0.1:6379');
 * from([{ symbol: 'AAPL', price: 190.1, size: 5, ts: Date.now() }])
 *   .pipe(redisStream({ client: redis, key: 'market:trades', maxLen: 100_000 }))
 *   .subscribe((ack) => console.log(ack.meta?.id));
 * ```
 */
export function redisStream<T>(options: RedisStreamOptions<T>): OperatorFunction<T, Ack<T, RedisAckMeta>> {
  const key = keyOf<T>(options.key ?? 'market:stream');
  const fields = fieldsOf<T>(options.fields ?? toRedisFields);
  const trim = options.approximate === false ? ['MAXLEN', options.maxLen ?? 10_000] : ['MAXLEN', '~', options.maxLen ?? 10_000];
  return redisCommandSink<T>(
    'redis_stream',
    options,
    (record) => {
      const k = key(record);
      return { key: k, commands: [fields(record, k, ['xadd', k, ...trim, '*'])] };
    },
    (replies) => ({ id: String(replies[0]) }),
  );
}
