import { ConfigurationError, type Trade } from '@tickflow/core';
import type { Watermarked } from '@tickflow/operators';
import { asyncScheduler, Observable, type OperatorFunction, type SchedulerLike } from 'rxjs';

/** A trade with the Kafka partition it came from (`topic|partition`). */
export interface PartitionedTrade {
  readonly part: string;
  readonly trade: Trade;
}

/** Options of {@link partitionWatermark}. */
export interface PartitionWatermarkOptions {
  /** Per partition: watermark = newest event time of the partition − this. */
  maxOutOfOrdernessMs: number;
  /**
   * A partition without records for this long (scheduler clock) stops holding the watermark back;
   * when every partition is idle the watermark follows the most advanced one. 0 = never idle.
   */
  idleTimeoutMs?: number;
  /**
   * Partitions expected to deliver (e.g. every partition of the topics). Until one delivers (or
   * goes idle) it holds the watermark back, so a consumer that reaches it last does not see its
   * records as late. Default: only partitions that have delivered count.
   */
  partitions?: readonly string[];
  /**
   * Whether a partition may be treated as idle at all (default: always). The processor answers
   * false while a partition still has a backlog to read, so a partition the consumer reaches late
   * never looks idle (which would make all its records late).
   */
  canIdle?: (part: string) => boolean;
  /** Clock and timer (default asyncScheduler). */
  scheduler?: SchedulerLike;
}

/**
 * Event-time watermarks for a stream read from several Kafka partitions, the way Flink's Kafka
 * source does it: each partition has its own watermark (its newest event time − the bound) and the
 * stream's watermark is the minimum over the partitions that are not idle. A consumer catching up
 * on a backlog reads partitions in uneven batches; with one global maximum, the partition read
 * second would look late. Partitions listed in `partitions` count from the start (a partition
 * the consumer has not reached yet holds the watermark back until it delivers or goes idle). Emits the {@link Watermarked} stream `ohlcvWindow` consumes; source
 * completion emits `Infinity` (flush everything).
 *
 * @param options - bound, idle timeout, scheduler
 * @returns an operator from partitioned trades to a watermarked trade stream
 * @example
 * ```ts
 * import { from } from 'rxjs';
 * import { ohlcvWindow } from '@tickflow/operators';
 * from([{ part: 'trades_raw|0', trade: { symbol: 'A', price: 1, size: 1, ts: 0 } }])
 *   .pipe(partitionWatermark({ maxOutOfOrdernessMs: 600_000 }), ohlcvWindow({ size: '5m' }))
 *   .subscribe(console.log);
 * ```
 */
export function partitionWatermark(options: PartitionWatermarkOptions): OperatorFunction<PartitionedTrade, Watermarked<Trade>> {
  const bound = options.maxOutOfOrdernessMs;
  const idle = options.idleTimeoutMs ?? 0;
  if (!(bound >= 0)) throw new ConfigurationError(`maxOutOfOrdernessMs must be >= 0, got ${bound}`, { setting: 'maxOutOfOrdernessMs' });
  if (!(idle >= 0)) throw new ConfigurationError(`idleTimeoutMs must be >= 0, got ${idle}`, { setting: 'idleTimeoutMs' });
  const scheduler = options.scheduler ?? asyncScheduler;
  const canIdle = options.canIdle ?? (() => true);

  return (source) =>
    new Observable<Watermarked<Trade>>((subscriber) => {
      const parts = new Map<string, { max: number; seen: number }>();
      const t0 = scheduler.now();
      for (const p of options.partitions ?? []) parts.set(p, { max: Number.NEGATIVE_INFINITY, seen: t0 });
      let wm = Number.NEGATIVE_INFINITY;
      let lastAny = t0;

      const compute = (): number => {
        const now = scheduler.now();
        let min = Number.POSITIVE_INFINITY;
        let max = Number.NEGATIVE_INFINITY;
        for (const [key, p] of parts) {
          if (p.max > max) max = p.max;
          if (idle > 0 && now - p.seen >= idle && canIdle(key)) continue;
          if (p.max < min) min = p.max;
        }
        const top = min === Number.POSITIVE_INFINITY ? max : min;
        return top - bound;
      };
      const emitIfAdvanced = () => {
        const next = compute();
        if (next > wm) {
          wm = next;
          subscriber.next({ kind: 'watermark', ts: wm });
        }
      };

      const timer = idle > 0 ? scheduler.schedule(function (this: { schedule(s?: unknown, d?: number): void }) {
        emitIfAdvanced();
        this.schedule(undefined, idle);
      }, idle) : undefined;

      const sub = source.subscribe({
        next: ({ part, trade }) => {
          const now = scheduler.now();
          // After the whole input was silent (a broker outage, a paused consumer), no partition is
          // idle: each gets idleTimeoutMs to deliver again, else the first one to resume would drag
          // the watermark past the others' backlogs and make their trades late.
          if (idle > 0 && now - lastAny >= idle) for (const q of parts.values()) q.seen = now;
          lastAny = now;
          let p = parts.get(part);
          if (p === undefined) parts.set(part, (p = { max: Number.NEGATIVE_INFINITY, seen: 0 }));
          p.seen = now;
          if (trade.ts > p.max) p.max = trade.ts;
          subscriber.next({ kind: 'record', value: trade });
          emitIfAdvanced();
        },
        error: (e) => subscriber.error(e),
        complete: () => {
          subscriber.next({ kind: 'watermark', ts: Number.POSITIVE_INFINITY });
          subscriber.complete();
        },
      });
      return () => {
        timer?.unsubscribe();
        sub.unsubscribe();
      };
    });
}
