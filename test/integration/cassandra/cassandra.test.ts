/**
 * cassandraSink, ensureSchema and the readers against a real Cassandra (see docs/guides/services.md).
 * One keyspace per run of this file (DDL is slow on a shared node); dropped at the end.
 */
import { type Ack, type Gauge, memoryInstrumentation, type Trade } from '@tickflow/core';
import {
  type CassandraAckMeta,
  type CassandraClient,
  cassandraSink,
  cassandraTables,
  ensureSchema,
  readBars,
  readTrades,
} from '@tickflow/sinks/cassandra';
import type cassandra from 'cassandra-driver';
import { from, lastValueFrom, Subject, toArray } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pidOf } from '../../../scripts/services-lib.mjs';
import { barsOf, makeTrades, servicesCassandra, testClient, uniqueKeyspace } from './helpers.js';

const keyspace = uniqueKeyspace('tf_it_cass');
let client: cassandra.Client;

const DAY = 86_400_000;
const T0 = Date.UTC(2024, 2, 30, 20); // spans a month end: several day and month partitions
const SPAN = 3 * DAY;

const write = <T>(records: T[], table: Parameters<typeof cassandraSink<T>>[0]['table'], extra: Partial<Parameters<typeof cassandraSink<T>>[0]> = {}) =>
  lastValueFrom(from(records).pipe(cassandraSink<T>({ client, table, keyspace, concurrency: 64, ...extra }), toArray()));

async function allTrades(layer: 'bronze' | 'silver', symbols: string[], from = T0, to = T0 + SPAN): Promise<Trade[]> {
  const out: Trade[] = [];
  for (const symbol of symbols) out.push(...(await readTrades(client, { symbol, from, to, layer, keyspace })));
  return out;
}

const byKey = (a: Trade, b: Trade) => a.symbol.localeCompare(b.symbol) || a.ts - b.ts || String(a.id).localeCompare(String(b.id));

beforeAll(async () => {
  client = testClient();
  await client.connect();
});

afterAll(async () => {
  await client?.execute(`DROP KEYSPACE IF EXISTS ${keyspace}`, [], { readTimeout: 60_000 }).catch(() => {});
  await client?.shutdown();
});

describe('ensureSchema', () => {
  it('creates the keyspace and tables once; a second call is a no-op', async () => {
    const first = await ensureSchema(client, { keyspace });
    expect(first.created).toEqual(['keyspace', 'trades_bronze', 'trades_silver', 'trades_gold_5m', 'trades_gold_1h']);
    const second = await ensureSchema(client, { keyspace });
    expect(second).toEqual({ keyspace, created: [], existing: ['trades_bronze', 'trades_silver', 'trades_gold_5m', 'trades_gold_1h'] });
  });

  it('gives every table its default TTL (system_schema.tables)', async () => {
    const rs = await client.execute('SELECT table_name, default_time_to_live FROM system_schema.tables WHERE keyspace_name = ?', [keyspace], {
      prepare: true,
    });
    const ttl = Object.fromEntries(rs.rows.map((r) => [r.get('table_name'), r.get('default_time_to_live')]));
    expect(ttl).toEqual({ trades_bronze: 604_800, trades_silver: 2_592_000, trades_gold_5m: 7_776_000, trades_gold_1h: 31_536_000 });
    for (const t of Object.values(cassandraTables)) expect(ttl[t.name]).toBe(t.ttlSeconds);
  });
});

describe('cassandraSink round trip', () => {
  const trades = makeTrades(50_000, 7, T0, SPAN);
  const symbols = [...new Set(trades.map((t) => t.symbol))];

  beforeAll(() => ensureSchema(client, { keyspace })); // a no-op after the ensureSchema tests; lets -t pick one test

  it('writes 50k trades to Bronze and Silver and their bars to Gold, and reads back the same', async () => {
    const bronzeAcks = await write(trades, 'trades_bronze');
    const silverAcks = await write(trades, 'trades_silver');
    expect(bronzeAcks.map((a) => a.record)).toEqual(trades); // one ack per record, in input order
    expect(silverAcks).toHaveLength(trades.length);

    const sorted = [...trades].sort(byKey);
    expect((await allTrades('silver', symbols)).sort(byKey)).toEqual(sorted);
    expect((await allTrades('bronze', symbols)).sort(byKey)).toEqual(sorted);

    const raw = await client.execute(`SELECT raw FROM ${keyspace}.trades_bronze WHERE symbol = ? AND day = ? LIMIT 1`, ['AAPL', '2024-03-30'], {
      prepare: true,
    });
    expect(trades).toContainEqual(JSON.parse(raw.rows[0]?.get('raw')));

    for (const interval of ['5m', '1h'] as const) {
      const bars = barsOf(trades, interval);
      await write(bars, interval === '5m' ? 'trades_gold_5m' : 'trades_gold_1h');
      const back = [];
      for (const symbol of symbols) back.push(...(await readBars(client, { symbol, interval, from: T0 - DAY, to: T0 + SPAN + DAY, keyspace })));
      const key = (b: { symbol: string; start: number }) => `${b.symbol}|${b.start}`;
      expect(back.sort((a, b) => key(a).localeCompare(key(b)))).toEqual(bars.sort((a, b) => key(a).localeCompare(key(b))));
    }
  }, 600_000);

  it('writing the same records again leaves the same row counts (idempotent upserts)', async () => {
    const before = { silver: (await allTrades('silver', symbols)).length, bronze: (await allTrades('bronze', symbols)).length };
    await write(trades, 'trades_silver');
    await write(trades, 'trades_bronze');
    const bars = barsOf(trades, '5m');
    await write(bars, 'trades_gold_5m');
    expect({ silver: (await allTrades('silver', symbols)).length, bronze: (await allTrades('bronze', symbols)).length }).toEqual(before);
    expect(before.silver).toBe(50_000);
    let n = 0;
    for (const symbol of symbols) n += (await readBars(client, { symbol, interval: '5m', from: T0 - DAY, to: T0 + SPAN + DAY, keyspace })).length;
    expect(n).toBe(bars.length);
  }, 600_000);

  it('keeps two distinct trades with the same symbol, ts, price and size (with ids, and without)', async () => {
    const ts = T0 + SPAN + 10 * DAY;
    const withIds: Trade[] = [
      { symbol: 'TWIN', ts, price: 10, size: 5, id: 'a' },
      { symbol: 'TWIN', ts, price: 10, size: 5, id: 'b' },
    ];
    const noIds: Trade[] = [
      { symbol: 'NOID', ts, price: 10, size: 5 },
      { symbol: 'NOID', ts, price: 10, size: 5 },
      { symbol: 'NOID', ts, price: 10, size: 6 },
    ];
    await write([...withIds, ...noIds], 'trades_silver');
    await write(noIds, 'trades_silver'); // a replay of the same stream rewrites the same rows
    expect(await readTrades(client, { symbol: 'TWIN', from: ts, to: ts + 1, keyspace })).toEqual(withIds);
    expect(await readTrades(client, { symbol: 'NOID', from: ts, to: ts + 1, keyspace })).toEqual(noIds);
  });

  it('rewrites a restated bar in place and renews its TTL; a per-row TTL override is applied', async () => {
    const start = Date.UTC(2024, 5, 1, 10);
    const bar = { symbol: 'RESTATE', interval: '5m', start, end: start + 300_000, open: 1, high: 2, low: 1, close: 2, volume: 3, count: 2, vwap: 1.5 };
    await write([bar], 'trades_gold_5m', { ttlSeconds: 1_000 });
    const ttlOf = async () =>
      (
        await client.execute(`SELECT TTL(close) AS t FROM ${keyspace}.trades_gold_5m WHERE symbol = ? AND bucket = ? AND window_start = ?`, ['RESTATE', '2024-06', start], {
          prepare: true,
        })
      ).rows[0]?.get('t') as number;
    expect(await ttlOf()).toBeLessThanOrEqual(1_000);
    const restated = { ...bar, close: 3, high: 3, volume: 4, count: 3, vwap: 1.9 };
    await write([restated], 'trades_gold_5m');
    expect(await readBars(client, { symbol: 'RESTATE', interval: '5m', from: start, to: start + 1, keyspace })).toEqual([restated]);
    expect(await ttlOf()).toBeGreaterThan(7_776_000 - 600); // the table default again, counted from the rewrite

    // Revisions written back to back, 2-4 in one batch (concurrency 1): the last one wins. Values
    // fall with each revision because Cassandra breaks write-time ties by the larger value.
    const revisions = [1, 2, 3, 4].map((r) => ({ ...bar, close: 3 - r / 10, high: 3, revision: r }));
    await write(revisions, 'trades_gold_5m', { concurrency: 1 });
    const [{ revision: _r, ...last }] = revisions.slice(-1) as [(typeof revisions)[number]];
    expect(await readBars(client, { symbol: 'RESTATE', interval: '5m', from: start, to: start + 1, keyspace })).toEqual([last]);
    const rev = await client.execute(`SELECT revision FROM ${keyspace}.trades_gold_5m WHERE symbol = ? AND bucket = ? AND window_start = ?`, ['RESTATE', '2024-06', start], {
      prepare: true,
    });
    expect(rev.rows[0]?.get('revision')).toBe(4);
  });
});

describe('cassandraSink while Cassandra restarts', () => {
  const managed = pidOf('cassandra') !== null;

  beforeAll(() => ensureSchema(client, { keyspace, tables: ['trades_silver'] }));

  afterAll(async () => {
    if (managed) await servicesCassandra('up'); // whatever happened, leave Cassandra running
  }, 600_000);

  it.skipIf(!managed)(
    'rides out a 20 s outage: every row arrives, no stream error, in-flight and buffer stay bounded',
    async () => {
      const N = 20_000;
      const WINDOW = 1_000; // records the upstream lets out before acks come back (as kafkaSource pauses)
      const CONCURRENCY = 32;
      const trades = makeTrades(N, 11, T0 + 20 * DAY, DAY).map((t) => ({ ...t, symbol: `OUT_${t.symbol}` }));

      let inFlight = 0;
      let maxInFlight = 0;
      let batches = 0;
      const counting: CassandraClient = {
        execute: (q, p, o) => {
          maxInFlight = Math.max(maxInFlight, ++inFlight);
          return client.execute(q, p as unknown[], o).finally(() => inFlight--);
        },
        batch: (queries, o) => {
          maxInFlight = Math.max(maxInFlight, ++inFlight);
          batches++;
          return client.batch(queries, o).finally(() => inFlight--);
        },
      };
      const inst = memoryInstrumentation();
      let maxBuffered = 0;
      const gauge = inst.gauge.bind(inst);
      inst.gauge = (name, o): Gauge => {
        const g = gauge(name, o);
        if (name !== 'cassandra_buffered') return g;
        const track = () => (maxBuffered = Math.max(maxBuffered, inst.value(name, { table: 'trades_silver' })));
        return {
          set: (v, l) => {
            g.set(v, l);
            track();
          },
          inc: (v, l) => {
            g.inc(v, l);
            track();
          },
          dec: (v, l) => {
            g.dec(v, l);
            track();
          },
        };
      };

      const input = new Subject<Trade>();
      const acks: Ack<Trade, CassandraAckMeta>[] = [];
      const errors: unknown[] = [];
      let sent = 0;
      let maxHeap = 0;
      const done = new Promise<void>((resolve) => {
        input
          .pipe(cassandraSink({ client: counting, table: 'trades_silver', keyspace, concurrency: CONCURRENCY, instrumentation: inst, retry: { maxDelayMs: 2_000 } }))
          .subscribe({ next: (a) => acks.push(a), error: (e) => {
              errors.push(e);
              resolve();
            },
            complete: resolve,
          });
      });
      const pump = setInterval(() => {
        maxHeap = Math.max(maxHeap, process.memoryUsage().heapUsed);
        for (let k = 0; k < 50 && sent < N && sent - acks.length < WINDOW; k++) input.next(trades[sent++] as Trade);
        if (sent === N) {
          clearInterval(pump);
          input.complete();
        }
      }, 25);

      while (acks.length < 2_000 && errors.length === 0) await new Promise((r) => setTimeout(r, 100));
      const heapBefore = process.memoryUsage().heapUsed;
      maxHeap = heapBefore; // from here on, measure growth while Cassandra is down and catching up
      await servicesCassandra('down');
      const ackedAtStop = acks.length;
      await new Promise((r) => setTimeout(r, 20_000));
      const ackedAfter20s = acks.length;
      await servicesCassandra('up');
      await done;
      clearInterval(pump);

      expect(errors).toEqual([]);
      expect(ackedAfter20s - ackedAtStop).toBeLessThanOrEqual(CONCURRENCY); // nothing was acked while it was down (bar the last replies)
      expect(inst.total('cassandra_write_retries_total')).toBeGreaterThan(0);
      expect(acks.map((a) => a.record)).toEqual(trades);
      expect(maxInFlight).toBeLessThanOrEqual(CONCURRENCY);
      expect(batches).toBeGreaterThan(0); // the backlog after the restart went out as single-partition batches
      expect(maxBuffered).toBeLessThanOrEqual(WINDOW);
      expect(maxHeap - heapBefore).toBeLessThan(200 * 2 ** 20);
      const symbols = [...new Set(trades.map((t) => t.symbol))];
      const back = await allTrades('silver', symbols, T0 + 20 * DAY, T0 + 21 * DAY);
      expect(back.sort(byKey)).toEqual([...trades].sort(byKey));
    },
    900_000,
  );
});
