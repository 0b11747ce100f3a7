import type { Ack } from '@tickflow/core';
import type { OperatorFunction } from 'rxjs';
import { keyOf } from './keyOf.js';
import { RedisPlanError, redisCommandSink } from './redisCommandSink.js';
import type { RedisAckMeta, RedisSinkCommonOptions } from './RedisSinkOptions.js';

/**
 * Options of {@link redisFlags}.
 *
 * @example
 * ```ts
 * import type { Quote } from '@tickflow/core';
 * import { Redis } from 'ioredis';
 * import { type RedisFlagsOptions, redisFlags } from '@tickflow/sinks/redis';
 * // Flag a symbol for an hour after any move of 5 % or more.
 * const options: RedisFlagsOptions<Quote> = {
 *   client: new Redis('redis://127.0.0.1:6379'),
 *   key: 'big_move:{symbol}',
 *   flag: (q) => (Math.abs(q.changePercent) >= 5 ? q.changePercent.toFixed(1) : undefined),
 *   ttlMs: 3_600_000,
 * };
 * const flagBigMoves = redisFlags(options);
 * ```
 */
export interface RedisFlagsOptions<T> extends RedisSinkCommonOptions<T> {
  /** Flag key: a template or a function (default `'earnings_flag:{symbol}'`). */
  key?: string | ((record: T) => string);
  /**
   * The flag's value for a record, or `undefined` for no flag (nothing written, ack with
   * `meta.skipped`). Default: the earnings time (`earningsTimestampStart ?? earningsTimestamp`,
   * epoch ms) as a decimal string when it lies within `horizonMs` of the record's `ts`.
   */
  flag?: (record: T) => string | undefined;
  /** Default flag rule: how close to the record's `ts` an earnings time must be, ms (default 24 h). */
  horizonMs?: number;
  /** Expiry of a flag, seconds (default 86400 = 24 h). */
  ttlSeconds?: number;
  /** Expiry in ms; overrides `ttlSeconds` when given. */
  ttlMs?: number;
}

const DAY_MS = 86_400_000;

/**
 * Sets earnings flags in Redis: `SET earnings_flag:{symbol} <earnings time> PX <ttl>` (default TTL
 * 24 h) for each record near an earnings release, so downstream consumers (anomaly alerts, the
 * dashboard) can tell "moved on earnings" from "moved for no known reason". Records without a
 * flag write nothing and are acked with `meta.skipped`. Pipelined like {@link redisLatest}.
 *
 * @param options - the ioredis client, key template, flag rule, TTL, batching
 * @returns an operator from records to `Ack`s carrying {@link RedisAckMeta}
 * @example
 * ```ts
 * import { Redis } from 'ioredis';
 * import { from } from 'rxjs';
 * import { redisFlags } from '@tickflow/sinks/redis';
 *
 * const redis = new Redis('redis://127.0.0.1:6379');
 * const now = Date.now();
 * from([{ symbol: 'NVDA', price: 120, ts: now, volume: 1, change: 0, changePercent: 0, earningsTimestamp: now + 3_600_000 }])
 *   .pipe(redisFlags({ client: redis }))
 *   .subscribe((ack) => console.log(ack.meta)); // { key: 'earnings_flag:NVDA' }
 * ```
 */
export function redisFlags<T>(options: RedisFlagsOptions<T>): OperatorFunction<T, Ack<T, RedisAckMeta>> {
  const key = keyOf<T>(options.key ?? 'earnings_flag:{symbol}');
  const horizon = options.horizonMs ?? DAY_MS;
  const flag =
    options.flag ??
    ((record: T) => {
      const r = record as { ts?: unknown; earningsTimestamp?: unknown; earningsTimestampStart?: unknown };
      const at = typeof r.earningsTimestampStart === 'number' ? r.earningsTimestampStart : r.earningsTimestamp;
      if (typeof at !== 'number' || typeof r.ts !== 'number') return undefined;
      return Math.abs(at - r.ts) <= horizon ? String(at) : undefined;
    });
  const ttlMs = options.ttlMs ?? Math.round((options.ttlSeconds ?? 86_400) * 1000);
  return redisCommandSink<T>('redis_flags', options, (record) => {
    let value: string | undefined;
    try {
      value = flag(record);
    } catch (e) {
      throw new RedisPlanError('fields', (e as Error).message);
    }
    if (value === undefined) {
      let k = '';
      try {
        k = key(record);
      } catch {}
      return { key: k, commands: [] };
    }
    const k = key(record);
    return { key: k, commands: [ttlMs > 0 ? ['set', k, value, 'PX', ttlMs] : ['set', k, value]] };
  });
}
