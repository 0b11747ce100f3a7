/**
 * What the PostgreSQL helpers need from `pg`: a `Pool` (recommended) or a connected `Client`.
 * The caller owns it; nothing here ends it.
 *
 * @example
 * ```ts
 * import pg from 'pg';
 * import { type PostgresQueryable, ensurePostgresSchema } from '@tickflow/sinks/postgres';
 * const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });
 * // A pg Pool fits as is; so does a wrapper, here one that logs slow statements.
 * const logged: PostgresQueryable = {
 *   async query(text, values) {
 *     const started = Date.now();
 *     const result = await pool.query(text, values);
 *     if (Date.now() - started > 500) console.warn('slow statement:', text.slice(0, 80));
 *     return result;
 *   },
 * };
 * await ensurePostgresSchema(logged);
 * ```
 */
export interface PostgresQueryable {
  query(text: string, values?: unknown[]): Promise<{ rows: any[]; rowCount: number | null }>;
}
