import { describe, expect, it } from 'vitest';
import { BarStore } from './BarStore.js';
import { DemoStats } from './DemoStats.js';
import { formatBar, renderSummary, summaryLine } from './renderSummary.js';

describe('demo rendering', () => {
  const T0 = Date.UTC(2020, 1, 22, 0, 0);
  const bar = { symbol: 'BINANCE:BTCUSDT', interval: '5m', start: T0, end: T0 + 300_000, open: 9682, high: 9690.5, low: 9676.1, close: 9688, volume: 12.345, count: 42, vwap: 9684 };

  it('formats a bar with its window and OHLCV', () => {
    expect(formatBar(bar)).toBe('bar 5m  BINANCE:BTCUSDT  2020-02-22 00:00–00:05  O 9682.00 H 9690.50 L 9676.10 C 9688.00  V 12.345  n 42');
  });

  it('summarises counts, rate and bars', () => {
    let now = 0;
    const stats = new DemoStats(() => now);
    for (let i = 0; i < 100; i++) stats.received();
    stats.trade('BINANCE:BTCUSDT', 9688, T0 + 400_000);
    stats.invalid = 2;
    stats.late = 1;
    const store = new BarStore();
    store.upsert(bar, true);
    now = 2_000;
    const line = summaryLine(stats, store);
    expect(line).toContain('trades 100 (50/s)');
    expect(line).toContain('bars 5m 1 · 1h 0');
    expect(line).toContain('late 1 | invalid 2');
    expect(line).toContain('2020-02-22 00:06:40');
    const screen = renderSummary(stats, store, 'replay');
    expect(screen).toMatch(/BINANCE:BTCUSDT\s+1\s+9688.00\s+ 9682.00 9690.50 9676.10 9688.00 12.35/);
  });
});
