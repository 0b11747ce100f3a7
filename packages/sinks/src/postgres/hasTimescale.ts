import type { PostgresQueryable } from './PostgresQueryable.js';

/**
 * Whether the TimescaleDB extension is installed in the current database (`pg_extension`).
 *
 * @param db - a `pg` Pool or Client
 * @returns true when `timescaledb` is installed
 */
export async function hasTimescale(db: PostgresQueryable): Promise<boolean> {
  const r = await db.query(`SELECT 1 FROM pg_extension WHERE extname = 'timescaledb'`);
  return r.rows.length > 0;
}
