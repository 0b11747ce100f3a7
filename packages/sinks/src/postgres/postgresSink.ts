import { type Ack, ConfigurationError, noopInstrumentation } from '@tickflow/core';
import type { OperatorFunction } from 'rxjs';
import { batchedWrites } from '../internal/batchedWrites.js';
import { createPartitions } from './createPartitions.js';
import { insertSql } from './insertSql.js';
import { isRetriablePostgresError } from './isRetriablePostgresError.js';
import type { PostgresAckMeta, PostgresDeadLetter, PostgresSinkOptions } from './PostgresSinkOptions.js';
import { type PostgresColumn, postgresTables, qualified } from './postgresTables.js';

const checkValue = (c: PostgresColumn, v: unknown): string | undefined => {
  if (v === undefined || v === null) return c.notNull ? `${c.name} is required` : undefined;
  if (c.type === 'text') return typeof v === 'string' ? undefined : `${c.name} must be a string`;
  if (c.type === 'textArray') return Array.isArray(v) && v.every((s) => typeof s === 'string') ? undefined : `${c.name} must be an array of strings`;
  if (typeof v !== 'number' || !Number.isFinite(v)) return `${c.name} must be a finite number`;
  if (c.type === 'int8' && !Number.isInteger(v)) return `${c.name} must be an integer`;
  return undefined;
};

const isMissingPartition = (e: unknown) => (e as { code?: string }).code === '23514' && /no partition of relation/i.test(String((e as Error).message));
const isDataError = (e: unknown) => /^2[23]/.test((e as { code?: string }).code ?? '');

/**
 * Stores records in PostgreSQL with bulk, idempotent writes: each batch is one
 * `INSERT … SELECT … FROM unnest(<one array per column>)` — one round trip and one statement,
 * whatever the batch size — with `ON CONFLICT DO NOTHING` for trades (key symbol, ts, id) and
 * quotes (symbol, ts), and `ON CONFLICT (symbol, interval, start) DO UPDATE` for bars (a revised
 * bar replaces the old one; within a batch the last one wins). The statement runs in autocommit
 * mode, so when it returns it is committed: only then are the batch's acks emitted. Replaying
 * the same records therefore creates no duplicates.
 *
 * On a natively partitioned table an insert hitting a missing partition creates the partitions
 * the batch needs (see `partition`) and runs again. A record with a missing/ill-typed required
 * field, or one PostgreSQL rejects (the batch is then retried row by row to find it), is acked
 * with `meta.deadLetter`, counted (`postgres_dead_letters_total`) and given to `onInvalid`.
 *
 * @param options - the pg Pool, record kind, table, batching
 * @returns an operator from records to `Ack`s carrying {@link PostgresAckMeta}
 * @example
 * ```ts
 * import pg from 'pg';
 * import { from } from 'rxjs';
 * import { ensurePostgresSchema, postgresSink } from '@tickflow/sinks/postgres';
 *
 * const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });
 * await ensurePostgresSchema(pool);
 * from([{ symbol: 'AAPL', price: 190.1, size: 5, ts: Date.now(), id: 't1' }])
 *   .pipe(postgresSink({ pool, kind: 'trades' }))
 *   .subscribe((ack) => console.log('committed to', ack.meta?.table));
 * ```
 */
export function postgresSink<T>(options: PostgresSinkOptions<T>): OperatorFunction<T, Ack<T, PostgresAckMeta>> {
  const spec = postgresTables[options.kind];
  if (!spec) {
    throw new ConfigurationError(`postgresSink kind must be 'trades', 'bars' or 'quotes', got ${String(options.kind)}`, { setting: 'kind' });
  }
  const pool = options.pool;
  const schema = options.schema ?? 'public';
  const tableName = options.table ?? spec.kind;
  const table = qualified(schema, tableName);
  const sql = insertSql(spec, table);
  const columns = spec.columns;
  const timeIndex = columns.findIndex((c) => c.name === spec.timeColumn);
  const keyIndexes = spec.key.map((k) => columns.findIndex((c) => c.name === k));
  const upsert = spec.conflict === 'update';
  const partition = options.partition ?? 'day';
  const inst = options.instrumentation ?? noopInstrumentation;
  const deadLetters = inst.counter('postgres_dead_letters_total', { help: 'Records postgresSink could not store', labelNames: ['table', 'kind'] });
  const conflicts = inst.counter('postgres_rows_conflicting_total', { help: 'Rows that were already stored (ON CONFLICT)', labelNames: ['table'] });
  const labels = { table: tableName };

  const deadLetter = (record: T, kind: PostgresDeadLetter['kind'], reason: string): Ack<T, PostgresAckMeta> => {
    deadLetters.inc(1, { ...labels, kind });
    inst.log('warn', 'postgres_dead_letter', { table: tableName, kind, reason });
    options.onInvalid?.({ kind, reason, input: record });
    return { record, meta: { table, deadLetter: reason } };
  };

  // Rows travel column-wise (one array per column, as the unnest statement takes them), built in
  // one pass over the batch; `owners[r]` is the batch index of row r.
  const insert = async (cols: unknown[][]): Promise<number> => {
    try {
      return (await pool.query(sql, cols)).rowCount ?? 0;
    } catch (e) {
      if (!isMissingPartition(e)) throw e;
      if (partition === false) {
        throw new ConfigurationError(`${table} has no partition for some rows`, {
          setting: 'partition',
          hint: 'create partitions ahead with ensurePostgresSchema/createPartitions, or let the sink create them (partition: "day")',
        });
      }
      let min = Number.POSITIVE_INFINITY;
      let max = Number.NEGATIVE_INFINITY;
      for (const t of cols[timeIndex] as number[]) {
        if (t < min) min = t;
        if (t > max) max = t;
      }
      const created = await createPartitions(pool, { table: tableName, schema, from: min, to: max, partition });
      inst.log('info', 'postgres_partitions_created', { table: tableName, partitions: created.length });
      return (await pool.query(sql, cols)).rowCount ?? 0;
    }
  };

  const write = async (batch: T[]): Promise<Ack<T, PostgresAckMeta>[]> => {
    const acks: Ack<T, PostgresAckMeta>[] = new Array(batch.length);
    let cols: unknown[][] = columns.map(() => new Array(batch.length));
    let owners: number[] = [];
    let n = 0;
    for (let i = 0; i < batch.length; i++) {
      const record = batch[i]!;
      let problem: string | undefined;
      try {
        for (let c = 0; c < columns.length; c++) {
          const column = columns[c]!;
          const v = column.value(record);
          problem = checkValue(column, v);
          if (problem !== undefined) break;
          cols[c]![n] = v === undefined ? null : column.type === 'textArray' && v !== null ? JSON.stringify(v) : v;
        }
      } catch (e) {
        problem = (e as Error).message;
      }
      if (problem !== undefined) {
        acks[i] = deadLetter(record, 'invalid', `invalid: ${problem}`);
        continue;
      }
      acks[i] = { record, meta: { table } };
      owners.push(i);
      n++;
    }
    if (n === 0) return acks;
    if (n < batch.length) for (const col of cols) col.length = n;
    if (upsert && n > 1) {
      const last = new Map<string, number>();
      for (let r = 0; r < n; r++) last.set(keyIndexes.map((k) => String(cols[k]![r])).join('\u0000'), r);
      if (last.size < n) {
        const keep = [...last.values()].sort((a, b) => a - b);
        cols = cols.map((col) => keep.map((r) => col[r]));
        owners = keep.map((r) => owners[r]!);
        n = keep.length;
      }
    }
    try {
      const stored = await insert(cols);
      if (!upsert && stored < n) conflicts.inc(n - stored, labels);
    } catch (e) {
      if (!isDataError(e)) throw e;
      // PostgreSQL rejected the batch for its data: find the offending rows one by one.
      for (let r = 0; r < n; r++) {
        try {
          await insert(cols.map((col) => [col[r]]));
        } catch (rowError) {
          if (!isDataError(rowError)) throw rowError;
          acks[owners[r]!] = deadLetter(batch[owners[r]!]!, 'rejected', `rejected: ${(rowError as Error).message}`);
        }
      }
    }
    return acks;
  };

  return batchedWrites<T, PostgresAckMeta>({
    sink: 'postgres',
    batchSize: options.batchSize ?? 1000,
    lingerMs: options.lingerMs ?? 20,
    maxInFlight: options.maxInFlight ?? 2,
    maxBuffered: options.maxBuffered ?? 100_000,
    write,
    retry: options.retry ?? {},
    isRetriable: isRetriablePostgresError,
    instrumentation: inst,
    scheduler: options.scheduler,
    random: options.random,
  });
}
