import { ConfigurationError } from '@tickflow/core';
import { type PartitionGranularity, partitionOf } from './partitionRanges.js';
import type { PostgresQueryable } from './PostgresQueryable.js';
import { qualified } from './postgresTables.js';

/**
 * Options of {@link createPartitions}.
 *
 * @example
 * ```ts
 * import pg from 'pg';
 * import { type CreatePartitionsOptions, createPartitions } from '@tickflow/sinks/postgres';
 * const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });
 * // Before backfilling January 2024.
 * const options: CreatePartitionsOptions = { table: 'trades', from: Date.UTC(2024, 0, 1), to: Date.UTC(2024, 0, 31), partition: 'day' };
 * const names = await createPartitions(pool, options); // ['trades_p20240101', …, 'trades_p20240131']
 * ```
 */
export interface CreatePartitionsOptions {
  /** The partitioned parent table. */
  table: string;
  /** Its schema (default `'public'`). */
  schema?: string;
  /** First instant to cover, epoch ms. */
  from: number;
  /** Last instant to cover, epoch ms (default `from`). */
  to?: number;
  /** Partition size (default `'day'`): daily `<table>_pYYYYMMDD`, monthly `<table>_pYYYYMM`, UTC. */
  partition?: PartitionGranularity;
}

const ALREADY_EXISTS = new Set(['42P07', '23505']);

/**
 * Creates the range partitions of a natively partitioned table covering `[from, to]`
 * (`CREATE TABLE IF NOT EXISTS … PARTITION OF … FOR VALUES FROM … TO …`). Idempotent and safe
 * to race: a partition another process created meanwhile is fine.
 *
 * @param db - a `pg` Pool or Client
 * @param options - table, time range and granularity
 * @returns the names of the partitions covering the range (created or already there)
 * @example
 * ```ts
 * import pg from 'pg';
 * import { createPartitions } from '@tickflow/sinks/postgres';
 *
 * const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });
 * await createPartitions(pool, { table: 'trades', from: Date.now(), to: Date.now() + 7 * 86_400_000 });
 * ```
 */
export async function createPartitions(db: PostgresQueryable, options: CreatePartitionsOptions): Promise<string[]> {
  const granularity = options.partition ?? 'day';
  const schema = options.schema ?? 'public';
  const to = options.to ?? options.from;
  if (!Number.isFinite(options.from) || !Number.isFinite(to) || to < options.from) {
    throw new ConfigurationError(`createPartitions needs finite from <= to, got ${options.from}..${to}`, { setting: 'from' });
  }
  const names: string[] = [];
  for (let at = options.from; ; ) {
    const range = partitionOf(at, granularity);
    const name = `${options.table}${range.suffix}`;
    names.push(name);
    const sql =
      `CREATE TABLE IF NOT EXISTS ${qualified(schema, name)} PARTITION OF ${qualified(schema, options.table)} ` +
      `FOR VALUES FROM ('${new Date(range.from).toISOString()}') TO ('${new Date(range.to).toISOString()}')`;
    try {
      await db.query(sql);
    } catch (e) {
      if (!ALREADY_EXISTS.has((e as { code?: string }).code ?? '')) throw e;
    }
    if (range.to > to) break;
    at = range.to;
  }
  return names;
}
