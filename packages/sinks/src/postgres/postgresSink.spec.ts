import fc from 'fast-check';
import { firstValueFrom, from, lastValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { createPartitions } from './createPartitions.js';
import { dropOldPartitions } from './dropOldPartitions.js';
import { ensurePostgresSchema } from './ensurePostgresSchema.js';
import { insertSql } from './insertSql.js';
import { parsePartitionName, partitionOf } from './partitionRanges.js';
import type { PostgresQueryable } from './PostgresQueryable.js';
import { postgresSink } from './postgresSink.js';
import { postgresTables } from './postgresTables.js';

/** A fake pool: records SQL; `answer` may throw or return rows. */
function fakePool(answer: (sql: string, values: unknown[] | undefined, n: number) => { rows?: any[]; rowCount?: number } | undefined = () => undefined) {
  const queries: { sql: string; values: unknown[] | undefined }[] = [];
  const pool: PostgresQueryable = {
    query: async (sql, values) => {
      queries.push({ sql, values });
      const r = answer(sql, values, queries.length) ?? {};
      return { rows: r.rows ?? [], rowCount: r.rowCount ?? (values?.[0] as unknown[] | undefined)?.length ?? 0 };
    },
  };
  return { pool, queries };
}
const pgError = (code: string, message: string) => Object.assign(new Error(message), { code });
const trade = (i: number) => ({ symbol: 'A', price: 1 + i, size: 2, ts: Date.UTC(2026, 0, 2) + i, id: `t${i}` });

describe('partition ranges', () => {
  it('names daily and monthly UTC partitions and parses the names back (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4_102_444_800_000 }), fc.constantFrom('day' as const, 'month' as const), (ms, g) => {
        const p = partitionOf(ms, g);
        expect(p.from).toBeLessThanOrEqual(ms);
        expect(p.to).toBeGreaterThan(ms);
        expect(parsePartitionName('trades', `trades${p.suffix}`)).toEqual(p);
      }),
    );
    expect(partitionOf(Date.UTC(2024, 1, 29, 23, 59), 'day')).toEqual({ suffix: '_p20240229', from: Date.UTC(2024, 1, 29), to: Date.UTC(2024, 2, 1) });
    expect(partitionOf(Date.UTC(2024, 11, 31), 'month').suffix).toBe('_p202412');
    expect(parsePartitionName('trades', 'trades_default')).toBeUndefined();
    expect(parsePartitionName('trades', 'trades_archive_p20240101')).toBeUndefined();
  });
});

describe('insertSql', () => {
  it('unnests one typed array per column and upserts bars, ignores re-inserted trades', () => {
    const bars = insertSql(postgresTables.bars, '"s"."bars"');
    expect(bars).toContain('FROM unnest($1::text[], $2::text[], $3::float8[]');
    expect(bars).toContain('to_timestamp(u.c2 / 1000.0)');
    expect(bars).toContain('ON CONFLICT ("symbol", "interval", "start") DO UPDATE SET "end" = EXCLUDED."end", "open" = EXCLUDED."open"');
    const trades = insertSql(postgresTables.trades, '"s"."trades"');
    expect(trades).toMatch(/ON CONFLICT \("symbol", "ts", "id"\) DO NOTHING$/);
    expect(trades).toContain('ARRAY(SELECT jsonb_array_elements_text(u.c5::jsonb))');
  });
});

describe('postgresSink (fake pool)', () => {
  it('sends one statement per batch with column arrays', async () => {
    const f = fakePool();
    const acks = await lastValueFrom(from([trade(1), { ...trade(2), conditions: ['I'] }]).pipe(postgresSink({ pool: f.pool, kind: 'trades' }), toArray()));
    expect(f.queries).toHaveLength(1);
    const v = f.queries[0]!.values!;
    expect(v[0]).toEqual(['A', 'A']);
    expect(v[1]).toEqual([trade(1).ts, trade(2).ts]);
    expect(v[2]).toEqual(['t1', 't2']);
    expect(v[5]).toEqual([null, '["I"]']);
    expect(acks.map((a) => a.meta)).toEqual([{ table: '"public"."trades"' }, { table: '"public"."trades"' }]);
  });

  it('creates the missing partitions of a batch and runs the insert again', async () => {
    const f = fakePool((sql, _v, n) => {
      if (n === 1 && sql.startsWith('INSERT')) throw pgError('23514', 'no partition of relation "trades" found for row');
      return undefined;
    });
    const day = 86_400_000;
    const records = [trade(0), { ...trade(1), ts: trade(1).ts + 2 * day }];
    await lastValueFrom(from(records).pipe(postgresSink({ pool: f.pool, kind: 'trades', schema: 'md' }), toArray()));
    const ddl = f.queries.filter((q) => q.sql.startsWith('CREATE TABLE')).map((q) => q.sql.split(' PARTITION OF')[0]);
    expect(ddl).toEqual([
      'CREATE TABLE IF NOT EXISTS "md"."trades_p20260102"',
      'CREATE TABLE IF NOT EXISTS "md"."trades_p20260103"',
      'CREATE TABLE IF NOT EXISTS "md"."trades_p20260104"',
    ]);
    expect(f.queries.filter((q) => q.sql.startsWith('INSERT'))).toHaveLength(2);
  });

  it('with partition: false, a missing partition is a configuration error', async () => {
    const f = fakePool(() => {
      throw pgError('23514', 'no partition of relation "trades" found for row');
    });
    await expect(firstValueFrom(from([trade(1)]).pipe(postgresSink({ pool: f.pool, kind: 'trades', partition: false })))).rejects.toThrow(/no partition.*ensurePostgresSchema/);
  });

  it('retries a serialization failure, then succeeds', async () => {
    const f = fakePool((_s, _v, n) => {
      if (n === 1) throw pgError('40001', 'could not serialize access');
      return undefined;
    });
    const acks = await lastValueFrom(from([trade(1)]).pipe(postgresSink({ pool: f.pool, kind: 'trades', retry: { initialDelayMs: 1 } }), toArray()));
    expect(acks).toHaveLength(1);
    expect(f.queries).toHaveLength(2);
  });

  it('keeps only the last revision of a bar within a batch (ON CONFLICT DO UPDATE cannot touch a row twice)', async () => {
    const f = fakePool();
    const bar = (close: number, start = 0) => ({ symbol: 'A', interval: '5m', start, end: start + 300_000, open: 1, high: 2, low: 1, close, volume: 1, count: 1, vwap: 1 });
    const acks = await lastValueFrom(from([bar(1), bar(2, 300_000), bar(3)]).pipe(postgresSink({ pool: f.pool, kind: 'bars' }), toArray()));
    expect(acks).toHaveLength(3);
    expect(f.queries[0]!.values![7]).toEqual([2, 3]);
  });

  it('rejects an unknown kind', () => {
    expect(() => postgresSink({ pool: fakePool().pool, kind: 'ticks' as never })).toThrow(/kind/);
  });
});

describe('schema helpers (fake pool)', () => {
  it('ensurePostgresSchema uses create_hypertable when TimescaleDB is installed', async () => {
    const f = fakePool((sql) => (sql.includes('pg_extension') ? { rows: [{ '?column?': 1 }] } : undefined));
    const info = await ensurePostgresSchema(f.pool, { kinds: ['bars'], partition: 'month' });
    expect(info).toEqual({ schema: 'public', tables: { bars: 'bars' }, timescale: true, partitions: [] });
    const create = f.queries.find((q) => q.sql.startsWith('CREATE TABLE'))!;
    expect(create.sql).not.toContain('PARTITION BY');
    const hyper = f.queries.find((q) => q.sql.includes('create_hypertable'))!;
    expect(hyper.values).toEqual(['"public"."bars"', 'start', '1 month']);
  });

  it('ensurePostgresSchema with timescale: true fails clearly without the extension', async () => {
    await expect(ensurePostgresSchema(fakePool().pool, { timescale: true })).rejects.toThrow(/CREATE EXTENSION timescaledb/);
  });

  it('createPartitions validates its range; dropOldPartitions validates olderThanDays', async () => {
    await expect(createPartitions(fakePool().pool, { table: 't', from: 10, to: 5 })).rejects.toThrow(/from <= to/);
    await expect(dropOldPartitions(fakePool().pool, { olderThanDays: -1 })).rejects.toThrow(/olderThanDays/);
  });
});
