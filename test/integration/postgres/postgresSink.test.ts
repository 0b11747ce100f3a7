import { randomUUID } from 'node:crypto';
import type { Bar, Quote, Trade } from '@tickflow/core';
import { createPartitions, dropOldPartitions, ensurePostgresSchema, postgresSink } from '@tickflow/sinks/postgres';
import pg from 'pg';
import { firstValueFrom, from, toArray } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const DAY = 86_400_000;
const schema = `tf_test_${randomUUID().slice(0, 8)}`;
const now = Date.UTC(2026, 10, 21, 12);

const trade = (i: number, extra: Partial<Trade> = {}): Trade => ({ symbol: i % 2 ? 'AAPL' : 'MSFT', price: 100 + i, size: 1 + i, ts: now + i * 1000, id: `t${i}`, ...extra });
const bar = (start: number, close: number): Bar => ({
  symbol: 'AAPL', interval: '5m', start, end: start + 300_000, open: 100, high: 110, low: 90, close, volume: 50, count: 5, vwap: 101.5,
});

describe('postgresSink against PostgreSQL', () => {
  let pool: pg.Pool;
  beforeAll(async () => {
    pool = new pg.Pool({ connectionString: process.env.DATABASE_URL ?? 'postgres://tickflow:tickflow@127.0.0.1:5432/tickflow', max: 4 });
    const info = await ensurePostgresSchema(pool, { schema, now, premake: 2 });
    expect(info.timescale).toBe(false);
  });
  afterAll(async () => {
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await pool.end();
  });
  const count = async (table: string) => Number((await pool.query(`SELECT count(*) AS n FROM "${schema}"."${table}"`)).rows[0].n);

  it('ensurePostgresSchema creates partitioned tables with daily partitions ahead, idempotently', async () => {
    const again = await ensurePostgresSchema(pool, { schema, now, premake: 2 });
    expect(again.partitions.filter((p) => p.startsWith('trades_'))).toEqual(['trades_p20261121', 'trades_p20261122', 'trades_p20261123']);
    const parts = await pool.query(
      `SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
       JOIN pg_namespace n ON n.oid = p.relnamespace WHERE n.nspname = $1 AND p.relname = 'bars' ORDER BY 1`,
      [schema],
    );
    expect(parts.rows.map((r) => r.relname)).toEqual(['bars_p20261121', 'bars_p20261122', 'bars_p20261123']);
    const kind = await pool.query(`SELECT partstrat FROM pg_partitioned_table t JOIN pg_class c ON c.oid = t.partrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relname = 'trades'`, [schema]);
    expect(kind.rows[0].partstrat).toBe('r');
  });

  it('round-trips trades, and a re-insert creates no duplicates', async () => {
    const trades = Array.from({ length: 2500 }, (_, i) => trade(i, i === 3 ? { conditions: ['T', '12'], source: 'finnhub', receivedAt: now + 5 } : {}));
    const acks = await firstValueFrom(from(trades).pipe(postgresSink({ pool, kind: 'trades', schema, batchSize: 1000 }), toArray()));
    expect(acks.map((a) => a.record)).toEqual(trades);
    expect(await count('trades')).toBe(2500);
    const again = await firstValueFrom(from(trades.slice(0, 1200)).pipe(postgresSink({ pool, kind: 'trades', schema }), toArray()));
    expect(again).toHaveLength(1200);
    expect(await count('trades')).toBe(2500);
    const row = (await pool.query(`SELECT * FROM "${schema}".trades WHERE id = 't3'`)).rows[0];
    expect(row).toMatchObject({ symbol: 'AAPL', id: 't3', price: 103, size: 4, conditions: ['T', '12'], source: 'finnhub' });
    expect((row.ts as Date).getTime()).toBe(now + 3000);
    expect((row.received_at as Date).getTime()).toBe(now + 5);
  });

  it('trades without an id are keyed by price:size, so replays stay idempotent', async () => {
    const t: Trade = { symbol: 'NOID', price: 10.5, size: 3, ts: now + 1 };
    await firstValueFrom(from([t, t, { ...t, size: 4 }]).pipe(postgresSink({ pool, kind: 'trades', schema }), toArray()));
    await firstValueFrom(from([t]).pipe(postgresSink({ pool, kind: 'trades', schema }), toArray()));
    const rows = (await pool.query(`SELECT id FROM "${schema}".trades WHERE symbol = 'NOID' ORDER BY id`)).rows;
    expect(rows.map((r) => r.id)).toEqual(['10.5:3', '10.5:4']);
  });

  it('upserts bars: a revised bar replaces the stored one, last one in a batch wins', async () => {
    const start = now - (now % 300_000);
    await firstValueFrom(from([bar(start, 101), bar(start + 300_000, 102)]).pipe(postgresSink({ pool, kind: 'bars', schema }), toArray()));
    const acks = await firstValueFrom(from([bar(start, 105), bar(start, 107)]).pipe(postgresSink({ pool, kind: 'bars', schema }), toArray()));
    expect(acks).toHaveLength(2);
    const rows = (await pool.query(`SELECT start, close, "end", count FROM "${schema}".bars ORDER BY start`)).rows;
    expect(rows.map((r) => [(r.start as Date).getTime(), r.close, Number(r.count)])).toEqual([
      [start, 107, 5],
      [start + 300_000, 102, 5],
    ]);
    expect((rows[0].end as Date).getTime()).toBe(start + 300_000);
  });

  it('stores quotes', async () => {
    const q: Quote = { symbol: 'AAPL', price: 190, ts: now, volume: 10, change: 1, changePercent: 0.5, bid: 189.9, earningsTimestamp: now + DAY };
    await firstValueFrom(from([q, q]).pipe(postgresSink({ pool, kind: 'quotes', schema }), toArray()));
    const rows = (await pool.query(`SELECT * FROM "${schema}".quotes`)).rows;
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ symbol: 'AAPL', price: 190, bid: 189.9, change_percent: 0.5, ask: null });
    expect((rows[0].earnings_ts as Date).getTime()).toBe(now + DAY);
  });

  it('creates a missing partition on demand (a backfill of old data)', async () => {
    const old = now - 40 * DAY;
    await firstValueFrom(from([trade(1, { ts: old, id: 'old1' }), trade(2, { ts: old + DAY, id: 'old2' })]).pipe(postgresSink({ pool, kind: 'trades', schema }), toArray()));
    const rows = (await pool.query(`SELECT tableoid::regclass::text AS part FROM "${schema}".trades WHERE id LIKE 'old%' ORDER BY ts`)).rows;
    expect(rows.map((r) => r.part)).toEqual([`${schema}.trades_p20261012`, `${schema}.trades_p20261013`]);
  });

  it('dead-letters invalid records and keeps the valid ones', async () => {
    const dead: string[] = [];
    const bad = { symbol: 'BAD', price: Number.NaN, size: 1, ts: now, id: 'bad' } as Trade;
    const acks = await firstValueFrom(
      from([trade(9000), bad]).pipe(postgresSink({ pool, kind: 'trades', schema, onInvalid: (d) => dead.push(d.reason) }), toArray()),
    );
    expect(acks[1]!.meta?.deadLetter).toBe('invalid: price must be a finite number');
    expect(dead).toEqual(['invalid: price must be a finite number']);
    expect((await pool.query(`SELECT count(*) AS n FROM "${schema}".trades WHERE id IN ('t9000', 'bad')`)).rows[0].n).toBe('1');
  });

  it('retention drops partitions older than N days and keeps the rest', async () => {
    await createPartitions(pool, { schema, table: 'trades', from: now - 10 * DAY, to: now - 8 * DAY });
    const dry = await dropOldPartitions(pool, { schema, olderThanDays: 7, now, dryRun: true });
    expect(dry).toContain('trades_p20261111');
    expect(await count('trades')).toBeGreaterThan(2500);
    const dropped = await dropOldPartitions(pool, { schema, olderThanDays: 7, now });
    expect(dropped.sort()).toEqual(['trades_p20261012', 'trades_p20261013', 'trades_p20261111', 'trades_p20261112', 'trades_p20261113'].sort());
    expect((await pool.query(`SELECT count(*) AS n FROM "${schema}".trades WHERE id LIKE 'old%'`)).rows[0].n).toBe('0');
    expect(await dropOldPartitions(pool, { schema, olderThanDays: 7, now })).toEqual([]);
    const kept = await pool.query(`SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent JOIN pg_namespace n ON n.oid = p.relnamespace WHERE n.nspname = $1 AND p.relname = 'trades' ORDER BY 1`, [schema]);
    expect(kept.rows.map((r) => r.relname)).toEqual(['trades_p20261121', 'trades_p20261122', 'trades_p20261123']);
  });

  it('isolates a row PostgreSQL rejects (a CHECK constraint) by retrying the batch row by row', async () => {
    await pool.query(`ALTER TABLE "${schema}".trades ADD CONSTRAINT price_cap CHECK (price < 1000000)`);
    const dead: string[] = [];
    const batch = [trade(7001), trade(7002, { price: 5_000_000 }), trade(7003)];
    const acks = await firstValueFrom(from(batch).pipe(postgresSink({ pool, kind: 'trades', schema, onInvalid: (d) => dead.push(d.kind) }), toArray()));
    expect(acks.map((a) => a.meta?.deadLetter === undefined)).toEqual([true, false, true]);
    expect(acks[1]!.meta?.deadLetter).toMatch(/price_cap/);
    expect(dead).toEqual(['rejected']);
    const ids = (await pool.query(`SELECT id FROM "${schema}".trades WHERE id IN ('t7001', 't7002', 't7003') ORDER BY id`)).rows;
    expect(ids.map((r) => r.id)).toEqual(['t7001', 't7003']);
  });
});
