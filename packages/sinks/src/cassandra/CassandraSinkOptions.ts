import type { InvalidRecord, Instrumentation, RetryPolicy } from '@tickflow/core';
import type { SchedulerLike } from 'rxjs';
import type { CassandraClient } from './CassandraClient.js';
import type { CassandraTableName } from './cassandraTables.js';

/**
 * A table of your own: the INSERT/UPDATE to run and how to bind one record.
 *
 * @example
 * ```ts
 * import type { Quote } from '@tickflow/core';
 * import type { CassandraCustomTable } from '@tickflow/sinks/cassandra';
 * const latestQuotes: CassandraCustomTable<Quote> = {
 *   name: 'latest_quotes',
 *   query: 'INSERT INTO market_data.latest_quotes (symbol, price, ts) VALUES (?, ?, ?)',
 *   params: (q) => [q.symbol, q.price, new Date(q.ts)],
 *   partitionKey: (q) => q.symbol,
 * };
 * ```
 */
export interface CassandraCustomTable<T> {
  /** Name used in metrics labels and acks (default `'custom'`). */
  name?: string;
  /** The CQL statement with `?` markers; prepared once. Make it an idempotent upsert. */
  query: string;
  /** The bound values for one record. Throwing routes the record to `onInvalid`. */
  params(record: T): unknown[];
  /**
   * The record's partition key as a string. When given, waiting rows of the same partition may be
   * sent together as one UNLOGGED batch (see `batchRows`); without it every row is its own request.
   */
  partitionKey?(record: T): string;
}

/**
 * Where an acknowledged record went.
 *
 * @example
 * ```ts
 * import type { Ack, Trade } from '@tickflow/core';
 * import type { CassandraAckMeta } from '@tickflow/sinks/cassandra';
 * const logAck = (ack: Ack<Trade, CassandraAckMeta>) => console.log(ack.meta?.table, ack.meta?.attempts);
 * ```
 */
export interface CassandraAckMeta extends Record<string, unknown> {
  /** Table (or custom mapping) name. */
  table: string;
  /** Attempts it took (1 = first try). */
  attempts: number;
}

/**
 * Options of `cassandraSink`.
 *
 * @example
 * ```ts
 * import { Client } from 'cassandra-driver';
 * import type { Trade } from '@tickflow/core';
 * import { type CassandraSinkOptions, cassandraSink } from '@tickflow/sinks/cassandra';
 * const client = new Client({ contactPoints: ['127.0.0.1:9042'], localDataCenter: 'datacenter1' });
 * const options: CassandraSinkOptions<Trade> = { client, table: 'trades_silver', concurrency: 32, batchRows: 20 };
 * const writeSilver = cassandraSink(options);
 * ```
 */
export interface CassandraSinkOptions<T> {
  /** Your connected cassandra-driver `Client`. The sink never connects or shuts it down. */
  client: CassandraClient;
  /** One of tickflow's tables, or your own `{ query, params }` mapping. */
  table: CassandraTableName | CassandraCustomTable<T>;
  /** Keyspace of the built-in tables (default `market_data`). */
  keyspace?: string;
  /** Most requests in flight at once, like the driver's `executeConcurrent` `concurrencyLevel` (default 64). */
  concurrency?: number;
  /**
   * Most rows per request (default 20; 1 = one statement per row). When several rows of the same
   * partition are waiting, they go as one UNLOGGED single-partition batch: one mutation on one
   * replica set, atomic for that partition, far cheaper for the server than separate statements.
   * Rows of different partitions are never batched together. Needs the client's `batch` method.
   */
  batchRows?: number;
  /**
   * Most records held by the sink (in flight, waiting for a slot, or written but waiting for an
   * earlier record's ack). Exceeding it errors the stream with code `BUFFER_OVERFLOW` instead of
   * growing memory without limit. Default `Infinity`: the upstream bounds memory (kafkaSource
   * pauses once its unacknowledged records reach its own bound).
   */
  maxBuffered?: number;
  /**
   * TTL override, seconds: a number for every row or a function per record (return `undefined` to
   * keep the table's `default_time_to_live`). Adds `USING TTL ?`. Not available for custom tables.
   */
  ttlSeconds?: number | ((record: T) => number | undefined);
  /**
   * Retry policy for retriable errors. Default: retry forever (`maxAttempts: Infinity`), 100 ms
   * doubling to 5 s, 20 % jitter, so a pipeline rides out a Cassandra restart.
   */
  retry?: Partial<RetryPolicy>;
  /** Which errors to retry (default `isRetriableCassandraError`). */
  isRetriable?: (error: unknown) => boolean;
  /** Receives records that cannot be mapped to a row (missing symbol, bad ts, wrong interval…). */
  onInvalid?: (invalid: InvalidRecord) => void;
  /** Metrics and logs (default none). */
  instrumentation?: Instrumentation;
  /** Scheduler for retry waits and latency clocks (default `asyncScheduler`). */
  scheduler?: SchedulerLike;
  /** Random source for backoff jitter (default `Math.random`). */
  random?: () => number;
  /** Driver execution profile for the writes (consistency, timeouts), if you configured one. */
  executionProfile?: string;
}
