import {
  type Ack,
  type Instrumentation,
  isRetriable as defaultIsRetriable,
  noopInstrumentation,
  type RetryPolicy,
  retryAsync,
  TickflowError,
} from '@tickflow/core';
import { asyncScheduler, Observable, type OperatorFunction, type SchedulerLike, type Subscription } from 'rxjs';

/** Options of {@link batchedWrites} (internal engine of the NATS, Redis and PostgreSQL sinks). */
export interface BatchedWritesOptions<T, M> {
  /** Sink name used in errors, logs and metric labels (`'nats'`, `'redis'`, `'postgres'`). */
  sink: string;
  /** Records per write (a full batch is written at once). */
  batchSize: number;
  /** How long a partial batch waits for more records, ms. */
  lingerMs: number;
  /** Writes running concurrently. Acks are still emitted in input order. */
  maxInFlight: number;
  /** Most records held (waiting + in flight) before the sink errors with `BACKPRESSURE`. */
  maxBuffered: number;
  /** Writes one batch; resolves with one ack per record, in order, once the batch is durable. */
  write: (batch: T[], signal: AbortSignal) => Promise<Ack<T, M>[]>;
  /** Retry policy of a failed write; `undefined` = the write retries by itself. */
  retry?: Partial<RetryPolicy> | undefined;
  /** Which write errors are retried (default core's `isRetriable`). */
  isRetriable?: ((error: unknown) => boolean) | undefined;
  /** Metrics and logs. */
  instrumentation?: Instrumentation | undefined;
  /** Scheduler of linger timers and retry waits. */
  scheduler?: SchedulerLike | undefined;
  /** Random source of retry jitter. */
  random?: (() => number) | undefined;
}

interface Slot<T, M> {
  batch: T[];
  acks: Ack<T, M>[] | undefined;
}

/**
 * The engine shared by the NATS, Redis and PostgreSQL sinks: groups records into batches
 * (`batchSize` or `lingerMs`, whichever first), runs up to `maxInFlight` writes concurrently,
 * retries retriable failures with core's backoff, and emits each record's ack only after its
 * write resolved, in input order. When the source completes, the last partial batch is written
 * and the stream completes after every ack; a source error waits for in-flight writes, then is
 * forwarded. Unsubscribing aborts retry waits and drops unfinished writes (they are not acked).
 *
 * @param options - batching, concurrency, write function and retry policy
 * @returns the sink operator
 */
export function batchedWrites<T, M>(options: BatchedWritesOptions<T, M>): OperatorFunction<T, Ack<T, M>> {
  const { sink, batchSize, lingerMs, maxInFlight, maxBuffered, write } = options;
  const scheduler = options.scheduler ?? asyncScheduler;
  const inst = options.instrumentation ?? noopInstrumentation;
  const written = inst.counter('sink_records_written_total', { help: 'Records acknowledged by a sink', labelNames: ['sink'] });
  const retried = inst.counter('sink_write_retries_total', { help: 'Sink writes retried', labelNames: ['sink'] });
  const batchSizes = inst.histogram('sink_batch_size', { help: 'Records per sink write', labelNames: ['sink'] });
  const labels = { sink };
  const retriable = options.isRetriable ?? defaultIsRetriable;

  return (source) =>
    new Observable<Ack<T, M>>((subscriber) => {
      const abort = new AbortController();
      // Records not yet handed to a write, as one flat FIFO (an index, not shift(), so a synchronous
      // source queueing many thousands of records stays O(1) per record and allocates no arrays).
      let queue: T[] = [];
      let head = 0;
      // True once the linger timer fired (or the source ended): the partial batch may go.
      let forced = false;
      let timer: Subscription | undefined;
      const slots: Slot<T, M>[] = [];
      let running = 0;
      let buffered = 0;
      let sourceDone = false;
      let sourceError: { error: unknown } | undefined;
      let closed = false;

      const fail = (error: unknown) => {
        if (closed) return;
        closed = true;
        abort.abort();
        subscriber.error(error);
      };

      const finishIfDone = () => {
        if (closed || !sourceDone || head < queue.length || slots.length > 0) return;
        closed = true;
        if (sourceError) subscriber.error(sourceError.error);
        else subscriber.complete();
      };

      const drain = () => {
        while (slots.length > 0 && slots[0]!.acks !== undefined) {
          const slot = slots.shift()!;
          buffered -= slot.batch.length;
          written.inc(slot.acks!.length, labels);
          for (const ack of slot.acks!) {
            if (closed) return;
            subscriber.next(ack);
          }
        }
        finishIfDone();
      };

      const run = (slot: Slot<T, M>) => {
        running++;
        batchSizes.observe(slot.batch.length, labels);
        const promise = options.retry
          ? retryAsync(
              () =>
                abort.signal.aborted
                  ? Promise.reject(new TickflowError(`${sink} sink: unsubscribed during a retry`, { code: 'ABORTED' }))
                  : write(slot.batch, abort.signal),
              {
              operation: `${sink} write of ${slot.batch.length} record(s)`,
              policy: options.retry,
              isRetriable: retriable,
              scheduler,
              signal: abort.signal,
              ...(options.random ? { random: options.random } : {}),
              onRetry: (error, n, delayMs) => {
                retried.inc(1, labels);
                inst.log('warn', `${sink}_write_retry`, { attempt: n, delayMs, error: String((error as Error)?.message ?? error) });
              },
              },
            )
          : write(slot.batch, abort.signal);
        promise.then(
          (acks) => {
            running--;
            if (closed) return;
            if (acks.length !== slot.batch.length) {
              fail(new TickflowError(`${sink} sink: write returned ${acks.length} acks for ${slot.batch.length} records`, { code: 'SINK_INTERNAL' }));
              return;
            }
            slot.acks = acks;
            pump();
            drain();
          },
          (error: unknown) => {
            running--;
            inst.log('error', `${sink}_write_failed`, { records: slot.batch.length, error: String((error as Error)?.message ?? error) });
            fail(error);
          },
        );
      };

      const pump = () => {
        while (!closed && running < maxInFlight) {
          const queued = queue.length - head;
          if (queued === 0 || (queued < batchSize && !forced && !sourceDone)) break;
          const n = Math.min(queued, batchSize);
          const batch = n === 1 ? [queue[head]!] : queue.slice(head, head + n);
          head += n;
          if (head === queue.length) {
            queue = [];
            head = 0;
            forced = false;
          } else if (head > 4096 && head * 2 > queue.length) {
            queue = queue.slice(head);
            head = 0;
          }
          const slot: Slot<T, M> = { batch, acks: undefined };
          slots.push(slot);
          run(slot);
        }
        if (!closed && head < queue.length && !forced && timer === undefined) timer = scheduler.schedule(onLinger, lingerMs);
      };

      const onLinger = () => {
        timer = undefined;
        forced = true;
        pump();
      };

      const sub = source.subscribe({
        next: (record) => {
          if (closed) return;
          if (buffered >= maxBuffered) {
            fail(
              new TickflowError(`${sink} sink: ${buffered} records waiting for the server, more than maxBuffered (${maxBuffered})`, {
                code: 'BACKPRESSURE',
                hint: 'the server is slower than the input: raise maxInFlight/batchSize, or slow the source',
              }),
            );
            return;
          }
          buffered++;
          queue.push(record);
          if (queue.length - head >= batchSize) pump();
          else if (timer === undefined && !forced) timer = scheduler.schedule(onLinger, lingerMs);
        },
        error: (error: unknown) => {
          sourceDone = true;
          sourceError = { error };
          timer?.unsubscribe();
          pump();
          finishIfDone();
        },
        complete: () => {
          sourceDone = true;
          timer?.unsubscribe();
          pump();
          finishIfDone();
        },
      });

      return () => {
        closed = true;
        abort.abort();
        timer?.unsubscribe();
        sub.unsubscribe();
      };
    });
}
