import type { Instrumentation, InvalidRecord, RetryPolicy } from '@tickflow/core';
import type { SchedulerLike } from 'rxjs';
import type { PartitionGranularity } from './partitionRanges.js';
import type { PostgresQueryable } from './PostgresQueryable.js';
import type { PostgresKind } from './postgresTables.js';

/**
 * Where an acknowledged record went; the `meta` of {@link postgresSink}'s acks.
 *
 * @example
 * ```ts
 * import type { Ack, Trade } from '@tickflow/core';
 * import type { PostgresAckMeta } from '@tickflow/sinks/postgres';
 * const logAck = (ack: Ack<Trade, PostgresAckMeta>) =>
 *   ack.meta?.deadLetter ? console.warn(`${ack.record.id} not stored: ${ack.meta.deadLetter}`) : console.log('stored in', ack.meta?.table);
 * ```
 */
export interface PostgresAckMeta {
  /** Schema-qualified table name. */
  table: string;
  /** Set when the record was not stored (it can never be): the reason. */
  deadLetter?: string;
}

/**
 * A record {@link postgresSink} could not store, as given to `onInvalid`.
 *
 * @example
 * ```ts
 * import pg from 'pg';
 * import { type PostgresDeadLetter, postgresSink } from '@tickflow/sinks/postgres';
 * const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });
 * const onInvalid = (dead: PostgresDeadLetter) => console.warn(`dead letter (${dead.kind}): ${dead.reason}`);
 * const store = postgresSink({ pool, kind: 'trades', onInvalid });
 * ```
 */
export interface PostgresDeadLetter extends InvalidRecord {
  /** `'invalid'` (a required column is missing or not a finite number) or `'rejected'` (PostgreSQL refused the row). */
  kind: 'invalid' | 'rejected';
}

/**
 * Options of {@link postgresSink}.
 *
 * @example
 * ```ts
 * import type { Bar } from '@tickflow/core';
 * import pg from 'pg';
 * import { type PostgresSinkOptions, postgresSink } from '@tickflow/sinks/postgres';
 * const options: PostgresSinkOptions<Bar> = {
 *   pool: new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 4 }),
 *   kind: 'bars',
 *   table: 'bars_1m',
 *   schema: 'market',
 *   batchSize: 500,
 *   maxInFlight: 2,
 * };
 * const storeBars = postgresSink(options);
 * ```
 */
export interface PostgresSinkOptions<T> {
  /** The caller's `pg` Pool (or a connected Client); the sink never ends it. */
  pool: PostgresQueryable;
  /** What the records are: `'trades'`, `'bars'` or `'quotes'` (chooses columns, key and conflict rule). */
  kind: PostgresKind;
  /** Table name (default the kind's name). Create it with `ensurePostgresSchema`. */
  table?: string;
  /** Schema (default `'public'`). */
  schema?: string;
  /**
   * Granularity used to create a missing partition when an insert hits "no partition of relation
   * found" (default `'day'`, as `ensurePostgresSchema`); `false` turns that off.
   */
  partition?: PartitionGranularity | false;
  /** Rows per INSERT (default 1000). */
  batchSize?: number;
  /** How long a partial batch waits for more records, ms (default 20). */
  lingerMs?: number;
  /** INSERTs in flight at once, each on its own pooled connection (default 2). Acks stay in input order. */
  maxInFlight?: number;
  /** Records held (waiting + in flight) before the sink errors with `BACKPRESSURE` (default 100000). */
  maxBuffered?: number;
  /** Retry policy of retriable failures (connection loss, serialization failure, deadlock, too many connections); default core's `defaultRetryPolicy`. */
  retry?: Partial<RetryPolicy>;
  /** Called for each record that can never be stored (it is acked with `meta.deadLetter` and counted). */
  onInvalid?: (dead: PostgresDeadLetter & { input: T }) => void;
  /** Metrics and logs (default none). */
  instrumentation?: Instrumentation;
  /** Scheduler of linger timers and retry waits (default `asyncScheduler`). */
  scheduler?: SchedulerLike;
  /** Random source of retry jitter. */
  random?: () => number;
}
