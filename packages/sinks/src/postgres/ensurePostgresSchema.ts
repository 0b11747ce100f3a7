import { ConfigurationError } from '@tickflow/core';
import { createPartitions } from './createPartitions.js';
import { hasTimescale } from './hasTimescale.js';
import type { PartitionGranularity } from './partitionRanges.js';
import type { PostgresQueryable } from './PostgresQueryable.js';
import { createTableSql, ident, type PostgresKind, postgresTables, qualified } from './postgresTables.js';

/**
 * Options of {@link ensurePostgresSchema}.
 *
 * @example
 * ```ts
 * import pg from 'pg';
 * import { type EnsurePostgresSchemaOptions, ensurePostgresSchema } from '@tickflow/sinks/postgres';
 * const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });
 * const options: EnsurePostgresSchemaOptions = {
 *   schema: 'market',
 *   kinds: ['trades', 'bars'],
 *   tableNames: { bars: 'bars_1m' },
 *   partition: 'month',
 *   backfillFrom: Date.UTC(2023, 0, 1),
 *   timescale: false,
 * };
 * await ensurePostgresSchema(pool, options);
 * ```
 */
export interface EnsurePostgresSchemaOptions {
  /** Schema to create the tables in; created when missing (default `'public'`). */
  schema?: string;
  /** Which tables (default all: `['trades', 'bars', 'quotes']`). */
  kinds?: PostgresKind[];
  /** Table name per kind (default the kind's name). */
  tableNames?: Partial<Record<PostgresKind, string>>;
  /** Partition size (default `'day'`). Also the TimescaleDB chunk interval. */
  partition?: PartitionGranularity;
  /** Partitions created ahead of `now`, besides the current one (default 3). */
  premake?: number;
  /** Also create partitions back to this instant, epoch ms (for backfills). */
  backfillFrom?: number;
  /**
   * Use TimescaleDB hypertables instead of native partitioning: `'auto'` (default) when the
   * `timescaledb` extension is installed, `true` to require it, `false` never.
   */
  timescale?: boolean | 'auto';
  /** The current time, epoch ms (default `Date.now()`). */
  now?: number;
}

/**
 * What {@link ensurePostgresSchema} did.
 *
 * @example
 * ```ts
 * import pg from 'pg';
 * import { type PostgresSchemaInfo, ensurePostgresSchema } from '@tickflow/sinks/postgres';
 * const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });
 * const info: PostgresSchemaInfo = await ensurePostgresSchema(pool);
 * console.log(info.schema, info.tables.trades, info.timescale ? 'hypertables' : `${info.partitions.length} partitions`);
 * ```
 */
export interface PostgresSchemaInfo {
  /** Schema used. */
  schema: string;
  /** Tables by kind. */
  tables: Partial<Record<PostgresKind, string>>;
  /** True when the tables are TimescaleDB hypertables. */
  timescale: boolean;
  /** Native partitions now covering the premade range (empty with TimescaleDB). */
  partitions: string[];
}

const ALL_KINDS: PostgresKind[] = ['trades', 'bars', 'quotes'];

/**
 * Creates tickflow's PostgreSQL tables (trades, bars, quotes) if missing, time-partitioned:
 * natively (`PARTITION BY RANGE` on `ts`/`start`, daily or monthly partitions created `premake`
 * ahead; {@link postgresSink} also creates missing ones on demand), or as TimescaleDB hypertables
 * (`create_hypertable(…, chunk_time_interval => 1 day|1 month)`) when the extension is present.
 * Idempotent: call it at every start. Pair with {@link dropOldPartitions} for retention.
 *
 * @param db - a `pg` Pool or Client
 * @param options - schema, tables, partition size, TimescaleDB choice
 * @returns what exists now
 * @example
 * ```ts
 * import pg from 'pg';
 * import { ensurePostgresSchema } from '@tickflow/sinks/postgres';
 *
 * const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });
 * const info = await ensurePostgresSchema(pool, { partition: 'day', premake: 7 });
 * console.log(info.timescale ? 'hypertables' : `${info.partitions.length} partitions`);
 * ```
 */
export async function ensurePostgresSchema(db: PostgresQueryable, options: EnsurePostgresSchemaOptions = {}): Promise<PostgresSchemaInfo> {
  const schema = options.schema ?? 'public';
  const kinds = options.kinds ?? ALL_KINDS;
  const granularity = options.partition ?? 'day';
  const now = options.now ?? Date.now();
  const installed = options.timescale === false ? false : await hasTimescale(db);
  if (options.timescale === true && !installed) {
    throw new ConfigurationError('timescale: true but the timescaledb extension is not installed in this database', {
      setting: 'timescale',
      hint: "run CREATE EXTENSION timescaledb (needs the TimescaleDB packages), or pass timescale: 'auto' for native partitioning",
    });
  }
  await db.query(`CREATE SCHEMA IF NOT EXISTS ${ident(schema)}`);
  const info: PostgresSchemaInfo = { schema, tables: {}, timescale: installed, partitions: [] };
  for (const kind of kinds) {
    const spec = postgresTables[kind];
    const table = options.tableNames?.[kind] ?? kind;
    info.tables[kind] = table;
    const name = qualified(schema, table);
    await db.query(createTableSql(spec, name, !installed));
    if (installed) {
      await db.query(
        `SELECT create_hypertable($1::regclass, $2::name, chunk_time_interval => $3::interval, if_not_exists => TRUE, migrate_data => TRUE)`,
        [name, spec.timeColumn, granularity === 'day' ? '1 day' : '1 month'],
      );
      continue;
    }
    const premake = options.premake ?? 3;
    const ahead = granularity === 'day' ? now + premake * 86_400_000 : Date.UTC(new Date(now).getUTCFullYear(), new Date(now).getUTCMonth() + premake, 1);
    const from = Math.min(options.backfillFrom ?? now, now);
    info.partitions.push(...(await createPartitions(db, { table, schema, from, to: ahead, partition: granularity })));
  }
  return info;
}
