import { ConfigurationError } from '@tickflow/core';
import { cassandraCql } from './cassandraCql.js';
import { cassandraTables, type CassandraTableName } from './cassandraTables.js';
import { checkKeyspace } from './checkKeyspace.js';

/**
 * Keyspace replication map, e.g. `{ class: 'NetworkTopologyStrategy', dc1: 3 }`.
 *
 * @example
 * ```ts
 * import { type CassandraReplication, schemaStatements } from '@tickflow/sinks/cassandra';
 * const replication: CassandraReplication = { class: 'NetworkTopologyStrategy', dc1: 3, dc2: 3 };
 * const cql = schemaStatements({ replication });
 * ```
 */
export type CassandraReplication = { class: string } & Record<string, string | number>;

/**
 * Options of {@link schemaStatements} and `ensureSchema`.
 *
 * @example
 * ```ts
 * import { type SchemaOptions, schemaStatements } from '@tickflow/sinks/cassandra';
 * const options: SchemaOptions = { keyspace: 'md_test', tables: ['trades_gold_5m'], defaultTtlSeconds: { trades_gold_5m: 3600 } };
 * console.log(schemaStatements(options).join(';\n'));
 * ```
 */
export interface SchemaOptions {
  /** Keyspace name (default `market_data`). Letters, digits and `_`, starting with a letter, ≤ 48 chars. */
  keyspace?: string;
  /** Replication map (default `{ class: 'SimpleStrategy', replication_factor: 1 }`, for one local node). */
  replication?: CassandraReplication;
  /** Shorthand for `replication: { class: 'SimpleStrategy', replication_factor: n }`. */
  replicationFactor?: number;
  /** Which tables to create (default all four). */
  tables?: readonly CassandraTableName[];
  /** Override a table's `default_time_to_live`, seconds. */
  defaultTtlSeconds?: Partial<Record<CassandraTableName, number>>;
}

const ALL: readonly CassandraTableName[] = ['trades_bronze', 'trades_silver', 'trades_gold_5m', 'trades_gold_1h'];

const stripComments = (cql: string) =>
  cql
    .split('\n')
    .filter((l) => !l.trimStart().startsWith('--'))
    .join('\n')
    .trim()
    .replace(/;$/, '');

/**
 * The CQL statements that create tickflow's keyspace and tables (all `IF NOT EXISTS`), with the
 * keyspace name, replication and TTLs substituted into the verbatim `schema/*.cql` text. The first
 * statement creates the keyspace; one statement per table follows.
 *
 * @param options - keyspace name, replication, table subset and TTL overrides
 * @returns the statements in execution order, comments stripped, without trailing `;`
 * @example
 * ```ts
 * import { schemaStatements } from '@tickflow/sinks/cassandra';
 * const cql = schemaStatements({ keyspace: 'md_test', replication: { class: 'NetworkTopologyStrategy', dc1: 3 } });
 * console.log(cql.join(';\n\n'));
 * ```
 */
export function schemaStatements(options: SchemaOptions = {}): string[] {
  const keyspace = checkKeyspace(options.keyspace ?? 'market_data');
  const rf = options.replicationFactor ?? 1;
  if (!Number.isInteger(rf) || rf < 1) {
    throw new ConfigurationError(`replicationFactor must be an integer >= 1, got ${rf}`, { setting: 'replicationFactor' });
  }
  const replication = options.replication ?? { class: 'SimpleStrategy', replication_factor: rf };
  if (typeof replication.class !== 'string' || replication.class.length === 0) {
    throw new ConfigurationError('replication.class is required, e.g. SimpleStrategy or NetworkTopologyStrategy', { setting: 'replication' });
  }
  const map = Object.entries(replication)
    .map(([k, v]) => `'${k.replace(/'/g, "''")}': '${String(v).replace(/'/g, "''")}'`)
    .join(', ');
  const ks = stripComments(cassandraCql.keyspace)
    .replace(/\bmarket_data\b/, keyspace)
    .replace(/\{[^}]*\}/, `{${map}}`);
  const out = [ks];
  for (const table of options.tables ?? ALL) {
    if (!(table in cassandraTables)) {
      throw new ConfigurationError(`unknown table ${JSON.stringify(table)}; expected one of ${ALL.join(', ')}`, { setting: 'tables' });
    }
    let cql = stripComments(cassandraCql[table]).replace(/\bmarket_data\./, `${keyspace}.`);
    const ttl = options.defaultTtlSeconds?.[table];
    if (ttl !== undefined) {
      if (!Number.isInteger(ttl) || ttl < 0) {
        throw new ConfigurationError(`defaultTtlSeconds.${table} must be an integer >= 0, got ${ttl}`, { setting: 'defaultTtlSeconds' });
      }
      cql = cql.replace(/default_time_to_live = \d+/, `default_time_to_live = ${ttl}`);
    }
    out.push(cql);
  }
  return out;
}
