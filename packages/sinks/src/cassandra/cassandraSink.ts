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
import { cassandraTables, type CassandraTableName } from './cassandraTables.js';
import { checkKeyspace } from './checkKeyspace.js';
import { isRetriableCassandraError } from './isRetriableCassandraError.js';
import { type RowMapping, tableMapping } from './tableMappings.js';

const DEFAULT_RETRY = { maxAttempts: Number.POSITIVE_INFINITY, initialDelayMs: 100, maxDelayMs: 5_000, multiplier: 2, jitter: 0.2 };

interface Entry<T> {
  record: T;
  query: string;
  params: unknown[];
  attempts: number;
  done: boolean;
}

function resolveMapping<T>(options: CassandraSinkOptions<T>): RowMapping<T> {
  const { table } = options;
  if (typeof table === 'string') {
    if (!(table in cassandraTables)) {
      throw new ConfigurationError(`unknown table ${JSON.stringify(table)}; use one of ${Object.keys(cassandraTables).join(', ')} or { query, params }`, {
        setting: 'table',
      });
    }
    return tableMapping<T>(checkKeyspace(options.keyspace ?? 'market_data'), table as CassandraTableName, () => scheduler(options).now());
  }
  if (typeof table !== 'object' || table === null || typeof table.query !== 'string' || typeof table.params !== 'function') {
    throw new ConfigurationError('table must be a table name or { query: string, params(record): unknown[] }', { setting: 'table' });
  }
  if (options.ttlSeconds !== undefined) {
    throw new ConfigurationError('ttlSeconds works with the built-in tables only; put USING TTL in your custom query', { setting: 'ttlSeconds' });
  }
  return { name: table.name ?? 'custom', query: table.query, queryWithTtl: undefined, params: (r) => table.params(r) };
}

const scheduler = <T>(o: CassandraSinkOptions<T>) => o.scheduler ?? asyncScheduler;

function checkTtl(ttl: unknown, record: unknown): number {
  if (typeof ttl !== 'number' || !Number.isInteger(ttl) || ttl < 0) {
    throw new ValidationError(`ttlSeconds must be an integer >= 0, got ${String(ttl)}`, { field: 'ttlSeconds', input: record });
  }
  return ttl;
}

/**
 * Writes each record as one row to Cassandra and emits an {@link Ack} once the row is written
 * (the coordinator answered at the statement's consistency). Acks come out in input order, so the
 * records before an ack are durable too — what a Kafka consumer needs to commit offsets.
 *
 * Every write is an idempotent upsert with a prepared statement (`prepare: true`,
 * `isIdempotent: true`): writing the same record twice rewrites the same row, so replays after a
 * crash leave no duplicates. Rows are never batched across partitions (they are not batched at
 * all). At most `concurrency` writes are in flight; the others wait in order. Retriable failures
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
  const mapping = resolveMapping(options);
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
  const sched = scheduler(options);
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
  const withTtl = mapping.queryWithTtl as string;
  const bind: (record: T) => [string, unknown[]] =
    ttl === undefined
      ? (r) => [mapping.query, mapping.params(r)]
      : typeof ttl === 'number'
        ? (r) => [withTtl, [...mapping.params(r), ttl]]
        : (r) => {
            const p = mapping.params(r);
            const t = ttl(r);
            if (t === undefined) return [mapping.query, p];
            p.push(checkTtl(t, r));
            return [withTtl, p];
          };

  return (source) =>
    new Observable<Ack<T, CassandraAckMeta>>((subscriber) => {
      const order: Entry<T>[] = []; // records in input order, not yet acked
      let head = 0; // next entry to ack
      let next = 0; // next entry to start
      let inFlight = 0;
      let sourceDone = false;
      let closed = false;
      let failing = 0; // entries currently waiting to retry
      const timers = new Set<Subscription>();

      const fail = (error: unknown) => {
        if (closed) return;
        closed = true;
        subscriber.error(error);
      };

      const ok = (e: Entry<T>, t0: number) => {
        if (closed) return;
        latency.observe((sched.now() - t0) / 1000, labels);
        rows.inc(1, labels);
        inFlight--;
        inFlightGauge.dec(1, labels);
        e.done = true;
        if (e.attempts > 1 && --failing === 0) inst.log('info', 'cassandra_write_recovered', { table: name, attempts: e.attempts });
        pump();
        flush();
      };

      const ko = (e: Entry<T>, error: unknown) => {
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
        if (e.attempts >= policy.maxAttempts) {
          fail(new RetriesExhaustedError(`cassandra write to ${name}`, e.attempts, error));
          return;
        }
        if (e.attempts === 1 && failing++ === 0) {
          inst.log('warn', 'cassandra_write_retrying', { table: name, error: error instanceof Error ? error.message : String(error) });
        }
        retries.inc(1, labels);
        const delay = backoff(e.attempts, policy, options.random);
        const timer = sched.schedule(() => {
          timers.delete(timer);
          attempt(e);
        }, delay);
        if (!timer.closed) timers.add(timer);
      };

      const attempt = (e: Entry<T>) => {
        if (closed) return;
        e.attempts++;
        const t0 = sched.now();
        let p: Promise<unknown>;
        try {
          p = client.execute(e.query, e.params, queryOptions);
        } catch (error) {
          p = Promise.reject(error);
        }
        p.then(
          () => ok(e, t0),
          (error: unknown) => ko(e, error),
        );
      };

      const pump = () => {
        while (inFlight < concurrency && next < order.length) {
          inFlight++;
          inFlightGauge.inc(1, labels);
          attempt(order[next++] as Entry<T>);
        }
      };

      const flush = () => {
        while (head < order.length && (order[head] as Entry<T>).done) {
          const e = order[head] as Entry<T>;
          order[head++] = undefined as unknown as Entry<T>;
          bufferedGauge.dec(1, labels);
          subscriber.next({ record: e.record, meta: { table: name, attempts: e.attempts } });
          if (closed) return;
        }
        if (head > 1024 && head * 2 > order.length) {
          order.splice(0, head);
          next -= head;
          head = 0;
        }
        if (sourceDone && head === order.length) subscriber.complete();
      };

      const upstream = source.subscribe({
        next(record) {
          if (closed) return;
          let query: string;
          let params: unknown[];
          try {
            [query, params] = bind(record);
          } catch (error) {
            invalid.inc(1, labels);
            const reason = error instanceof ValidationError && error.field ? `${error.field}: ${error.message}` : String((error as Error)?.message ?? error);
            options.onInvalid?.({
              reason,
              input: record,
              ...(error instanceof ValidationError && error.field ? { field: error.field } : {}),
            });
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
          order.push({ record, query, params, attempts: 0, done: false });
          bufferedGauge.inc(1, labels);
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
        inFlightGauge.dec(inFlight, labels);
        bufferedGauge.dec(order.length - head, labels);
      };
    });
}
