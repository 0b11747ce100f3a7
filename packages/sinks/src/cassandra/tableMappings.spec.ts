import { describe, expect, it } from 'vitest';
import { GENERATED_ID_PREFIX, tableMapping } from './tableMappings.js';

const T0 = Date.UTC(2024, 0, 31, 23, 59, 59, 999);
const now = () => 42;

describe('tableMapping', () => {
  it('bronze keeps the raw record as JSON next to the parsed columns', () => {
    const m = tableMapping<unknown>('md', 'trades_bronze', now);
    const rec = { symbol: 'AAPL', price: 1.5, size: 2, ts: T0, id: 'x', conditions: ['12'], source: 'finnhub', receivedAt: T0 + 5, extra: true };
    expect(m.query).toBe(
      'INSERT INTO md.trades_bronze (symbol, day, ts, id, price, size, conditions, source, received_at, raw) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) USING TIMESTAMP ?',
    );
    expect(m.queryWithTtl).toBe(m.query.replace('USING TIMESTAMP ?', 'USING TTL ? AND TIMESTAMP ?'));
    expect(m.params(rec)).toEqual(['AAPL', '2024-01-31', T0, 'x', 1.5, 2, ['12'], 'finnhub', T0 + 5, JSON.stringify(rec)]);
    // Bronze is raw: a trade with a bad price is still stored (price left unset), Silver refuses it.
    expect(m.params({ symbol: 'A', ts: T0 + 1, price: 'oops', size: 1, id: 'y' })[4]).toBeUndefined();
    expect(() => tableMapping<unknown>('md', 'trades_silver', now).params({ symbol: 'A', ts: 1, price: 'oops', size: 1 })).toThrow(/price/);
  });

  it('gives id-less trades deterministic ids that keep identical prints apart', () => {
    const ids = (m: ReturnType<typeof tableMapping<unknown>>) =>
      [
        { symbol: 'A', ts: 1, price: 2, size: 3 },
        { symbol: 'A', ts: 1, price: 2, size: 3 },
        { symbol: 'A', ts: 1, price: 2, size: 4 },
        { symbol: 'B', ts: 1, price: 2, size: 3 },
      ].map((t) => m.params(t)[3]);
    const first = ids(tableMapping('md', 'trades_silver', now));
    expect(first).toEqual([`${GENERATED_ID_PREFIX}2:3:0`, `${GENERATED_ID_PREFIX}2:3:1`, `${GENERATED_ID_PREFIX}2:4:0`, `${GENERATED_ID_PREFIX}2:3:0`]);
    // A replay of the same stream (new subscription, new mapping) produces the same ids.
    expect(ids(tableMapping('md', 'trades_silver', now))).toEqual(first);
  });

  it('puts 5m bars in monthly and 1h bars in yearly partitions, with updated_at and revision', () => {
    const start = Date.UTC(2024, 1, 29, 23, 55);
    const bar = { symbol: 'AAPL', interval: '5m', start, end: start + 300_000, open: 1, high: 2, low: 0.5, close: 1.5, volume: 9, count: 3, vwap: 1.2 };
    const p5 = tableMapping<unknown>('md', 'trades_gold_5m', now).params(bar);
    expect(p5).toEqual(['AAPL', '2024-02', start, start + 300_000, 1, 2, 0.5, 1.5, 9, 3, 1.2, undefined, 42]);
    const h = Date.UTC(2024, 11, 31, 23);
    const p1 = tableMapping<unknown>('md', 'trades_gold_1h', now).params({ ...bar, interval: '1h', start: h, end: h + 3_600_000, revision: 2 });
    expect(p1.slice(0, 2)).toEqual(['AAPL', '2024']);
    expect(p1[11]).toBe(2);
  });

  it('refuses bars of the wrong interval, unaligned starts and missing fields', () => {
    const m = tableMapping<unknown>('md', 'trades_gold_5m', now);
    const bar = { symbol: 'A', interval: '5m', start: 300_000, end: 600_000, open: 1, high: 1, low: 1, close: 1, volume: 1, count: 1, vwap: 1 };
    expect(() => m.params({ ...bar, interval: '1h' })).toThrow(/stores 5m bars, got interval "1h"/);
    expect(() => m.params({ ...bar, start: 300_001 })).toThrow(/aligned to 5m/);
    expect(() => m.params({ ...bar, vwap: undefined })).toThrow(/vwap/);
    expect(() => m.params({ ...bar, count: 1.5 })).toThrow(/count/);
    expect(m.params({ ...bar, interval: '300s' })[1]).toBe('1970-01');
  });
});
