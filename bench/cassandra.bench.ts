/**
 * cassandraSink against the driver's own `executeConcurrent`, same prepared statement
 * (the Bronze INSERT), same concurrency, same Cassandra, in the same run; then a 5,000-bar flush
 * to Gold 5m.
 *
 *   npx tsx bench/cassandra.bench.ts
 *   BENCH_CASSANDRA_ROWS=500000 BENCH_CASSANDRA_CONCURRENCY=128 npx tsx bench/cassandra.bench.ts
 *
 * Needs Cassandra (node scripts/services.mjs up cassandra; CASSANDRA_CONTACT_POINTS overrides).
 * The baseline gets its bound values precomputed outside the timed section; the sink maps each
 * trade to its row inside it. Runs alternate (raw, sink, raw, sink) so drift in the server
 * (memtable flushes, compaction) hits both alike.
 */
import type { Bar, Trade } from '@tickflow/core';
import cassandra from 'cassandra-driver';
import { from, lastValueFrom } from 'rxjs';
import { cassandraSink, ensureSchema } from '../packages/sinks/src/cassandra/index.js';
import { rate } from './lib/rate.js';

const ROWS = Number(process.env.BENCH_CASSANDRA_ROWS ?? 100_000);
const CONCURRENCY = Number(process.env.BENCH_CASSANDRA_CONCURRENCY ?? 64);
const ROUNDS = Number(process.env.BENCH_CASSANDRA_ROUNDS ?? 2);
const BARS = 5_000;
const KEYSPACE = process.env.BENCH_CASSANDRA_KEYSPACE ?? 'tickflow_bench';
const T0 = Date.UTC(2024, 0, 2, 14, 30);

const client = new cassandra.Client({
  contactPoints: (process.env.CASSANDRA_CONTACT_POINTS ?? '127.0.0.1:9042').split(','),
  localDataCenter: process.env.CASSANDRA_LOCAL_DC ?? 'datacenter1',
  socketOptions: { readTimeout: 30_000 },
});

function trades(n: number, run: string): Trade[] {
  const out: Trade[] = [];
  for (let i = 0; i < n; i++) {
    out.push({ symbol: `SYM${i % 100}`, price: 100 + (i % 997) / 100, size: 1 + (i % 50), ts: T0 + i * 7, id: `${run}-${i}`, source: 'bench' });
  }
  return out;
}

/** The same row the sink writes to trades_bronze, computed ahead for the baseline. */
const bronzeRow = (t: Trade) => [
  t.symbol,
  new Date(Math.floor(t.ts / 86_400_000) * 86_400_000).toISOString().slice(0, 10),
  t.ts,
  t.id,
  t.price,
  t.size,
  t.conditions,
  t.source,
  t.receivedAt,
  JSON.stringify(t),
  String(Date.now() * 1000), // the write timestamp the sink binds too
];
const QUERY =
  `INSERT INTO ${KEYSPACE}.trades_bronze (symbol, day, ts, id, price, size, conditions, source, received_at, raw) ` +
  'VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) USING TIMESTAMP ?';

async function raw(n: number, run: string): Promise<number> {
  const params = trades(n, run).map(bronzeRow);
  const t0 = performance.now();
  await cassandra.concurrent.executeConcurrent(client, QUERY, params, { concurrencyLevel: CONCURRENCY });
  return performance.now() - t0;
}

async function sink(n: number, run: string, batchRows?: number): Promise<number> {
  const input = trades(n, run);
  const t0 = performance.now();
  await lastValueFrom(
    from(input).pipe(cassandraSink<Trade>({ client, table: 'trades_bronze', keyspace: KEYSPACE, concurrency: CONCURRENCY, ...(batchRows ? { batchRows } : {}) })),
  );
  return performance.now() - t0;
}

await client.connect();
await ensureSchema(client, { keyspace: KEYSPACE });
const stamp = Date.now().toString(36);
// Warm up both paths (prepares the statement, JIT, connections).
await raw(2_000, `${stamp}-wr`);
await sink(2_000, `${stamp}-ws`);

const per = Math.ceil(ROWS / ROUNDS);
let rawMs = 0;
let singleMs = 0;
let sinkMs = 0;
for (let r = 0; r < ROUNDS; r++) {
  const a = await raw(per, `${stamp}-r${r}`);
  const b = await sink(per, `${stamp}-1-${r}`, 1);
  const c = await sink(per, `${stamp}-s${r}`);
  rawMs += a;
  singleMs += b;
  sinkMs += c;
  console.log(`round ${r + 1}: executeConcurrent ${rate(per, a)} rows/s, sink batchRows 1 ${rate(per, b)} rows/s, sink default ${rate(per, c)} rows/s`);
}
const total = per * ROUNDS;
const rawRate = rate(total, rawMs);
const singleRate = rate(total, singleMs);
const sinkRate = rate(total, sinkMs);
console.log(`\n${total} bronze rows each, concurrency ${CONCURRENCY}`);
console.log(`  executeConcurrent (baseline):           ${rawRate} rows/s`);
console.log(`  cassandraSink, batchRows 1 (same work):  ${singleRate} rows/s  ratio ${(singleRate / rawRate).toFixed(3)}x  (goal >= 0.85x)`);
console.log(`  cassandraSink, default (partition batches of <= 20): ${sinkRate} rows/s  ratio ${(sinkRate / rawRate).toFixed(3)}x`);

// A 5,000-bar flush: 100 consecutive 5m windows x 50 symbols, in the order a watermark jump releases them.
const bars: Bar[] = [];
for (let w = 0; w < BARS / 50; w++) {
  for (let s = 0; s < 50; s++) {
    const start = T0 - (T0 % 300_000) + w * 300_000;
    bars.push({ symbol: `BAR${s}`, interval: '5m', start, end: start + 300_000, open: 10, high: 11, low: 9, close: 10.5, volume: 1000, count: 10, vwap: 10.2 });
  }
}
await lastValueFrom(from(bars.slice(0, 100)).pipe(cassandraSink<Bar>({ client, table: 'trades_gold_5m', keyspace: KEYSPACE }))); // warm-up
const flush = async (batchRows?: number) => {
  const f0 = performance.now();
  await lastValueFrom(
    from(bars).pipe(cassandraSink<Bar>({ client, table: 'trades_gold_5m', keyspace: KEYSPACE, concurrency: CONCURRENCY, ...(batchRows ? { batchRows } : {}) })),
  );
  return performance.now() - f0;
};
const single = await flush(1);
const flushMs = await flush();
console.log(`\n${BARS}-bar flush to trades_gold_5m: ${flushMs.toFixed(0)} ms (goal <= 1000 ms); with batchRows 1: ${single.toFixed(0)} ms`);

await client.shutdown();
