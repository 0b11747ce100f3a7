import { backoff } from '@tickflow/core';
import { asyncScheduler, type MonoTypeOperatorFunction, Observable, type SchedulerLike } from 'rxjs';
import type { ProcessorRecord } from './processorPipeline.js';

/** Options of {@link assignmentGate}. */
export interface AssignmentGateOptions {
  /** Reads the checkpoints again (and applies them: skip rule, seeds, tracker) — resolves once applied. */
  reload: () => Promise<void>;
  /** Told about a failed reload (retried with backoff). */
  onError?: (error: unknown) => void;
  /** Timers of the retry backoff. Default `asyncScheduler`. */
  scheduler?: SchedulerLike;
}

/** The gate: an operator plus the call that tells it a partition was (re)assigned. */
export interface AssignmentGate {
  /** Holds the records of newly assigned partitions until checkpoints read after the assignment are applied. */
  operator: MonoTypeOperatorFunction<ProcessorRecord>;
  /**
   * The consumer was given these partitions (`topic|partition`, e.g. from kafkajs's GROUP_JOIN):
   * their next records wait for a checkpoint read that starts now, and the first of them is marked
   * `redelivered`.
   */
  assigned: (parts: readonly string[]) => void;
}

/**
 * Makes a processor that gains a partition mid-run (consumer-group rebalance) use that partition's
 * newest checkpoint: the previous owner stored it before committing the offset this consumer now
 * starts from, so a checkpoint read that starts after the assignment is at least as new. With a
 * stale `closedThrough` the restarted partition would re-window the tail of 5-minute windows the
 * other instance already finished, and seed the 1h rollup with too few stored bars. Only the
 * records of the newly assigned partitions wait (one read of the group's checkpoints); the others
 * flow on.
 *
 * @param options - how to reload the checkpoints
 * @returns the operator and the assignment hook
 * @example
 * ```ts
 * const gate = assignmentGate({ reload: async () => apply(await checkpoints.load()) });
 * consumer.on(consumer.events.GROUP_JOIN, (e) => gate.assigned(partsOf(e.payload.memberAssignment)));
 * source.pipe(gate.operator).subscribe(process);
 * ```
 */
export function assignmentGate(options: AssignmentGateOptions): AssignmentGate {
  const scheduler = options.scheduler ?? asyncScheduler;
  /** part → generation of the assignment it waits for (absent: flowing). */
  const waiting = new Map<string, number>();
  const held = new Map<string, ProcessorRecord[]>();
  const first = new Set<string>();
  let generation = 0;
  let applied = 0;
  let loading = false;
  let again = false;
  let push: ((r: ProcessorRecord) => void) | undefined;
  let settled: (() => void) | undefined;

  const release = () => {
    for (const [part, gen] of waiting) {
      if (gen > applied) continue;
      waiting.delete(part);
      const rs = held.get(part) ?? [];
      held.delete(part);
      for (const r of rs) push?.(r);
    }
    settled?.();
  };
  const load = (attempt: number) => {
    loading = true;
    again = false;
    const gen = generation;
    options.reload().then(
      () => {
        loading = false;
        applied = gen;
        release();
        if (again) load(0);
      },
      (error: unknown) => {
        options.onError?.(error);
        scheduler.schedule(() => load(attempt + 1), backoff(attempt + 1, { initialDelayMs: 200, maxDelayMs: 10_000, multiplier: 2, jitter: 0.2 }));
      },
    );
  };

  const assigned = (parts: readonly string[]) => {
    if (parts.length === 0) return;
    generation++;
    for (const part of parts) {
      waiting.set(part, generation);
      first.add(part);
    }
    if (loading) again = true;
    else load(0);
  };

  const operator: MonoTypeOperatorFunction<ProcessorRecord> = (source) =>
    new Observable<ProcessorRecord>((subscriber) => {
      let done = false;
      push = (r) => {
        const part = `${r.topic}|${r.partition}`;
        if (first.delete(part)) subscriber.next({ ...r, redelivered: true });
        else subscriber.next(r);
      };
      settled = () => {
        if (done && waiting.size === 0) subscriber.complete();
      };
      const sub = source.subscribe({
        next: (r) => {
          // the steady state: nothing waits and nothing is to be marked (no key built per record)
          if (waiting.size === 0 && first.size === 0) {
            subscriber.next(r);
            return;
          }
          const part = `${r.topic}|${r.partition}`;
          if (waiting.has(part)) {
            const rs = held.get(part);
            if (rs) rs.push(r);
            else held.set(part, [r]);
            return;
          }
          push?.(r);
        },
        error: (e) => subscriber.error(e),
        complete: () => {
          done = true;
          settled?.();
        },
      });
      return () => {
        sub.unsubscribe();
        push = undefined;
        settled = undefined;
      };
    });

  return { operator, assigned };
}
