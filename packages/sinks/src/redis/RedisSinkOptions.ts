import type { Instrumentation, InvalidRecord, RetryPolicy } from '@tickflow/core';
import type { Cluster, Redis } from 'ioredis';
import type { SchedulerLike } from 'rxjs';

/**
 * Where an acknowledged record went; the `meta` of the Redis sinks' acks.
 *
 * @example
 * ```ts
 * import type { Ack, Trade } from '@tickflow/core';
 * import type { RedisAckMeta } from '@tickflow/sinks/redis';
 * const logAck = (ack: Ack<Trade, RedisAckMeta>) => {
 *   const m = ack.meta;
 *   if (m?.deadLetter) console.warn(`${m.key} not written: ${m.deadLetter}`);
 *   else if (!m?.skipped) console.log('wrote', m?.key, m?.id ?? '');
 * };
 * ```
 */
export interface RedisAckMeta {
  /** The key written (or that would have been written). */
  key: string;
  /** `redisStream`: the id of the stream entry added. */
  id?: string;
  /** `redisFlags`: true when the record raised no flag, so nothing was written. */
  skipped?: boolean;
  /** Set when the record was not written (it can never be): the reason. */
  deadLetter?: string;
}

/**
 * A record a Redis sink could not write, as given to `onInvalid`.
 *
 * @example
 * ```ts
 * import { Redis } from 'ioredis';
 * import { type RedisDeadLetter, redisLatest } from '@tickflow/sinks/redis';
 * const onInvalid = (dead: RedisDeadLetter) => console.warn(`not cached (${dead.kind}): ${dead.reason}`);
 * const cache = redisLatest({ client: new Redis('redis://127.0.0.1:6379'), onInvalid });
 * ```
 */
export interface RedisDeadLetter extends InvalidRecord {
  /** `'key'` (the key template could not be filled), `'fields'` (the mapping threw) or `'rejected'` (Redis refused the command, e.g. WRONGTYPE). */
  kind: 'key' | 'fields' | 'rejected';
}

/**
 * A hash field value as written to Redis.
 *
 * @example
 * ```ts
 * import type { Quote } from '@tickflow/core';
 * import { Redis } from 'ioredis';
 * import { type RedisFieldValue, redisLatest } from '@tickflow/sinks/redis';
 * const fields = (q: Quote): Record<string, RedisFieldValue> => ({ price: q.price, ts: q.ts, change: q.change.toFixed(2) });
 * const cache = redisLatest<Quote>({ client: new Redis('redis://127.0.0.1:6379'), fields });
 * ```
 */
export type RedisFieldValue = string | number;

/**
 * Options every Redis sink shares.
 *
 * @example
 * ```ts
 * import type { Trade } from '@tickflow/core';
 * import { Redis } from 'ioredis';
 * import { type RedisSinkCommonOptions, redisLatest, redisStream } from '@tickflow/sinks/redis';
 * const common: RedisSinkCommonOptions<Trade> = {
 *   client: new Redis('redis://127.0.0.1:6379'),
 *   batchSize: 200,
 *   lingerMs: 2,
 *   maxInFlight: 4,
 *   retry: { maxAttempts: 5 },
 * };
 * const latest = redisLatest({ ...common, key: 'last:{symbol}' });
 * const stream = redisStream({ ...common, key: 'market:trades' });
 * ```
 */
export interface RedisSinkCommonOptions<T> {
  /** The caller's connected ioredis client (`new Redis(url)`); the sink never disconnects it. */
  client: Redis | Cluster;
  /** Records per pipeline (default 500). */
  batchSize?: number;
  /** How long a partial batch waits for more records, ms (default 5). */
  lingerMs?: number;
  /** Pipelines in flight at once (default 2). Acks stay in input order. */
  maxInFlight?: number;
  /** Records held (waiting + in flight) before the sink errors with `BACKPRESSURE` (default 100000). */
  maxBuffered?: number;
  /** Wrap each batch in MULTI/EXEC so it applies all-or-nothing (default false: a plain pipeline). */
  atomic?: boolean;
  /** Retry policy of failed pipelines (connection errors, LOADING, READONLY, …); default core's `defaultRetryPolicy`. */
  retry?: Partial<RetryPolicy>;
  /** Called for each record that can never be written (it is acked with `meta.deadLetter` and counted). */
  onInvalid?: (dead: RedisDeadLetter & { input: T }) => void;
  /** Metrics and logs (default none). */
  instrumentation?: Instrumentation;
  /** Scheduler of linger timers and retry waits (default `asyncScheduler`). */
  scheduler?: SchedulerLike;
  /** Random source of retry jitter. */
  random?: () => number;
}
