import { ConfigurationError } from '@tickflow/core';
import { hasTimescale } from './hasTimescale.js';
import { parsePartitionName } from './partitionRanges.js';
import type { PostgresQueryable } from './PostgresQueryable.js';
import { type PostgresKind, qualified } from './postgresTables.js';

/**
 * Options of {@link dropOldPartitions}.
 *
 * @example
 * ```ts
 * import pg from 'pg';
 * import { type DropOldPartitionsOptions, dropOldPartitions } from '@tickflow/sinks/postgres';
 * const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });
 * const options: DropOldPartitionsOptions = { olderThanDays: 90, tables: ['trades', 'quotes'], dryRun: true };
 * console.log('would drop', await dropOldPartitions(pool, options));
 * ```
 */
export interface DropOldPartitionsOptions {
  /** Drop partitions whose whole range ends at least this many days before `now`. */
  olderThanDays: number;
  /** Schema of the tables (default `'public'`). */
  schema?: string;
  /** Parent tables to prune (default `['trades', 'bars', 'quotes']`, those that exist). */
  tables?: string[];
  /** The current time, epoch ms (default `Date.now()`). */
  now?: number;
  /** Only report what would be dropped (default false). */
  dryRun?: boolean;
}

const DEFAULT_TABLES: PostgresKind[] = ['trades', 'bars', 'quotes'];

/**
 * The retention job: drops the partitions (made by {@link ensurePostgresSchema} /
 * {@link createPartitions}) whose range ends `olderThanDays` or more before `now` — dropping a
 * partition is instant and leaves no bloat, unlike `DELETE`. For a TimescaleDB hypertable it calls
 * `drop_chunks(table, older_than => now - olderThanDays)` instead. Run it from a scheduler (cron,
 * a `setInterval` in the processor) about once a day.
 *
 * @param db - a `pg` Pool or Client
 * @param options - age threshold, schema, tables
 * @returns the names of the partitions (or chunks) dropped
 * @example
 * ```ts
 * import pg from 'pg';
 * import { dropOldPartitions } from '@tickflow/sinks/postgres';
 *
 * const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });
 * const dropped = await dropOldPartitions(pool, { olderThanDays: 30 });
 * console.log('dropped', dropped);
 * ```
 */
export async function dropOldPartitions(db: PostgresQueryable, options: DropOldPartitionsOptions): Promise<string[]> {
  if (!Number.isFinite(options.olderThanDays) || options.olderThanDays < 0) {
    throw new ConfigurationError(`olderThanDays must be a number >= 0, got ${options.olderThanDays}`, { setting: 'olderThanDays' });
  }
  const schema = options.schema ?? 'public';
  const now = options.now ?? Date.now();
  const cutoff = now - options.olderThanDays * 86_400_000;
  const timescale = await hasTimescale(db);
  const dropped: string[] = [];
  for (const table of options.tables ?? DEFAULT_TABLES) {
    const exists = await db.query('SELECT to_regclass($1) AS oid', [qualified(schema, table)]);
    if (!exists.rows[0]?.oid) continue;
    if (timescale) {
      const h = await db.query('SELECT 1 FROM timescaledb_information.hypertables WHERE hypertable_schema = $1 AND hypertable_name = $2', [schema, table]);
      if (h.rows.length > 0) {
        if (options.dryRun) {
          const c = await db.query('SELECT show_chunks($1::regclass, older_than => to_timestamp($2 / 1000.0))::text AS name', [qualified(schema, table), cutoff]);
          dropped.push(...c.rows.map((r) => String(r.name)));
        } else {
          const c = await db.query('SELECT drop_chunks($1::regclass, older_than => to_timestamp($2 / 1000.0))::text AS name', [qualified(schema, table), cutoff]);
          dropped.push(...c.rows.map((r) => String(r.name)));
        }
        continue;
      }
    }
    const parts = await db.query(
      `SELECT c.relname AS name FROM pg_inherits i
         JOIN pg_class c ON c.oid = i.inhrelid
         JOIN pg_class p ON p.oid = i.inhparent
         JOIN pg_namespace n ON n.oid = p.relnamespace
       WHERE n.nspname = $1 AND p.relname = $2 ORDER BY c.relname`,
      [schema, table],
    );
    for (const row of parts.rows) {
      const name = String(row.name);
      const range = parsePartitionName(table, name);
      if (!range || range.to > cutoff) continue;
      if (!options.dryRun) await db.query(`DROP TABLE IF EXISTS ${qualified(schema, name)}`);
      dropped.push(name);
    }
  }
  return dropped;
}
