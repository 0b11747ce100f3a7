/**
 * The record kinds {@link postgresSink} and {@link ensurePostgresSchema} know.
 *
 * @example
 * ```ts
 * import pg from 'pg';
 * import { type PostgresKind, ensurePostgresSchema, postgresSink } from '@tickflow/sinks/postgres';
 * const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });
 * const kinds: PostgresKind[] = ['trades', 'quotes'];
 * await ensurePostgresSchema(pool, { kinds });
 * const storeQuotes = postgresSink({ pool, kind: 'quotes' });
 * ```
 */
export type PostgresKind = 'trades' | 'bars' | 'quotes';

/** A column of a tickflow table: SQL type, how its value is taken from a record. */
export interface PostgresColumn {
  name: string;
  /** How the value travels: `time` = epoch ms → timestamptz; `textArray` = string[] → text[]. */
  type: 'text' | 'float8' | 'int8' | 'time' | 'textArray';
  notNull: boolean;
  value: (record: any) => unknown;
}

/** A tickflow table: columns, conflict key, partitioning column and conflict rule. */
export interface PostgresTableSpec {
  kind: PostgresKind;
  columns: PostgresColumn[];
  /** Primary key = ON CONFLICT target (always includes the time column, as partitioning requires). */
  key: string[];
  /** Column partitioned on (range). */
  timeColumn: string;
  /** `nothing`: re-inserts are ignored (immutable facts); `update`: the row is replaced (bars get revised). */
  conflict: 'nothing' | 'update';
}

const col = (name: string, type: PostgresColumn['type'], notNull: boolean, value: (r: any) => unknown): PostgresColumn => ({ name, type, notNull, value });

/**
 * The tables of tickflow's PostgreSQL storage. Trades are keyed (symbol, ts, id) where `id` is the
 * record id, or `price:size` for a trade without one (the same fallback as `dedupe`); bars by
 * (symbol, interval, start); quotes by (symbol, ts).
 */
export const postgresTables: Record<PostgresKind, PostgresTableSpec> = {
  trades: {
    kind: 'trades',
    columns: [
      col('symbol', 'text', true, (r) => r.symbol),
      col('ts', 'time', true, (r) => r.ts),
      col('id', 'text', true, (r) => (typeof r.id === 'string' && r.id !== '' ? r.id : `${r.price}:${r.size}`)),
      col('price', 'float8', true, (r) => r.price),
      col('size', 'float8', true, (r) => r.size),
      col('conditions', 'textArray', false, (r) => r.conditions),
      col('source', 'text', false, (r) => r.source),
      col('received_at', 'time', false, (r) => r.receivedAt),
    ],
    key: ['symbol', 'ts', 'id'],
    timeColumn: 'ts',
    conflict: 'nothing',
  },
  bars: {
    kind: 'bars',
    columns: [
      col('symbol', 'text', true, (r) => r.symbol),
      col('interval', 'text', true, (r) => r.interval),
      col('start', 'time', true, (r) => r.start),
      col('end', 'time', true, (r) => r.end),
      col('open', 'float8', true, (r) => r.open),
      col('high', 'float8', true, (r) => r.high),
      col('low', 'float8', true, (r) => r.low),
      col('close', 'float8', true, (r) => r.close),
      col('volume', 'float8', true, (r) => r.volume),
      col('count', 'int8', true, (r) => r.count),
      col('vwap', 'float8', true, (r) => r.vwap),
    ],
    key: ['symbol', 'interval', 'start'],
    timeColumn: 'start',
    conflict: 'update',
  },
  quotes: {
    kind: 'quotes',
    columns: [
      col('symbol', 'text', true, (r) => r.symbol),
      col('ts', 'time', true, (r) => r.ts),
      col('price', 'float8', true, (r) => r.price),
      col('volume', 'float8', true, (r) => r.volume),
      col('change', 'float8', true, (r) => r.change),
      col('change_percent', 'float8', true, (r) => r.changePercent),
      col('bid', 'float8', false, (r) => r.bid),
      col('ask', 'float8', false, (r) => r.ask),
      col('day_high', 'float8', false, (r) => r.dayHigh),
      col('day_low', 'float8', false, (r) => r.dayLow),
      col('previous_close', 'float8', false, (r) => r.previousClose),
      col('currency', 'text', false, (r) => r.currency),
      col('market_state', 'text', false, (r) => r.marketState),
      col('exchange', 'text', false, (r) => r.exchange),
      col('earnings_ts', 'time', false, (r) => r.earningsTimestampStart ?? r.earningsTimestamp),
      col('source', 'text', false, (r) => r.source),
      col('received_at', 'time', false, (r) => r.receivedAt),
    ],
    key: ['symbol', 'ts'],
    timeColumn: 'ts',
    conflict: 'nothing',
  },
};

const SQL_TYPE: Record<PostgresColumn['type'], string> = {
  text: 'text',
  float8: 'double precision',
  int8: 'bigint',
  time: 'timestamptz',
  textArray: 'text[]',
};

/** Quotes an SQL identifier. */
export const ident = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/** `"schema"."table"`. */
export const qualified = (schema: string, table: string): string => `${ident(schema)}.${ident(table)}`;

/**
 * The CREATE TABLE statement of a table spec.
 *
 * @param spec - the table
 * @param name - schema-qualified, quoted name
 * @param partitioned - add `PARTITION BY RANGE (<time column>)`
 * @returns the statement
 */
export function createTableSql(spec: PostgresTableSpec, name: string, partitioned: boolean): string {
  const cols = spec.columns.map((c) => `${ident(c.name)} ${SQL_TYPE[c.type]}${c.notNull ? ' NOT NULL' : ''}`);
  cols.push(`PRIMARY KEY (${spec.key.map(ident).join(', ')})`);
  return `CREATE TABLE IF NOT EXISTS ${name} (\n  ${cols.join(',\n  ')}\n)${partitioned ? ` PARTITION BY RANGE (${ident(spec.timeColumn)})` : ''}`;
}
