/**
 * Pipeline counters the health panel shows, as the running command reports them
 * (`GET /api/health` adds per-symbol freshness).
 *
 * @example
 * ```ts
 * const h: PipelineHealth = { trades: 10, tradesPerSecond: 2, invalid: 1, late: 0, duplicates: 0, deadLettered: 1, lagMs: 5000 };
 * ```
 */
export interface PipelineHealth {
  /** Raw records read from the source. */
  trades: number;
  /** Records per second (wall clock) over the last few seconds. */
  tradesPerSecond: number;
  /** Records rejected by validation. */
  invalid: number;
  /** Trades that arrived after their window had closed. */
  late: number;
  /** Trades dropped as duplicates. */
  duplicates: number;
  /** Records handed to the dead-letter hook/topic. */
  deadLettered: number;
  /** How far the pipeline trails its input, ms: watermark behind the newest event time (demo), or consumer lag. `null` before any data. */
  lagMs: number | null;
  /** Messages behind the input partitions' high watermarks (Kafka consumer lag; `tickflow process` only). `null` before the first fetch. */
  consumerLag?: number | null;
}
