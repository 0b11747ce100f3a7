import { retryAsync } from '@tickflow/core';
import type { CassandraClient } from './CassandraClient.js';
import type { CassandraTableName } from './cassandraTables.js';
import { isRetriableCassandraError } from './isRetriableCassandraError.js';
import { type SchemaOptions, schemaStatements } from './schemaStatements.js';

/**
 * Options of {@link ensureSchema}.
 *
 * @example
 * ```ts
 * import { Client } from 'cassandra-driver';
 * import { type EnsureSchemaOptions, ensureSchema } from '@tickflow/sinks/cassandra';
 * const client = new Client({ contactPoints: ['127.0.0.1:9042'], localDataCenter: 'datacenter1' });
 * const options: EnsureSchemaOptions = { keyspace: 'market_data', replicationFactor: 3, timeoutMs: 120_000 };
 * await ensureSchema(client, options);
 * ```
 */
export interface EnsureSchemaOptions extends SchemaOptions {
  /** Client-side timeout per DDL statement, ms (default 60 000: DDL on a busy node is slow). */
  timeoutMs?: number;
}

/**
 * What {@link ensureSchema} did.
 *
 * @example
 * ```ts
 * import { Client } from 'cassandra-driver';
 * import { type EnsureSchemaResult, ensureSchema } from '@tickflow/sinks/cassandra';
 * const client = new Client({ contactPoints: ['127.0.0.1:9042'], localDataCenter: 'datacenter1' });
 * const result: EnsureSchemaResult = await ensureSchema(client);
 * console.log(`created ${result.created.join(', ') || 'nothing'}; kept ${result.existing.join(', ')}`);
 * ```
 */
export interface EnsureSchemaResult {
  /** The keyspace. */
  keyspace: string;
  /** Keyspace and tables created by this call (`'keyspace'` for the keyspace itself). */
  created: Array<CassandraTableName | 'keyspace'>;
  /** Tables that were already there and were left untouched. */
  existing: CassandraTableName[];
}

/**
 * Creates tickflow's keyspace and tables if they are missing; idempotent. It reads
 * `system_schema` first and only runs the `CREATE … IF NOT EXISTS` statements for what is missing,
 * so a second call runs no DDL at all. Existing tables are never altered (change a TTL with
 * `ALTER TABLE … WITH default_time_to_live = …`). Timeouts and unavailable errors are retried
 * (the statements are idempotent). The client is not shut down.
 *
 * @param client - a connected cassandra-driver `Client` (no keyspace needed)
 * @param options - keyspace name (default `market_data`), replication (default SimpleStrategy RF 1),
 *   tables and TTL overrides
 * @returns which objects were created and which existed
 * @example
 * ```ts
 * import { Client } from 'cassandra-driver';
 * import { ensureSchema } from '@tickflow/sinks/cassandra';
 * const client = new Client({ contactPoints: ['127.0.0.1:9042'], localDataCenter: 'datacenter1' });
 * const { created } = await ensureSchema(client, { keyspace: 'market_data' });
 * console.log('created', created);
 * await client.shutdown();
 * ```
 */
export async function ensureSchema(client: CassandraClient, options: EnsureSchemaOptions = {}): Promise<EnsureSchemaResult> {
  const statements = schemaStatements(options);
  const keyspace = options.keyspace ?? 'market_data';
  const tables = (options.tables ?? ['trades_bronze', 'trades_silver', 'trades_gold_5m', 'trades_gold_1h']) as CassandraTableName[];
  const run = (query: string, params?: unknown[]) =>
    retryAsync(() => client.execute(query, params, { prepare: params !== undefined, readTimeout: options.timeoutMs ?? 60_000 }), {
      operation: `ensureSchema (${query.slice(0, 60)}…)`,
      isRetriable: isRetriableCassandraError,
      policy: { maxAttempts: 5, initialDelayMs: 500, maxDelayMs: 5_000 },
    });

  const ks = await run('SELECT keyspace_name FROM system_schema.keyspaces WHERE keyspace_name = ?', [keyspace]);
  const have = new Set<string>();
  if (ks.rows.length > 0) {
    const t = await run('SELECT table_name FROM system_schema.tables WHERE keyspace_name = ?', [keyspace]);
    for (const row of t.rows) have.add(String(row.get('table_name')));
  }
  const created: EnsureSchemaResult['created'] = [];
  const existing: CassandraTableName[] = [];
  if (ks.rows.length === 0) {
    await run(statements[0] as string);
    created.push('keyspace');
  }
  for (let i = 0; i < tables.length; i++) {
    const table = tables[i] as CassandraTableName;
    if (have.has(table)) {
      existing.push(table);
      continue;
    }
    await run(statements[i + 1] as string);
    created.push(table);
  }
  return { keyspace, created, existing };
}
