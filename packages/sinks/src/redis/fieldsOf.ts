import { RedisPlanError } from './redisCommandSink.js';
import type { RedisFieldValue } from './RedisSinkOptions.js';

/**
 * Compiles a fields option (record → field values) once, into a step that appends a record's
 * `name value …` pairs to a command (HSET, XADD).
 *
 * @param fields - the option
 * @returns (record, key, command) → the command with the pairs appended; throws a `'fields'` plan
 *   error (naming the key) when the mapping throws or yields no field
 */
export function fieldsOf<T>(fields: (record: T) => Record<string, RedisFieldValue>): (record: T, key: string, command: (string | number)[]) => (string | number)[] {
  return (record, key, command) => {
    let f: Record<string, RedisFieldValue>;
    try {
      f = fields(record);
    } catch (e) {
      throw new RedisPlanError('fields', (e as Error).message, key);
    }
    const n = command.length;
    for (const name in f) command.push(name, f[name]!);
    if (command.length === n) throw new RedisPlanError('fields', 'the record has no fields to store', key);
    return command;
  };
}
