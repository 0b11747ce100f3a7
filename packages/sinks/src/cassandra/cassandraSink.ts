import {
  type Ack,
  backoff,
  ConfigurationError,
  noopInstrumentation,
  RetriesExhaustedError,
  TickflowError,
  ValidationError,
} from '@tickflow/core';
import { asyncScheduler, Observable, type OperatorFunction, type Subscription } from 'rxjs';
import type { CassandraQueryOptions } from './CassandraClient.js';
import type { CassandraAckMeta, CassandraSinkOptions } from './CassandraSinkOptions.js';
import { isRetriableCassandraError } from './isRetriableCassandraError.js';
import { checkTtl, resolveMapping } from './resolveMapping.js';

const DEFAULT_RETRY = { maxAttempts: Number.POSITIVE_INFINITY, initialDelayMs: 100, maxDelayMs: 5_000, multiplier: 2, jitter: 0.2 };

interface Entry<T> {
  record: T;
  query: string;
  params: unknown[];
  /** Partition key when rows may be batched, else undefined. */
  pk: string | undefined;
  attempts: number;
  started: boolean;
  done: boolean;
}

/** One request: a single row, or an UNLOGGED batch of rows of one partition. */
interface Unit<T> {
  entries: Entry<T>[];
  attempts: number;
}

/** Not-yet-started rows of one partition, in input order. */
interface PartitionQueue<T> {
  items: Entry<T>[];
  head: number;
}

/**
 * Writes each record as one row to Cassandra and emits an `Ack` once the row is written
 * (the coordinator answered at the statement's consistency). Acks come out in input order, so the
 * records before an ack are durable too — what a Kafka consumer needs to commit offsets.
 *
 * Every write is an idempotent upsert with a prepared statement (`prepare: true`,
 * `isIdempotent: true`): writing the same record twice rewrites the same row, so replays after a
 * crash leave no duplicates. At most `concurrency` requests are in flight; the other rows wait in
 * order. When several waiting rows share a partition, up to `batchRows` of them go as one
 * UNLOGGED single-partition batch; rows of different partitions are never batched. Retriable failures
 * (no host available, timeouts, unavailable, overloaded) are retried with the core backoff —
 * forever by default — and hold their slot meanwhile, so nothing new is sent to a cluster that is
 * down. A non-retriable failure errors the stream with code `CASSANDRA_WRITE`; running out of
 * attempts errors it with a `RetriesExhaustedError`. Records that cannot be mapped to a row go to
 * `onInvalid` (counted in `cassandra_invalid_total`) and are not acked.
 *
 * Metrics (label `table`): `cassandra_rows_written_total` (rows/s via rate), `cassandra_write_errors_total`,
 * `cassandra_write_retries_total`, `cassandra_invalid_total`, `cassandra_in_flight`,
 * `cassandra_buffered`, `cassandra_write_latency_seconds`.
 *
 * @param options - client, table, keyspace, concurrency, TTL override, retry, hooks
 * @returns an operator from records to acks
 * @example
 * ```ts
 * import { Client } from 'cassandra-driver';
 * import { from, lastValueFrom } from 'rxjs';
 * import type { Trade } from '@tickflow/core';
 * import { cassandraSink, ensureSchema } from '@tickflow/sinks/cassandra';
 *
 * const client = new Client({ contactPoints: ['127.0.0.1:9042'], localDataCenter: 'datacenter1' });
 * await ensureSchema(client);
 * const trades: Trade[] = [{ symbol: 'AAPL', price: 189.5, size: 100, ts: Date.UTC(2024, 0, 2, 15), id: 't1' }];
 * await lastValueFrom(from(trades).pipe(cassandraSink<Trade>({ client, table: 'trades_silver' })));
 * await client.shutdown();
 * ```
 */
export function cassandraSink<T>(options: CassandraSinkOptions<T>): OperatorFunction<T, Ack<T, CassandraAckMeta>> {
  if (!options || typeof options.client?.execute !== 'function') {
    throw new ConfigurationError('client must be a connected cassandra-driver Client', { setting: 'client' });
  }
  const mapping = resolveMapping(options, () => (options.scheduler ?? asyncScheduler).now());
  const concurrency = options.concurrency ?? 64;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new ConfigurationError(`concurrency must be an integer >= 1, got ${concurrency}`, { setting: 'concurrency' });
  }
  const maxBuffered = options.maxBuffered ?? Number.POSITIVE_INFINITY;
  if (!(maxBuffered >= concurrency)) {
    throw new ConfigurationError(`maxBuffered must be >= concurrency (${concurrency}), got ${maxBuffered}`, { setting: 'maxBuffered' });
  }
  const policy = { ...DEFAULT_RETRY, ...options.retry };
  const retriable = options.isRetriable ?? isRetriableCassandraError;
  const sched = options.scheduler ?? asyncScheduler;
  const client = options.client;
  const { name } = mapping;
  const inst = options.instrumentation ?? noopInstrumentation;
  const labels = { table: name };
  const rows = inst.counter('cassandra_rows_written_total', { help: 'Rows written to Cassandra', labelNames: ['table'] });
  const errors = inst.counter('cassandra_write_errors_total', { help: 'Failed Cassandra write attempts', labelNames: ['table'] });
  const retries = inst.counter('cassandra_write_retries_total', { help: 'Retried Cassandra writes', labelNames: ['table'] });
  const invalid = inst.counter('cassandra_invalid_total', { help: 'Records that could not be mapped to a row', labelNames: ['table'] });
  const inFlightGauge = inst.gauge('cassandra_in_flight', { help: 'Cassandra writes in flight', labelNames: ['table'] });
  const bufferedGauge = inst.gauge('cassandra_buffered', { help: 'Records held by the Cassandra sink', labelNames: ['table'] });
  const latency = inst.histogram('cassandra_write_latency_seconds', {
    help: 'Cassandra write latency',
    labelNames: ['table'],
    buckets: [0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  });
  const queryOptions: CassandraQueryOptions = { prepare: true, isIdempotent: true };
  if (options.executionProfile !== undefined) queryOptions.executionProfile = options.executionProfile;

  // Chosen once: how a record becomes (query, params).
  const ttl = options.ttlSeconds;
  if (typeof ttl === 'number') checkTtl(ttl, undefined);
  else if (ttl !== undefined && typeof ttl !== 'function') {
    throw new ConfigurationError('ttlSeconds must be a number of seconds or a function of the record', { setting: 'ttlSeconds' });
  }
  // Write timestamps (µs, as a decimal string: the driver encodes strings whatever its bigint mode),
  // taken when the record arrives and strictly increasing, so the input order decides which
  // version of a row wins even when an older one is retried later or shares a batch.
  let lastMicros = 0;
  const stamp = mapping.timestamped
    ? (p: unknown[]) => {
        lastMicros = Math.max(Math.floor(sched.now()) * 1000, lastMicros + 1);
        p.push(String(lastMicros));
        return p;
      }
    : (p: unknown[]) => p;
  const withTtl = mapping.queryWithTtl as string;
  // bind() returns the params and leaves the statement in `bound` (no tuple per record)
  let bound = mapping.query;
  const bind: (record: T) => unknown[] =
    ttl === undefined
      ? (r) => stamp(mapping.params(r))
      : typeof ttl === 'number'
        ? (r) => {
            const p = mapping.params(r);
            p.push(ttl);
            bound = withTtl;
            return stamp(p);
          }
        : (r) => {
            const p = mapping.params(r);
            const t = ttl(r);
            if (t === undefined) {
              bound = mapping.query;
              return stamp(p);
            }
            p.push(checkTtl(t, r));
            bound = withTtl;
            return stamp(p);
          };
  // Ack metadata is the same for every row written at the same attempt: shared, frozen objects.
  const metas: CassandraAckMeta[] = [];
  const metaOf = (attempts: number): CassandraAckMeta =>
    attempts < 64 ? (metas[attempts] ??= Object.freeze({ table: name, attempts })) : { table: name, attempts };

  const batchRows = typeof client.batch === 'function' && mapping.partitionKey ? (options.batchRows ?? 20) : 1;
  if (!Number.isInteger(options.batchRows ?? 1) || (options.batchRows ?? 1) < 1) {
    throw new ConfigurationError(`batchRows must be an integer >= 1, got ${options.batchRows}`, { setting: 'batchRows' });
  }
  const partitionKey = batchRows > 1 ? mapping.partitionKey : undefined;
  const batchOptions: CassandraQueryOptions = { ...queryOptions, logged: false };

  return (source) =>
    new Observable<Ack<T, CassandraAckMeta>>((subscriber) => {
      const order: Entry<T>[] = []; // records in input order, not yet acked
      let head = 0; // next entry to ack
      let next = 0; // no entry before this one is waiting to start
      const waiting = new Map<string, PartitionQueue<T>>(); // batchable rows not started, by partition
      let inFlight = 0; // requests in flight (or holding their slot while waiting to retry)
      let sourceDone = false;
      let closed = false;
      let failing = 0; // requests currently retrying
      const timers = new Set<Subscription>();
      // The gauges follow at the end of the current turn (one metrics call per burst, not per row).
      let reportedBuffered = 0;
      let reportedInFlight = 0;
      let gaugesQueued = false;
      const reportGauges = () => {
        gaugesQueued = false;
        if (closed) return;
        const buffered = order.length - head;
        if (buffered !== reportedBuffered) bufferedGauge.inc(buffered - reportedBuffered, labels);
        if (inFlight !== reportedInFlight) inFlightGauge.inc(inFlight - reportedInFlight, labels);
        reportedBuffered = buffered;
        reportedInFlight = inFlight;
      };
      const queueGauges = () => {
        if (gaugesQueued) return;
        gaugesQueued = true;
        queueMicrotask(reportGauges);
      };

      const fail = (error: unknown) => {
        if (closed) return;
        closed = true;
        subscriber.error(error);
      };

      const ok = (u: Unit<T>, t0: number) => {
        if (closed) return;
        latency.observe((sched.now() - t0) / 1000, labels);
        rows.inc(u.entries.length, labels);
        inFlight--;
        queueGauges();
        for (const e of u.entries) {
          e.done = true;
          e.attempts = u.attempts;
        }
        if (u.attempts > 1 && --failing === 0) inst.log('info', 'cassandra_write_recovered', { table: name, attempts: u.attempts });
        pump();
        flush();
      };

      const ko = (u: Unit<T>, error: unknown) => {
        if (closed) return;
        errors.inc(1, labels);
        if (!retriable(error)) {
          const msg = error instanceof Error ? error.message : String(error);
          fail(
            new TickflowError(`writing a row to ${name} failed: ${msg}`, {
              code: 'CASSANDRA_WRITE',
              cause: error,
              hint: 'the error is not retriable: check the schema (ensureSchema), the keyspace and the values',
            }),
          );
          return;
        }
        if (u.attempts >= policy.maxAttempts) {
          fail(new RetriesExhaustedError(`cassandra write to ${name}`, u.attempts, error));
          return;
        }
        if (u.attempts === 1 && failing++ === 0) {
          inst.log('warn', 'cassandra_write_retrying', { table: name, error: error instanceof Error ? error.message : String(error) });
        }
        retries.inc(1, labels);
        const delay = backoff(u.attempts, policy, options.random);
        const timer = sched.schedule(() => {
          timers.delete(timer);
          attempt(u);
        }, delay);
        if (!timer.closed) timers.add(timer);
      };

      const attempt = (u: Unit<T>) => {
        if (closed) return;
        u.attempts++;
        const t0 = sched.now();
        let p: Promise<unknown>;
        try {
          const [one] = u.entries as [Entry<T>];
          p =
            u.entries.length === 1
              ? client.execute(one.query, one.params, queryOptions)
              : client.batch!(
                  u.entries.map((e) => ({ query: e.query, params: e.params })),
                  batchOptions,
                );
        } catch (error) {
          p = Promise.reject(error);
        }
        p.then(
          () => ok(u, t0),
          (error: unknown) => ko(u, error),
        );
      };

      const pump = () => {
        while (inFlight < concurrency) {
          while (next < order.length && (order[next] as Entry<T>).started) next++;
          if (next >= order.length) return;
          const e = order[next++] as Entry<T>;
          e.started = true;
          const entries = [e];
          if (e.pk !== undefined) {
            // e is the oldest waiting row, hence the head of its partition's queue
            const q = waiting.get(e.pk) as PartitionQueue<T>;
            q.head++;
            while (entries.length < batchRows && q.head < q.items.length) {
              const o = q.items[q.head++] as Entry<T>;
              o.started = true;
              entries.push(o);
            }
            if (q.head >= q.items.length) waiting.delete(e.pk);
            else if (q.head > 256 && q.head * 2 > q.items.length) {
              q.items.splice(0, q.head);
              q.head = 0;
            }
          }
          inFlight++;
          attempt({ entries, attempts: 0 });
        }
      };

      const flush = () => {
        while (head < order.length && (order[head] as Entry<T>).done) {
          const e = order[head] as Entry<T>;
          order[head++] = undefined as unknown as Entry<T>;
          subscriber.next({ record: e.record, meta: metaOf(e.attempts) });
          if (closed) return;
        }
        if (head > 1024 && head * 2 > order.length) {
          order.splice(0, head);
          next = Math.max(0, next - head);
          head = 0;
        }
        if (sourceDone && head === order.length) subscriber.complete();
      };

      const upstream = source.subscribe({
        next(record) {
          if (closed) return;
          let query: string;
          let params: unknown[];
          let pk: string | undefined;
          try {
            params = bind(record);
            query = bound;
            pk = partitionKey?.(record, params);
          } catch (error) {
            invalid.inc(1, labels);
            const field = error instanceof ValidationError ? error.field : undefined;
            const message = error instanceof Error ? error.message : String(error);
            options.onInvalid?.({ reason: field ? `${field}: ${message}` : message, input: record, ...(field ? { field } : {}) });
            return;
          }
          if (order.length - head >= maxBuffered) {
            fail(
              new TickflowError(`cassandraSink(${name}) holds ${maxBuffered} records and the upstream keeps sending`, {
                code: 'BUFFER_OVERFLOW',
                hint: 'use an upstream that waits for acks (kafkaSource pauses on its own bound) or raise maxBuffered',
              }),
            );
            return;
          }
          const e: Entry<T> = { record, query, params, pk, attempts: 0, started: false, done: false };
          order.push(e);
          if (pk !== undefined) {
            const q = waiting.get(pk);
            if (q) q.items.push(e);
            else waiting.set(pk, { items: [e], head: 0 });
          }
          queueGauges();
          pump();
        },
        error: fail,
        complete() {
          sourceDone = true;
          if (!closed && head === order.length) subscriber.complete();
        },
      });

      return () => {
        closed = true;
        upstream.unsubscribe();
        for (const t of timers) t.unsubscribe();
        timers.clear();
        if (reportedInFlight !== 0) inFlightGauge.dec(reportedInFlight, labels);
        if (reportedBuffered !== 0) bufferedGauge.dec(reportedBuffered, labels);
      };
    });
}
