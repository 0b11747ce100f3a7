// Internal: how a record becomes the bound parameters of a built-in table's INSERT.
import { parseInterval, ValidationError } from '@tickflow/core';
import { cassandraTables, type CassandraTableName } from './cassandraTables.js';
import { barBucketOf, cachedDayOf } from './timeBuckets.js';

/** Prefix of ids generated for trades that arrive without one (see ADR 0051). */
export const GENERATED_ID_PREFIX = '~auto:';

/** A resolved mapping: the statement and how to bind one record. */
export interface RowMapping<T> {
  /** Table (or custom mapping) name for metrics and acks. */
  name: string;
  /** INSERT without a TTL clause (the table default applies). */
  query: string;
  /** The same INSERT with `USING TTL ?` bound after the row's values, when TTL overrides are possible. */
  queryWithTtl: string | undefined;
  /** Whether both queries end with a `TIMESTAMP ?` marker for the write time (µs). */
  timestamped: boolean;
  /** Bound values; throws a ValidationError when the record cannot be stored. */
  params(record: T): unknown[];
  /** Partition key of a row (same key = same partition), when known. */
  partitionKey: ((record: T, params: unknown[]) => string) | undefined;
}

/** Built-in tables bind their two partition-key columns first. */
const firstTwo = (_r: unknown, p: unknown[]) => `${p[0] as string}\u0000${p[1] as string}`;

const TRADE_COLUMNS = ['symbol', 'day', 'ts', 'id', 'price', 'size', 'conditions', 'source', 'received_at'];
const BAR_COLUMNS = [
  'symbol',
  'bucket',
  'window_start',
  'window_end',
  'open',
  'high',
  'low',
  'close',
  'volume',
  'trade_count',
  'vwap',
  'revision',
  'updated_at',
];

/**
 * The INSERT without and with a TTL. Both bind the write timestamp last (`USING TIMESTAMP ?`): the
 * sink stamps each row when it arrives, so retries and batches never let an older version of a
 * row (a superseded bar revision) win over a newer one.
 */
function insert(keyspace: string, table: string, columns: string[]): [string, string] {
  const q = `INSERT INTO ${keyspace}.${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`;
  return [`${q} USING TIMESTAMP ?`, `${q} USING TTL ? AND TIMESTAMP ?`];
}

function fail(message: string, field: string, input: unknown): never {
  throw new ValidationError(message, { field, input });
}

const isObj = (r: unknown): r is Record<string, unknown> => typeof r === 'object' && r !== null;

const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const optNum = (v: unknown) => (finite(v) ? v : undefined);
const optStr = (v: unknown) => (typeof v === 'string' ? v : undefined);
const optList = (v: unknown) => (Array.isArray(v) && v.every((c) => typeof c === 'string') ? v : undefined);

/**
 * The mapping of a built-in table: its INSERTs (write-timestamped), partition key = the first two
 * bound values, and `params` that rejects a record that is not an object before `bind` sees it.
 */
function builtInMapping<T>(
  keyspace: string,
  table: CassandraTableName,
  columns: string[],
  what: 'trade' | 'bar',
  bind: (record: Record<string, unknown>) => unknown[],
): RowMapping<T> {
  const [query, queryWithTtl] = insert(keyspace, table, columns);
  return {
    name: table,
    query,
    queryWithTtl,
    timestamped: true,
    partitionKey: firstTwo,
    params(record) {
      if (!isObj(record)) fail(`${table} expects a ${what} object, got ${record === null ? 'null' : typeof record}`, 'record', record);
      return bind(record);
    },
  };
}

/**
 * Builds the trade mapping. Without an `id`, a trade gets `~auto:<price>:<size>:<n>` where n counts
 * earlier identical (symbol, ts, price, size) prints in this subscription, so identical prints
 * stay distinct rows and a replay of the same stream rewrites the same rows.
 */
function tradeMapping<T>(keyspace: string, table: 'trades_bronze' | 'trades_silver'): RowMapping<T> {
  const bronze = table === 'trades_bronze';
  const dayOf = cachedDayOf();
  const seen = new Map<string, number>();
  const MAX_SEEN = 10_000;
  return builtInMapping<T>(keyspace, table, bronze ? [...TRADE_COLUMNS, 'raw'] : TRADE_COLUMNS, 'trade', (record) => {
    const { symbol, ts, price, size } = record;
    if (typeof symbol !== 'string' || symbol.length === 0) fail('symbol must be a non-empty string', 'symbol', record);
    if (!Number.isInteger(ts) || (ts as number) < 0) fail('ts must be an integer epoch-ms timestamp >= 0', 'ts', record);
    if (!bronze) {
      if (!finite(price)) fail('price must be a finite number', 'price', record);
      if (!finite(size)) fail('size must be a finite number', 'size', record);
    }
    let id = record.id;
    if (typeof id !== 'string' || id.length === 0) {
      const key = `${symbol}|${ts}|${String(price)}|${String(size)}`;
      const n = seen.get(key) ?? 0;
      if (n === 0 && seen.size >= MAX_SEEN) seen.delete(seen.keys().next().value as string);
      seen.set(key, n + 1);
      id = `${GENERATED_ID_PREFIX}${String(price)}:${String(size)}:${n}`;
    }
    const p: unknown[] = [
      symbol,
      dayOf(ts as number),
      ts,
      id,
      optNum(price),
      optNum(size),
      optList(record.conditions),
      optStr(record.source),
      optNum(record.receivedAt),
    ];
    if (bronze) p.push(JSON.stringify(record));
    return p;
  });
}

function barMapping<T>(keyspace: string, table: 'trades_gold_5m' | 'trades_gold_1h', now: () => number): RowMapping<T> {
  const interval = cassandraTables[table].interval as '5m' | '1h';
  const size = parseInterval(interval);
  return builtInMapping<T>(keyspace, table, BAR_COLUMNS, 'bar', (record) => {
    const b = record;
    if (typeof b.symbol !== 'string' || b.symbol.length === 0) fail('symbol must be a non-empty string', 'symbol', record);
    let ms: number;
    try {
      ms = typeof b.interval === 'string' ? parseInterval(b.interval) : Number.NaN;
    } catch {
      ms = Number.NaN;
    }
    if (ms !== size) fail(`${table} stores ${interval} bars, got interval ${JSON.stringify(b.interval)}`, 'interval', record);
    if (!Number.isInteger(b.start) || (b.start as number) % size !== 0) {
      fail(`start must be an integer epoch ms aligned to ${interval}`, 'start', record);
    }
    for (const f of ['open', 'high', 'low', 'close', 'volume', 'vwap'] as const) {
      if (!finite(b[f])) fail(`${f} must be a finite number`, f, record);
    }
    if (!Number.isInteger(b.count)) fail('count must be an integer', 'count', record);
    const start = b.start as number;
    return [
      b.symbol,
      barBucketOf(start, interval),
      start,
      finite(b.end) ? b.end : start + size,
      b.open,
      b.high,
      b.low,
      b.close,
      b.volume,
      b.count,
      b.vwap,
      Number.isInteger(b.revision) ? b.revision : undefined,
      now(),
    ];
  });
}

/** The mapping of a built-in table. */
export function tableMapping<T>(keyspace: string, table: CassandraTableName, now: () => number): RowMapping<T> {
  switch (table) {
    case 'trades_bronze':
    case 'trades_silver':
      return tradeMapping<T>(keyspace, table);
    case 'trades_gold_5m':
    case 'trades_gold_1h':
      return barMapping<T>(keyspace, table, now);
  }
}
