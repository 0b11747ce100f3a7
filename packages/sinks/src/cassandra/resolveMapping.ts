// Internal: turns cassandraSink's `table` option into a RowMapping, and checks TTLs.
import { ConfigurationError, ValidationError } from '@tickflow/core';
import type { CassandraSinkOptions } from './CassandraSinkOptions.js';
import { cassandraTables, type CassandraTableName } from './cassandraTables.js';
import { checkKeyspace } from './checkKeyspace.js';
import { type RowMapping, tableMapping } from './tableMappings.js';

/** The row mapping the options ask for; throws a ConfigurationError naming the bad setting. */
export function resolveMapping<T>(options: CassandraSinkOptions<T>, now: () => number): RowMapping<T> {
  const { table } = options;
  if (typeof table === 'string') {
    if (!(table in cassandraTables)) {
      throw new ConfigurationError(`unknown table ${JSON.stringify(table)}; use one of ${Object.keys(cassandraTables).join(', ')} or { query, params }`, {
        setting: 'table',
      });
    }
    return tableMapping<T>(checkKeyspace(options.keyspace ?? 'market_data'), table as CassandraTableName, now);
  }
  if (typeof table !== 'object' || table === null || typeof table.query !== 'string' || typeof table.params !== 'function') {
    throw new ConfigurationError('table must be a table name or { query: string, params(record): unknown[] }', { setting: 'table' });
  }
  if (options.ttlSeconds !== undefined) {
    throw new ConfigurationError('ttlSeconds works with the built-in tables only; put USING TTL in your custom query', { setting: 'ttlSeconds' });
  }
  const pk = table.partitionKey;
  return {
    name: table.name ?? 'custom',
    query: table.query,
    queryWithTtl: undefined,
    timestamped: false,
    params: (r) => table.params(r),
    partitionKey: typeof pk === 'function' ? (r) => pk.call(table, r) : undefined,
  };
}

/** A TTL in seconds, or a ValidationError. */
export function checkTtl(ttl: unknown, record: unknown): number {
  if (typeof ttl !== 'number' || !Number.isInteger(ttl) || ttl < 0) {
    throw new ValidationError(`ttlSeconds must be an integer >= 0, got ${String(ttl)}`, { field: 'ttlSeconds', input: record });
  }
  return ttl;
}
