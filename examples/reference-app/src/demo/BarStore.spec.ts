import type { Bar } from '@tickflow/core';
import { describe, expect, it } from 'vitest';
import { BarStore } from './BarStore.js';

const bar = (symbol: string, start: number, close: number, interval = '5m'): Bar => ({
  symbol,
  interval,
  start,
  end: start + 300_000,
  open: 1,
  high: Math.max(1, close),
  low: Math.min(1, close),
  close,
  volume: 1,
  count: 1,
  vwap: 1,
});

describe('BarStore', () => {
  it('replaces provisional bars by later ones and by the final bar, never the reverse', () => {
    const s = new BarStore();
    s.upsert(bar('A', 0, 2), false);
    s.upsert(bar('A', 0, 3), false);
    expect(s.bars()).toHaveLength(1);
    expect(s.latest('A', '5m')).toMatchObject({ close: 3, final: false });
    s.upsert(bar('A', 0, 4), true);
    s.upsert(bar('A', 0, 9), false);
    expect(s.latest('A', '5m')).toMatchObject({ close: 4, final: true });
    expect(s.finalCounts()).toEqual({ '5m': 1 });
  });

  it('keeps series apart, in start order, bounded', () => {
    const s = new BarStore({ maxPerSeries: 2 });
    s.upsert(bar('A', 600_000, 1), true);
    s.upsert(bar('A', 0, 1), true);
    s.upsert(bar('A', 300_000, 1), true);
    s.upsert(bar('B', 0, 1, '1h'), true);
    expect(s.bars({ symbol: 'A' }).map((b) => b.start)).toEqual([300_000, 600_000]);
    expect(s.bars({ interval: '1h' }).map((b) => b.symbol)).toEqual(['B']);
    expect(s.bars({ symbol: 'A', limit: 1 })).toHaveLength(1);
    expect(s.bars({ from: 600_000 }).map((b) => b.start)).toEqual([600_000]);
    expect(s.symbols()).toEqual(['A', 'B']);
  });

  it('notifies subscribers until they unsubscribe', () => {
    const s = new BarStore();
    const seen: number[] = [];
    const off = s.subscribe((b) => seen.push(b.close));
    s.upsert(bar('A', 0, 5), true);
    off();
    s.upsert(bar('A', 300_000, 6), true);
    expect(seen).toEqual([5]);
  });
});
