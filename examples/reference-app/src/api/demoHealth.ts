import type { DemoStats } from '../demo/DemoStats.js';
import type { PipelineHealth } from './PipelineHealth.js';

/**
 * The demo's {@link PipelineHealth}: its counters, and as lag the distance of the watermark
 * behind the newest event time (how much later than the newest trade windows close). Invalid
 * records go to the validate `onInvalid` hook, the demo's dead-letter hook, so `deadLettered`
 * equals `invalid` there.
 *
 * @param stats - the running demo's stats
 * @returns a function reading the current health
 * @example
 * ```ts
 * const health = demoHealth(new DemoStats());
 * health().trades; // 0
 * ```
 */
export function demoHealth(stats: DemoStats): () => PipelineHealth {
  return () => ({
    trades: stats.trades,
    tradesPerSecond: Math.round(stats.rate() * 10) / 10,
    invalid: stats.invalid,
    late: stats.late,
    duplicates: stats.duplicates,
    deadLettered: stats.invalid,
    lagMs: Number.isFinite(stats.eventTime) && Number.isFinite(stats.watermark) ? Math.max(0, stats.eventTime - stats.watermark) : null,
  });
}
