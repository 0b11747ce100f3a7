/**
 * Partition granularity of time-partitioned tables.
 *
 * @example
 * ```ts
 * import pg from 'pg';
 * import { type PartitionGranularity, ensurePostgresSchema } from '@tickflow/sinks/postgres';
 * const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });
 * const partition: PartitionGranularity = process.env.PG_PARTITION === 'month' ? 'month' : 'day';
 * await ensurePostgresSchema(pool, { partition });
 * ```
 */
export type PartitionGranularity = 'day' | 'month';

/** One partition: name suffix and its UTC range [from, to). */
export interface PartitionRange {
  suffix: string;
  from: number;
  to: number;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/**
 * The partition holding an instant: daily partitions are `_pYYYYMMDD`, monthly `_pYYYYMM`, both
 * on UTC boundaries.
 *
 * @param ms - epoch ms
 * @param granularity - `'day'` or `'month'`
 * @returns suffix and range
 */
export function partitionOf(ms: number, granularity: PartitionGranularity): PartitionRange {
  const d = new Date(ms);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth();
  if (granularity === 'month') {
    return { suffix: `_p${y}${pad(m + 1)}`, from: Date.UTC(y, m, 1), to: Date.UTC(y, m + 1, 1) };
  }
  const day = d.getUTCDate();
  return { suffix: `_p${y}${pad(m + 1)}${pad(day)}`, from: Date.UTC(y, m, day), to: Date.UTC(y, m, day + 1) };
}

/**
 * Parses a partition name made by {@link partitionOf} back into its range.
 *
 * @param table - the parent table's name
 * @param name - the partition's name
 * @returns the range, or undefined when the name is not one of ours
 */
export function parsePartitionName(table: string, name: string): PartitionRange | undefined {
  if (!name.startsWith(`${table}_p`)) return undefined;
  const digits = name.slice(table.length + 2);
  if (/^\d{8}$/.test(digits)) {
    return partitionOf(Date.UTC(+digits.slice(0, 4), +digits.slice(4, 6) - 1, +digits.slice(6, 8)), 'day');
  }
  if (/^\d{6}$/.test(digits)) return partitionOf(Date.UTC(+digits.slice(0, 4), +digits.slice(4, 6) - 1, 1), 'month');
  return undefined;
}
