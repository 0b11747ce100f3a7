/**
 * Name of one of tickflow's four Cassandra tables.
 *
 * @example
 * ```ts
 * import type { CassandraTableName } from '@tickflow/sinks/cassandra';
 * const gold: CassandraTableName[] = ['trades_gold_5m', 'trades_gold_1h'];
 * ```
 */
export type CassandraTableName = 'trades_bronze' | 'trades_silver' | 'trades_gold_5m' | 'trades_gold_1h';

/**
 * What a built-in table stores and for how long.
 *
 * @example
 * ```ts
 * import { type CassandraTableInfo, cassandraTables } from '@tickflow/sinks/cassandra';
 * const silver: CassandraTableInfo = cassandraTables.trades_silver;
 * silver.ttlSeconds / 86_400; // 30 days
 * ```
 */
export interface CassandraTableInfo {
  /** The table name. */
  readonly name: CassandraTableName;
  /** Layer of the medallion pipeline. */
  readonly layer: 'bronze' | 'silver' | 'gold';
  /** `trade` rows are partitioned by (symbol, day); `bar` rows by (symbol, bucket). */
  readonly kind: 'trade' | 'bar';
  /** Bar interval for Gold tables (`'5m'`, `'1h'`). */
  readonly interval?: '5m' | '1h';
  /** The table's `default_time_to_live`, seconds. */
  readonly ttlSeconds: number;
}

const DAY = 86_400;

/**
 * tickflow's four tables with their layer and default TTL: Bronze 7 days, Silver 30 days,
 * Gold 5m 90 days, Gold 1h 365 days (the `default_time_to_live` that {@link ensureSchema} sets).
 *
 * @example
 * ```ts
 * import { cassandraTables } from '@tickflow/sinks/cassandra';
 * cassandraTables.trades_gold_1h.ttlSeconds; // 31_536_000
 * ```
 */
export const cassandraTables: Readonly<Record<CassandraTableName, CassandraTableInfo>> = Object.freeze({
  trades_bronze: Object.freeze({ name: 'trades_bronze', layer: 'bronze', kind: 'trade', ttlSeconds: 7 * DAY }),
  trades_silver: Object.freeze({ name: 'trades_silver', layer: 'silver', kind: 'trade', ttlSeconds: 30 * DAY }),
  trades_gold_5m: Object.freeze({ name: 'trades_gold_5m', layer: 'gold', kind: 'bar', interval: '5m', ttlSeconds: 90 * DAY }),
  trades_gold_1h: Object.freeze({ name: 'trades_gold_1h', layer: 'gold', kind: 'bar', interval: '1h', ttlSeconds: 365 * DAY }),
} as const);
