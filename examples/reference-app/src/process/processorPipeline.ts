import { type Ack, type Bar, type Instrumentation, type InvalidRecord, noopInstrumentation, type Trade, TradeSchema } from '@tickflow/core';
import { dedupe, ohlcvWindow, rollup, validate } from '@tickflow/operators';
import { connectable, filter, groupBy, map, merge, mergeMap, Observable, type OperatorFunction, type SchedulerLike, Subject, share, tap } from 'rxjs';
import type { CommitTracker, TrackedRecord } from '../commit/CommitTracker.js';
import { skipOnReplay } from '../commit/skipOnReplay.js';
import type { AppMetrics } from '../ops/appMetrics.js';
import { SymbolTally } from '../ops/symbolTally.js';
import { partitionKeys } from './partitionKeys.js';
import { partitionWatermark } from './partitionWatermark.js';
import { type FineBarReader, SeededRollup } from './SeededRollup.js';

/** A record read from Kafka (the shape `kafkaSource` emits). */
export interface ProcessorRecord {
  topic: string;
  partition: number;
  offset: string;
  value: unknown;
  /** The partition was (re)assigned and is delivered from its committed offset again (set by `assignmentGate`). */
  redelivered?: boolean;
}

/** Where the processor writes; each sink acknowledges a record once it is durable. */
export interface ProcessorSinks {
  bronze: OperatorFunction<Trade, Ack<Trade>>;
  silver: OperatorFunction<Trade, Ack<Trade>>;
  gold5m: OperatorFunction<Bar, Ack<Bar>>;
  gold1h: OperatorFunction<Bar, Ack<Bar>>;
  /** Writes a rejected record to the dead-letter topic; resolves once durable. */
  deadLetter: (invalid: InvalidRecord) => Promise<void>;
}

/** Options of {@link processorPipeline}. */
export interface ProcessorPipelineOptions {
  records: Observable<ProcessorRecord>;
  sinks: ProcessorSinks;
  tracker: CommitTracker;
  /** The partition's stored closedThrough (records of hours ending at or before it skip the windows). */
  closedThrough: (topic: string, partition: number) => number;
  maxOutOfOrdernessMs: number;
  idleTimeoutMs: number;
  allowedLatenessMs: number;
  maxFutureMs: number;
  /** Every partition (`topic|partition`) the processor may read: they hold the watermark until they deliver or idle. */
  partitions?: readonly string[];
  /** Whether a partition may count as idle (false while it still has a backlog). */
  canIdle?: (part: string) => boolean;
  /**
   * Reads stored 5m bars (Gold) to seed the 1h rollup of an hour whose first part is already
   * committed. Required when the tracker runs with `replayUnit: 'fine'` (ADR 0105).
   */
  readFine?: FineBarReader;
  /** Told about a failed seed read (retried). */
  onSeedError?: (error: unknown, symbol: string, start: number) => void;
  /** Told when a symbol's records come from another partition than before (the protocol assumes one per symbol). */
  onSymbolMoved?: (symbol: string, from: string, to: string) => void;
  /** Called when a partition is delivered again from an earlier offset (rebalance): forget its queue. */
  onRedelivery?: (topic: string, partition: number) => void;
  instrumentation?: Instrumentation;
  metrics?: AppMetrics;
  scheduler?: SchedulerLike;
}

/** Where a record came from and what the pipeline decided about it, carried by its trade. */
interface Handle {
  readonly h: TrackedRecord;
  readonly part: string;
  readonly skip: boolean;
  readonly ct: number;
}

/**
 * The handle rides on the trade object itself, as a non-enumerable symbol property: invisible to
 * JSON (Bronze's raw column), spreads, `Object.keys` and equality checks, and far cheaper than a
 * WeakMap (a set and several gets per record, and ephemeron work for the GC).
 */
const HANDLE = Symbol('tickflow.processor.handle');

/** What the pipeline reports as writes complete. */
export type ProcessorEvent =
  | { kind: 'bronze' | 'silver'; trade: Trade }
  | { kind: 'bar'; bar: Bar }
  | { kind: 'dead-letter'; invalid: InvalidRecord };

/**
 * The processor: Kafka records → validate (rejects → dead-letter) → Bronze; dedupe → Silver;
 * per-partition watermark → 5m bars → Gold 5m; 1h rollup → Gold 1h. Every step reports to the
 * {@link CommitTracker}, which decides what offsets are safe to commit. Records whose hour closed
 * before the last commit (a replay after restart) are written to Bronze/Silver again (idempotent)
 * but skip the windows, so a complete bar is never overwritten by a partial one.
 *
 * The returned observable is cold: subscribing wires every branch, then starts reading. It
 * completes when `records` completes and every sink has flushed (the end of input flushes all
 * windows).
 *
 * @param o - input, sinks, tracker and pipeline settings
 * @returns the stream of completed writes
 * @example
 * ```ts
 * processorPipeline({ records: source, sinks, tracker, closedThrough: () => -Infinity,
 *   maxOutOfOrdernessMs: 600_000, idleTimeoutMs: 60_000, allowedLatenessMs: 0, maxFutureMs: 5_000 }).subscribe();
 * ```
 */
export function processorPipeline(o: ProcessorPipelineOptions): Observable<ProcessorEvent> {
  return new Observable<ProcessorEvent>((subscriber) => {
    const { tracker, sinks, metrics: m } = o;
    const inst = o.instrumentation ?? noopInstrumentation;
    const tally = new SymbolTally(m, 'process', o.scheduler);
    const partOf = partitionKeys();
    const unitMs = tracker.replayUnitMs;
    if (unitMs < 3_600_000 && o.readFine === undefined) {
      throw new Error(`the tracker replays ${unitMs} ms windows, so the 1h rollup must be seeded from the stored 5m bars: pass readFine (or use replayUnit 'coarse')`);
    }
    // With a fine replay unit the 1h rollup starts mid-hour from the 5m bars in Gold (ADR 0105).
    const hours = o.readFine
      ? new SeededRollup({ readFine: o.readFine, allowedLatenessMs: o.allowedLatenessMs, instrumentation: inst, onSettled: (symbol, start) => tracker.settle(symbol, start), ...(o.onSeedError ? { onReadError: o.onSeedError } : {}), ...(o.onSymbolMoved ? { onSymbolMoved: o.onSymbolMoved } : {}), ...(o.scheduler ? { scheduler: o.scheduler } : {}) })
      : undefined;
    const highest = new Map<string, number>();
    const deadLetters = new Subject<ProcessorEvent>();
    let current: Handle | undefined;
    let pendingDlq = 0;
    let inputDone = false;
    const maybeCompleteDlq = () => {
      if (inputDone && pendingDlq === 0) deadLetters.complete();
    };

    const valid$ = connectable(
      o.records.pipe(
        tap((r) => {
          const part = partOf(r.topic, r.partition);
          const offset = Number(r.offset);
          const prev = highest.get(part);
          if (r.redelivered === true || (prev !== undefined && offset <= prev)) {
            tracker.redelivered(r.topic, r.partition);
            hours?.resetPartition(part);
            o.onRedelivery?.(r.topic, r.partition);
          }
          highest.set(part, offset);
          const h = tracker.track({ topic: r.topic, partition: r.partition, offset }, 1);
          const v = r.value as { ts?: unknown; symbol?: unknown } | null;
          const ts = typeof v?.ts === 'number' ? v.ts : Number.NaN;
          const ct = o.closedThrough(r.topic, r.partition);
          current = { h, part, skip: skipOnReplay(ts, ct, unitMs), ct };
          tally.count(typeof v?.symbol === 'string' && v.symbol.length < 40 ? v.symbol : 'other');
        }),
        map((r) => r.value),
        validate(TradeSchema, {
          maxFutureMs: o.maxFutureMs,
          instrumentation: inst,
          ...(o.scheduler ? { scheduler: o.scheduler } : {}),
          onInvalid: (invalid) => {
            const c = current!;
            m?.invalid.inc(1, { stage: 'process', symbol: 'other', field: invalid.field ?? 'record' });
            pendingDlq++;
            o.sinks.deadLetter(invalid).then(
              () => {
                tracker.written(c.h);
                m?.deadLettered.inc(1, { stage: 'process' });
                pendingDlq--;
                deadLetters.next({ kind: 'dead-letter', invalid });
                maybeCompleteDlq();
              },
              (error: unknown) => deadLetters.error(error),
            );
          },
        }),
        map((t) => {
          Object.defineProperty(t, HANDLE, { value: current, configurable: true });
          tally.eventTime(t.symbol, t.ts);
          return t;
        }),
      ),
    );
    const handleOf = (t: Trade): Handle => (t as Trade & { [HANDLE]: Handle })[HANDLE];

    const bronze$ = valid$.pipe(
      sinks.bronze,
      map((ack): ProcessorEvent => {
        tracker.written(handleOf(ack.record).h);
        return { kind: 'bronze', trade: ack.record };
      }),
    );
    let kept = 0;
    let seen = 0;
    const deduped$ = valid$.pipe(
      tap(() => seen++),
      // One dedupe per partition: its event-time horizon must follow the partition's own time, not
      // the newest time of any partition (a consumer catching up reads partitions unevenly). A
      // symbol lives in one partition, so its repeats do too. groupBy passes items on synchronously,
      // so the order is kept.
      groupBy((t) => handleOf(t).part),
      mergeMap((g) => g.pipe(dedupe<Trade>({ ttlMs: o.maxOutOfOrdernessMs + 3_600_000, instrumentation: inst }))),
      tap((t) => {
        kept++;
        if (m && seen - kept > 0) {
          m.duplicates.inc(seen - kept, { stage: 'process' });
          seen = kept;
        }
        tracker.addWrites(handleOf(t).h, 1);
      }),
      share(),
    );
    const silver$ = deduped$.pipe(
      sinks.silver,
      map((ack): ProcessorEvent => {
        tracker.written(handleOf(ack.record).h);
        return { kind: 'silver', trade: ack.record };
      }),
    );
    const bars5m$ = deduped$.pipe(
      tap((t) => {
        // the first record of an hour in this run seeds the hour's rollup from Gold; a record that
        // skips the windows then holds the commit until that hour's 1h bar is written
        const c = handleOf(t);
        if (hours?.touch(c.part, t.symbol, t.ts, c.ct)) tracker.touch(c.h, t.symbol, t.ts);
      }),
      filter((t) => !handleOf(t).skip),
      map((t) => ({ part: handleOf(t).part, trade: t })),
      partitionWatermark({ maxOutOfOrdernessMs: o.maxOutOfOrdernessMs, idleTimeoutMs: o.idleTimeoutMs, ...(o.partitions ? { partitions: o.partitions } : {}), ...(o.canIdle ? { canIdle: o.canIdle } : {}), ...(o.scheduler ? { scheduler: o.scheduler } : {}) }),
      tap((item) => {
        if (item.kind === 'watermark') {
          tracker.advance(item.ts);
          hours?.advance(item.ts);
        }
        else tracker.feed(handleOf(item.value).h, item.value.symbol, item.value.ts);
      }),
      ohlcvWindow({
        size: '5m',
        allowedLatenessMs: o.allowedLatenessMs,
        instrumentation: inst,
        onLate: (t) => m?.late.inc(1, { stage: 'process', symbol: t.symbol }),
      }),
      share(),
    );
    const written = (bar: Bar): ProcessorEvent => {
      tracker.barWritten(bar);
      m?.bars.inc(1, { stage: 'process', interval: bar.interval });
      return { kind: 'bar', bar };
    };
    const gold5m$ = bars5m$.pipe(
      tap((b) => tracker.barEmitted(b)),
      sinks.gold5m,
      map((ack) => written(ack.record)),
    );
    const gold1h$ = bars5m$.pipe(
      hours ? hours.operator() : rollup('1h'),
      tap((b) => tracker.barEmitted(b)),
      sinks.gold1h,
      map((ack) => written(ack.record)),
    );
    const input$ = valid$.pipe((s) => new Observable<never>((sub) => s.subscribe({ error: (e) => sub.error(e), complete: () => {
      inputDone = true;
      maybeCompleteDlq();
      sub.complete();
    } })));
    const sub = merge(bronze$, silver$, gold5m$, gold1h$, deadLetters, input$).subscribe(subscriber);
    sub.add(valid$.connect());
    sub.add(() => tally.close());
    return sub;
  });
}
