/**
 * PostgreSQL sink with time-partitioned tables.
 *
 * @module @tickflow/sinks/postgres
 */
export { type CreatePartitionsOptions, createPartitions } from './createPartitions.js';
export { type DropOldPartitionsOptions, dropOldPartitions } from './dropOldPartitions.js';
export { type EnsurePostgresSchemaOptions, ensurePostgresSchema, type PostgresSchemaInfo } from './ensurePostgresSchema.js';
export type { PartitionGranularity } from './partitionRanges.js';
export type { PostgresQueryable } from './PostgresQueryable.js';
export type { PostgresAckMeta, PostgresDeadLetter, PostgresSinkOptions } from './PostgresSinkOptions.js';
export { postgresSink } from './postgresSink.js';
export type { PostgresKind } from './postgresTables.js';
