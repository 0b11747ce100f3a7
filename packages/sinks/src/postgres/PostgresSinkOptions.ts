import type { Instrumentation, InvalidRecord, RetryPolicy } from '@tickflow/core';
import type { SchedulerLike } from 'rxjs';
import type { PartitionGranularity } from './partitionRanges.js';
import type { PostgresQueryable } from './PostgresQueryable.js';
import type { PostgresKind } from './postgresTables.js';

/** Where an acknowledged record went; the `meta` of {@link postgresSink}'s acks. */
export interface PostgresAckMeta {
  /** Schema-qualified table name. */
  table: string;
  /** Set when the record was not stored (it can never be): the reason. */
  deadLetter?: string;
}

/** A record {@link postgresSink} could not store, as given to `onInvalid`. */
export interface PostgresDeadLetter extends InvalidRecord {
  /** `'invalid'` (a required column is missing or not a finite number) or `'rejected'` (PostgreSQL refused the row). */
  kind: 'invalid' | 'rejected';
}

/** Options of {@link postgresSink}. */
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
