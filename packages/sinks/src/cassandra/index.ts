/**
 * Cassandra sink (cassandra-driver) for the Bronze/Silver/Gold tables, schema creation and reads.
 *
 * @module @tickflow/sinks/cassandra
 */
export type { CassandraClient, CassandraQueryOptions, CassandraResult, CassandraRow } from './CassandraClient.js';
export type { CassandraAckMeta, CassandraCustomTable, CassandraSinkOptions } from './CassandraSinkOptions.js';
export { cassandraCql } from './cassandraCql.js';
export { cassandraSink } from './cassandraSink.js';
export { type CassandraTableInfo, type CassandraTableName, cassandraTables } from './cassandraTables.js';
export { type EnsureSchemaOptions, type EnsureSchemaResult, ensureSchema } from './ensureSchema.js';
export { isRetriableCassandraError } from './isRetriableCassandraError.js';
export { type ReadBarsOptions, readBars } from './readBars.js';
export { type ReadTradesOptions, readTrades } from './readTrades.js';
export { type CassandraReplication, type SchemaOptions, schemaStatements } from './schemaStatements.js';
