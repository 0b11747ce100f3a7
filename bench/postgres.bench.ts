/**
 * postgresSink against raw `pg` doing the same writes in the same run: the same bulk statement
 * (INSERT … SELECT … FROM unnest(<one array per column>) ON CONFLICT DO NOTHING) into the same
 * partitioned trades table, batches of the same size, the same number of statements in flight.
 * The baseline builds its column arrays inside the timed section too (the sink maps each trade
 * to its row there). Also printed: a classic multi-row `INSERT … VALUES ($1,…),(…)` baseline,
 * for reference.
 *
 *   npx tsx bench/postgres.bench.ts
 *   BENCH_PG_ROWS=1000000 npx tsx bench/postgres.bench.ts
 *
 * Needs PostgreSQL (node scripts/services.mjs up postgres; DATABASE_URL overrides). Works in a
 * throw-away schema. Rounds alternate which goes first; on a loaded machine compare the median.
 */
import { randomUUID } from 'node:crypto';
import type { Trade } from '@tickflow/core';
import pg from 'pg';
import { from, lastValueFrom } from 'rxjs';
import { ensurePostgresSchema, postgresSink } from '../packages/sinks/src/postgres/index.js';
import { compareRounds } from './lib/compareRounds.js';
import { type Measured, measure } from './lib/measure.js';
import { printRatio } from './lib/printRatio.js';
import { rate } from './lib/rate.js';

const ROWS = Number(process.env.BENCH_PG_ROWS ?? 100_000);
const BATCH = Number(process.env.BENCH_PG_BATCH ?? 1000);
const IN_FLIGHT = Number(process.env.BENCH_PG_INFLIGHT ?? 2);
const ROUNDS = Number(process.env.BENCH_PG_ROUNDS ?? 4);
const schema = `bench_${randomUUID().slice(0, 8)}`;
const T0 = Date.UTC(2026, 10, 21, 14, 30);
const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL ?? 'postgres://tickflow:tickflow@127.0.0.1:5432/tickflow', max: IN_FLIGHT + 1 });

const trades = (n: number, tag: string): Trade[] =>
  Array.from({ length: n }, (_, i) => ({ symbol: `SYM${i % 100}`, price: 100 + (i % 997) / 100, size: 1 + (i % 50), ts: T0 + (i % 3_600_000), id: `${tag}-${i}`, source: 'bench' }));

const UNNEST =
  `INSERT INTO "${schema}"."trades" ("symbol", "ts", "id", "price", "size", "conditions", "source", "received_at") ` +
  'SELECT u.c0, to_timestamp(u.c1 / 1000.0), u.c2, u.c3, u.c4, CASE WHEN u.c5 IS NULL THEN NULL ELSE ARRAY(SELECT jsonb_array_elements_text(u.c5::jsonb)) END, u.c6, to_timestamp(u.c7 / 1000.0) ' +
  'FROM unnest($1::text[], $2::float8[], $3::text[], $4::float8[], $5::float8[], $6::text[], $7::text[], $8::float8[]) AS u(c0, c1, c2, c3, c4, c5, c6, c7) ' +
  'ON CONFLICT ("symbol", "ts", "id") DO NOTHING';

async function inParallel(input: Trade[], write: (batch: Trade[]) => Promise<unknown>) {
  let next = 0;
  const worker = async () => {
    while (next < input.length) {
      const batch = input.slice(next, next + BATCH);
      next += BATCH;
      await write(batch);
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
}

async function raw(n: number, tag: string): Promise<Measured> {
  const input = trades(n, tag);
  return measure(() =>
    inParallel(input, (b) =>
      pool.query(UNNEST, [
        b.map((t) => t.symbol),
        b.map((t) => t.ts),
        b.map((t) => t.id),
        b.map((t) => t.price),
        b.map((t) => t.size),
        b.map((t) => (t.conditions ? JSON.stringify(t.conditions) : null)),
        b.map((t) => t.source ?? null),
        b.map((t) => t.receivedAt ?? null),
      ]),
    ),
  );
}

async function values(n: number, tag: string): Promise<Measured> {
  const input = trades(n, tag);
  return measure(() =>
    inParallel(input, (b) => {
    const params: unknown[] = [];
    const rows = b.map((t) => {
      const k = params.length;
      params.push(t.symbol, new Date(t.ts), t.id, t.price, t.size, t.conditions ?? null, t.source ?? null, t.receivedAt === undefined ? null : new Date(t.receivedAt));
      return `($${k + 1},$${k + 2},$${k + 3},$${k + 4},$${k + 5},$${k + 6},$${k + 7},$${k + 8})`;
    });
    return pool.query(
      `INSERT INTO "${schema}"."trades" ("symbol","ts","id","price","size","conditions","source","received_at") VALUES ${rows.join(',')} ON CONFLICT ("symbol","ts","id") DO NOTHING`,
        params,
      );
    }),
  );
}

async function sink(n: number, tag: string): Promise<Measured> {
  const input = trades(n, tag);
  return measure(() => lastValueFrom(from(input).pipe(postgresSink<Trade>({ pool, kind: 'trades', schema, batchSize: BATCH, maxInFlight: IN_FLIGHT }))));
}

try {
  await ensurePostgresSchema(pool, { schema, kinds: ['trades'], now: T0, premake: 1 });
  await raw(2000, 'wr');
  await sink(2000, 'ws');
  const result = await compareRounds({ total: ROWS, rounds: ROUNDS, labels: { baseline: 'raw pg unnest', ours: 'postgresSink', unit: 'rows' }, baseline: raw, ours: sink });
  const { per } = result;
  const valuesMs = (await values(per, 'v')).ms;
  console.log(`\n${result.total} trade rows each, batches of ${BATCH}, ${IN_FLIGHT} statements in flight, daily-partitioned table`);
  printRatio(result, { baseline: 'raw pg, same unnest statement (baseline)', ours: 'postgresSink', unit: 'rows', goal: '>= 0.85x' });
  console.log(`  for reference, raw pg multi-row VALUES:   ${rate(per, valuesMs)} rows/s (${per} rows)`);
} finally {
  await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await pool.end();
}
