import { subjectTemplate } from '../internal/subjectTemplate.js';
import { RedisPlanError } from './redisCommandSink.js';

/**
 * Compiles a key option (template such as `'market:{symbol}'`, or a function) once.
 *
 * @param key - the option
 * @returns record → key; throws a `'key'` plan error when a template field is missing
 */
export function keyOf<T>(key: string | ((record: T) => string)): (record: T) => string {
  const fn = typeof key === 'function' ? key : subjectTemplate<T>(key, false);
  return (record) => {
    try {
      return fn(record);
    } catch (e) {
      throw new RedisPlanError('key', (e as Error).message);
    }
  };
}
