/**
 * What the PostgreSQL helpers need from `pg`: a `Pool` (recommended) or a connected `Client`.
 * The caller owns it; nothing here ends it.
 */
export interface PostgresQueryable {
  query(text: string, values?: unknown[]): Promise<{ rows: any[]; rowCount: number | null }>;
}
