import { describe, expect, it } from 'vitest';
import type { CassandraQueryOptions, CassandraResult } from './CassandraClient.js';
import { fakeClient } from './fakeClient.test-helper.js';
import { readBars } from './readBars.js';
import { readTrades } from './readTrades.js';

const row = (o: Record<string, unknown>) => ({ get: (c: string) => o[c] ?? null });

/** Serves `data` per partition, `fetchSize` rows per page, recording each request. */
function pagedClient(data: Record<string, Record<string, unknown>[]>) {
  const requests: { query: string; params: unknown[]; options?: CassandraQueryOptions }[] = [];
  const client = fakeClient(async (query, params, options): Promise<CassandraResult> => {
    requests.push({ query, params, ...(options ? { options } : {}) });
    const all = (data[params[1] as string] ?? []).filter((r) => {
      const t = (r.window_start ?? r.ts) as Date;
      return t.getTime() >= (params[2] as number) && t.getTime() < (params[3] as number);
    });
    const from = Number(options?.pageState ?? 0);
    const size = options?.fetchSize ?? 5000;
    const page = all.slice(from, from + size);
    return { rows: page.map(row), pageState: from + size < all.length ? String(from + size) : null };
  });
  return { client, requests };
}

describe('readBars', () => {
  it('pages through every monthly partition of the range and returns Bar objects', async () => {
    const bar = (d: number, close: number) => ({
      window_start: new Date(d), window_end: new Date(d + 300_000), open: 1, high: 2, low: 0.5, close, volume: 10, trade_count: 3, vwap: 1.1,
    });
    const jan = [bar(Date.UTC(2024, 0, 31, 23, 50), 1), bar(Date.UTC(2024, 0, 31, 23, 55), 2)];
    const feb = [bar(Date.UTC(2024, 1, 1), 3), bar(Date.UTC(2024, 1, 1, 0, 5), 4), bar(Date.UTC(2024, 1, 1, 0, 10), 5)];
    const { client, requests } = pagedClient({ '2024-01': jan, '2024-02': feb });
    const bars = await readBars(client, { symbol: 'AAPL', interval: '5m', from: Date.UTC(2024, 0, 31), to: new Date(Date.UTC(2024, 1, 1, 0, 10)), fetchSize: 1, keyspace: 'md' });
    expect(bars.map((b) => b.close)).toEqual([1, 2, 3, 4]);
    expect(bars[0]).toEqual({
      symbol: 'AAPL', interval: '5m', start: Date.UTC(2024, 0, 31, 23, 50), end: Date.UTC(2024, 0, 31, 23, 55), open: 1, high: 2, low: 0.5, close: 1, volume: 10, count: 3, vwap: 1.1,
    });
    expect(requests.map((r) => r.params[1])).toEqual(['2024-01', '2024-01', '2024-02', '2024-02']);
    expect(requests[0]?.query).toMatch(/FROM md\.trades_gold_5m WHERE symbol = \? AND bucket = \? AND window_start >= \? AND window_start < \?$/);
    expect(requests[1]?.options).toMatchObject({ prepare: true, fetchSize: 1, pageState: '1' });
  });

  it('rejects bad arguments with the setting named', async () => {
    const { client } = pagedClient({});
    await expect(readBars(client, { symbol: 'A', interval: '15m' as never, from: 0, to: 1 })).rejects.toThrow(/interval must be '5m' or '1h'/);
    await expect(readBars(client, { symbol: '', interval: '5m', from: 0, to: 1 })).rejects.toThrow(/symbol/);
    await expect(readBars(client, { symbol: 'A', interval: '1h', from: Number.NaN, to: 1 })).rejects.toThrow(/from must be/);
  });
});

describe('readTrades', () => {
  it('reads day partitions in order and leaves out generated ids unless asked', async () => {
    const d1 = Date.UTC(2024, 0, 1, 23, 59);
    const d2 = Date.UTC(2024, 0, 2, 0, 1);
    const { client, requests } = pagedClient({
      '2024-01-01': [{ ts: new Date(d1), id: 'a', price: 1, size: 2, conditions: ['1'], source: 'finnhub', received_at: new Date(d1 + 3) }],
      '2024-01-02': [{ ts: new Date(d2), id: '~auto:1:2:0', price: 1, size: 2 }],
    });
    const trades = await readTrades(client, { symbol: 'X', from: d1, to: d2 + 1, layer: 'bronze' });
    expect(trades).toEqual([
      { symbol: 'X', ts: d1, id: 'a', price: 1, size: 2, conditions: ['1'], source: 'finnhub', receivedAt: d1 + 3 },
      { symbol: 'X', ts: d2, price: 1, size: 2 },
    ]);
    expect(requests[0]?.query).toContain('FROM market_data.trades_bronze');
    const withIds = await readTrades(client, { symbol: 'X', from: d1, to: d2 + 1, includeGeneratedIds: true });
    expect(withIds[1]?.id).toBe('~auto:1:2:0');
    expect(requests.at(-1)?.query).toContain('trades_silver');
  });
});
