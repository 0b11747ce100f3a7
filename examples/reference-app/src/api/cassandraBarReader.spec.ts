import type { CassandraClient, CassandraRow } from '@tickflow/sinks/cassandra';
import { describe, expect, it } from 'vitest';
import { BarsQuerySchema } from './BarsQuerySchema.js';
import { cassandraBarReader } from './cassandraBarReader.js';

const DAY = 86_400_000;
const NOW = Date.UTC(2024, 2, 10, 12);

/** A Cassandra stand-in holding Gold rows, answering readBars' range query (symbol, bucket, from, to). */
function fakeClient(rows: { table: string; symbol: string; start: number }[]) {
  const queries: { table: string; params: unknown[] }[] = [];
  const client = {
    execute: async (query: string, params: unknown[]) => {
      const table = /FROM \w+\.(\w+)/.exec(query)?.[1] as string;
      queries.push({ table, params });
      const [symbol, , from, to] = params as [string, unknown, number, number];
      const match = rows.filter((r) => r.table === table && r.symbol === symbol && r.start >= from && r.start < to);
      // each bucket query sees only its own rows: dedupe across buckets by answering the first bucket only
      const first = queries.filter((q) => q.table === table && q.params[0] === symbol).length === 1;
      const out: CassandraRow[] = (first ? match : []).map((r) => ({
        get: (c: string) =>
          ({ window_start: new Date(r.start), window_end: new Date(r.start + 300_000), open: 1, high: 2, low: 0.5, close: 1.5, volume: 10, trade_count: 3, vwap: 1.2 })[c],
      }));
      return { rows: out, pageState: null };
    },
  } as unknown as CassandraClient;
  return { client, queries };
}

describe('cassandraBarReader', () => {
  it('reads the Gold table of the interval over the default look-back, newest `limit` bars, marked final', async () => {
    const rows = [0, 1, 2, 3].map((i) => ({ table: 'trades_gold_5m', symbol: 'AAPL', start: NOW - DAY + i * 300_000 }));
    rows.push({ table: 'trades_gold_5m', symbol: 'AAPL', start: NOW - 3 * DAY }); // outside the 2-day default
    const { client, queries } = fakeClient(rows);
    const reader = cassandraBarReader(client, { keyspace: 'md', symbols: ['MSFT', 'AAPL'], now: () => NOW });
    const bars = await reader.bars(BarsQuerySchema.parse({ symbol: 'AAPL', limit: '3' }));
    expect(bars.map((b) => b.start)).toEqual([1, 2, 3].map((i) => NOW - DAY + i * 300_000));
    expect(bars[0]).toMatchObject({ symbol: 'AAPL', interval: '5m', open: 1, close: 1.5, count: 3, final: true });
    expect(queries[0]?.table).toBe('trades_gold_5m');
    expect(queries[0]?.params[2]).toBe(NOW + 1 - 2 * DAY);
    expect(await reader.symbols()).toEqual(['AAPL', 'MSFT']);
  });

  it('cuts a too-long range to its newest part and reads 1h bars from trades_gold_1h', async () => {
    const { client, queries } = fakeClient([]);
    const reader = cassandraBarReader(client, { symbols: ['AAPL'], now: () => NOW });
    await reader.bars(BarsQuerySchema.parse({ symbol: 'AAPL', interval: '5m', from: String(NOW - 365 * DAY), to: String(NOW) }));
    expect(Math.min(...queries.map((q) => q.params[2] as number))).toBe(NOW - 31 * DAY);
    queries.length = 0;
    await reader.bars(BarsQuerySchema.parse({ symbol: 'AAPL', interval: '1h' }));
    expect(queries.every((q) => q.table === 'trades_gold_1h')).toBe(true);
  });
});
