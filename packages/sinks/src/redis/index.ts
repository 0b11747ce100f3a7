/**
 * Redis sinks: latest values, streams and flags.
 *
 * @module @tickflow/sinks/redis
 */
export type { RedisAckMeta, RedisDeadLetter, RedisFieldValue, RedisSinkCommonOptions } from './RedisSinkOptions.js';
export { type RedisFlagsOptions, redisFlags } from './redisFlags.js';
export { type RedisLatestOptions, redisLatest } from './redisLatest.js';
export { type RedisStreamOptions, redisStream } from './redisStream.js';
