/**
 * Execution options tickflow passes to `client.execute` (a subset of cassandra-driver's `QueryOptions`).
 *
 * @example
 * ```ts
 * import type { CassandraClient, CassandraQueryOptions } from '@tickflow/sinks/cassandra';
 * const options: CassandraQueryOptions = { prepare: true, fetchSize: 1000 };
 * const count = async (client: CassandraClient) => (await client.execute('SELECT symbol FROM market_data.trades_gold_1h LIMIT 10', [], options)).rows.length;
 * ```
 */
export interface CassandraQueryOptions {
  /** Prepare the statement once and reuse it (always true for tickflow's writes and reads). */
  prepare?: boolean;
  /** Lets the driver retry or speculatively execute the statement (true for tickflow's upserts). */
  isIdempotent?: boolean;
  /** Rows per page for reads. */
  fetchSize?: number;
  /** Where the previous page ended. */
  pageState?: string | Buffer;
  /** Execution profile name, if the caller set one up. */
  executionProfile?: string;
  /** Per-request client timeout, ms (used for DDL, which can be slow). */
  readTimeout?: number;
  /** For `batch`: false = UNLOGGED (tickflow only batches rows of one partition). */
  logged?: boolean;
}

/**
 * A row as the driver returns it: columns by name.
 *
 * @example
 * ```ts
 * import type { CassandraRow } from '@tickflow/sinks/cassandra';
 * const closeOf = (row: CassandraRow): number => row.get('close');
 * ```
 */
export interface CassandraRow {
  /** Reads a column by name. */
  get(name: string): any;
}

/**
 * The part of a driver `ResultSet` tickflow reads.
 *
 * @example
 * ```ts
 * import type { CassandraResult } from '@tickflow/sinks/cassandra';
 * const hasMore = (rs: CassandraResult) => rs.pageState != null;
 * ```
 */
export interface CassandraResult {
  /** Rows of this page. */
  rows: CassandraRow[];
  /** Set when more pages follow. */
  pageState?: string | null;
}

/**
 * The part of cassandra-driver's `Client` tickflow uses: `execute`. A real `Client` from
 * `cassandra-driver` 4.x fits; tests pass a fake. tickflow never connects or shuts down the
 * client: the caller owns it.
 *
 * @example
 * ```ts
 * import { Client } from 'cassandra-driver';
 * import type { CassandraClient } from '@tickflow/sinks/cassandra';
 * const client: CassandraClient = new Client({ contactPoints: ['127.0.0.1:9042'], localDataCenter: 'datacenter1' });
 * ```
 */
export interface CassandraClient {
  /** Executes one statement. */
  execute(query: string, params?: unknown[], options?: CassandraQueryOptions): Promise<CassandraResult>;
  /**
   * Executes a batch. Optional: without it the sink sends one statement per row. The sink only
   * batches rows of one partition, as UNLOGGED batches.
   */
  batch?(queries: Array<{ query: string; params: unknown[] }>, options?: CassandraQueryOptions): Promise<unknown>;
}
