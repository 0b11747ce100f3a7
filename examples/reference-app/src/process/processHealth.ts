import type { Registry } from 'prom-client';
import type { PipelineHealth } from '../api/PipelineHealth.js';

/** Options of {@link processHealth}. */
export interface ProcessHealthOptions {
  /** The processor's prom-client registry (the one `/metrics` serves). */
  registry: Registry;
  /** The processor's current event-time watermark (ms; -Infinity before any). */
  watermark: () => number;
  /** `stage` label of the processor's own counters (default `process`). */
  stage?: string;
  /** Metric name prefix (default `tickflow_`). */
  prefix?: string;
  /** How often the metrics are read, ms (default 1000; 0: only when {@link ProcessHealthMonitor.sample} is called). */
  sampleEveryMs?: number;
  /** trades/s is measured over this span, ms (default 5000). */
  rateWindowMs?: number;
  /** The timer reads the metrics only while `health()` was called within this span, ms (default 30 000): no work while nobody looks. */
  idleAfterMs?: number;
  /** Wall clock (ms). */
  now?: () => number;
}

/** What {@link processHealth} returns. */
export interface ProcessHealthMonitor {
  /** The latest reading (as of the last sample), for `GET /api/health`. */
  health(): PipelineHealth;
  /** Reads the metrics now. */
  sample(): Promise<void>;
  /** Stops sampling. */
  close(): void;
}

type Values = { value: number; labels: Record<string, string | number> }[];

/**
 * The health panel's counters for `tickflow process`, read from the processor's own metrics (the
 * prom-client registry behind `/metrics`), so the page and Prometheus never disagree: trades read,
 * trades/s over the last few seconds, rejected (invalid), late, duplicate and dead-lettered records
 * (`stage="process"`), `lagMs` = newest trade event time (`last_event_time_seconds`) minus the
 * watermark (how much later than the newest trade windows close), and `consumerLag` = messages
 * behind the partitions' high watermarks (`kafka_source_lag`, summed). The registry is read on a
 * timer while someone asks (`health()` itself is synchronous and cheap).
 *
 * @param options - registry, watermark and sampling settings
 * @returns the monitor
 * @example
 * ```ts
 * const monitor = processHealth({ registry: telemetry.registry, watermark: () => tracker.watermark });
 * mountApi(ops, { api: config.api, reader, feed, health: monitor.health });
 * ```
 */
export function processHealth(options: ProcessHealthOptions): ProcessHealthMonitor {
  const { registry, watermark } = options;
  const stage = options.stage ?? 'process';
  const prefix = options.prefix ?? 'tickflow_';
  const now = options.now ?? Date.now;
  const rateWindowMs = options.rateWindowMs ?? 5_000;
  const samples: { t: number; trades: number }[] = [];
  let current: PipelineHealth = { trades: 0, tradesPerSecond: 0, invalid: 0, late: 0, duplicates: 0, deadLettered: 0, lagMs: null, consumerLag: null };

  const values = async (name: string): Promise<Values | undefined> => {
    const metric = registry.getSingleMetric(prefix + name);
    if (!metric) return undefined; // created on first use
    return (await metric.get()).values as Values;
  };
  const sumOf = (v: Values | undefined, ofStage: boolean) => (v ?? []).reduce((s, x) => (!ofStage || x.labels.stage === stage ? s + x.value : s), 0);

  const sample = async () => {
    const [ingested, invalid, late, duplicates, dead, lastEvent, lag] = await Promise.all(
      ['trades_ingested_total', 'trades_rejected_total', 'trades_late_by_symbol_total', 'trades_duplicate_total', 'dead_letters_total', 'last_event_time_seconds', 'kafka_source_lag'].map(values),
    );
    const t = now();
    const trades = sumOf(ingested, true);
    samples.push({ t, trades });
    while (samples.length > 2 && (samples[1] as { t: number }).t <= t - rateWindowMs) samples.shift();
    const first = samples[0] as { t: number; trades: number };
    const rate = t > first.t ? ((trades - first.trades) * 1000) / (t - first.t) : 0;
    const newest = (lastEvent ?? []).reduce((m, x) => Math.max(m, x.value * 1000), Number.NEGATIVE_INFINITY);
    let wm = Number.NEGATIVE_INFINITY;
    try {
      wm = watermark();
    } catch {
      // not available yet (the pipeline is still starting)
    }
    current = {
      trades,
      tradesPerSecond: Math.round(rate * 10) / 10,
      invalid: sumOf(invalid, true),
      late: sumOf(late, true),
      duplicates: sumOf(duplicates, true),
      deadLettered: sumOf(dead, true),
      lagMs: Number.isFinite(newest) && Number.isFinite(wm) ? Math.max(0, Math.round(newest - wm)) : null,
      consumerLag: lag === undefined ? null : Math.max(0, sumOf(lag, false)),
    };
  };

  let running = false;
  const idleAfterMs = options.idleAfterMs ?? 30_000;
  let askedAt = now();
  const tick = (force = false) => {
    if (running || (!force && now() - askedAt > idleAfterMs)) return;
    running = true;
    sample()
      .catch(() => {}) // a failed read keeps the last values; the next tick tries again
      .finally(() => (running = false));
  };
  const every = options.sampleEveryMs ?? 1_000;
  const timer = every > 0 ? setInterval(tick, every) : undefined;
  timer?.unref();
  if (timer) tick();
  return {
    health: () => {
      // after a pause the timer has not been reading: read now, the next call sees fresh values
      if (timer && now() - askedAt > idleAfterMs) tick(true);
      askedAt = now();
      return current;
    },
    sample,
    close: () => clearInterval(timer),
  };
}
