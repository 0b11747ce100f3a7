import type { Bar } from '@tickflow/core';
import { rollup } from '@tickflow/operators';
import { from, lastValueFrom, Subject, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { SeededRollup } from './SeededRollup.js';

const M5 = 300_000;
const H = 3_600_000;
const T0 = Date.UTC(2020, 1, 22, 14, 0);

const fine = (symbol: string, k: number, price: number, volume = 10): Bar => ({
  symbol,
  interval: '5m',
  start: T0 + k * M5,
  end: T0 + (k + 1) * M5,
  open: price,
  high: price + 1,
  low: price - 1,
  close: price + 0.5,
  volume,
  count: 2,
  vwap: price + 0.25,
});

/** A store of fine bars answering after a tick, and a log of what was asked. */
function store(bars: Bar[]) {
  const asked: { symbol: string; from: number; to: number }[] = [];
  let release: (() => void)[] = [];
  let hold = false;
  const readFine = (symbol: string, fromMs: number, to: number) => {
    asked.push({ symbol, from: fromMs, to });
    const answer = () => bars.filter((b) => b.symbol === symbol && b.start >= fromMs && b.start < to);
    return new Promise<Bar[]>((resolve) => {
      if (hold) release.push(() => resolve(answer()));
      else setTimeout(() => resolve(answer()), 1);
    });
  };
  return {
    asked,
    readFine,
    hold: () => (hold = true),
    releaseAll: () => {
      hold = false;
      for (const r of release) r();
      release = [];
    },
  };
}

describe('SeededRollup', () => {
  it('builds the same 1h bar as rollup() when the first part of the hour comes from the store', async () => {
    const all = Array.from({ length: 12 }, (_, k) => fine('AAA', k, 100 + k, 10 + k));
    const [want] = await lastValueFrom(from(all).pipe(rollup('1h'), toArray()));
    // the previous run wrote 5m bars 0–6 and committed through the end of bar 6; the replay re-emits 5–11
    const s = store(all.slice(0, 7));
    const hours = new SeededRollup({ readFine: s.readFine });
    const through = T0 + 7 * M5;
    expect(hours.touch('t|0', 'AAA', T0 + 5 * M5 + 1, through)).toBe(true);
    expect(hours.touch('t|0', 'AAA', T0 + 5 * M5 + 2, through)).toBe(false); // once per hour
    const got = await lastValueFrom(from(all.slice(5)).pipe(hours.operator(), toArray()));
    expect(s.asked).toEqual([{ symbol: 'AAA', from: T0, to: through }]);
    expect(got).toEqual([want]);
  });

  it('counts a 5m bar seeded and re-emitted once (the replayed one wins) and ignores stored bars past closedThrough', async () => {
    const stale = { ...fine('AAA', 1, 500), volume: 999 }; // an older version of bar 1
    const s = store([fine('AAA', 0, 100), stale, fine('AAA', 2, 300)]);
    const hours = new SeededRollup({ readFine: s.readFine });
    hours.touch('t|0', 'AAA', T0 + M5, T0 + 2 * M5); // bar 2 ends after closedThrough: not proven complete
    const out = await lastValueFrom(from([fine('AAA', 1, 101)]).pipe(hours.operator(), toArray()));
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ start: T0, volume: 20, count: 4, open: 100, close: 101.5, high: 102, low: 99 });
  });

  it('holds only the symbol whose seed is being read; others flow, and the held 1h bar follows the seed', async () => {
    const s = store([fine('AAA', 0, 100)]);
    s.hold();
    const hours = new SeededRollup({ readFine: s.readFine });
    const input = new Subject<Bar>();
    const out: Bar[] = [];
    let completed = false;
    input.pipe(hours.operator()).subscribe({ next: (b) => out.push(b), complete: () => (completed = true) });
    hours.touch('t|0', 'AAA', T0 + M5, T0 + M5);
    input.next(fine('AAA', 11, 111)); // AAA's hour is complete but its seed is not in yet
    input.next(fine('BBB', 11, 50));
    expect(out.map((b) => b.symbol)).toEqual(['BBB']);
    input.complete();
    expect(completed).toBe(false); // waits for the seed
    s.releaseAll();
    await new Promise((r) => setTimeout(r, 5));
    expect(out.map((b) => [b.symbol, b.count])).toEqual([
      ['BBB', 2],
      ['AAA', 4],
    ]);
    expect(completed).toBe(true);
  });

  it('emits the hour once the watermark passes its end, without waiting for the next trade', async () => {
    const hours = new SeededRollup({ readFine: store([]).readFine, allowedLatenessMs: 1000 });
    const input = new Subject<Bar>();
    const out: Bar[] = [];
    input.pipe(hours.operator()).subscribe((b) => out.push(b));
    input.next(fine('AAA', 3, 100)); // the symbol stops trading at minute 20
    hours.advance(T0 + H + 999);
    await new Promise((r) => setTimeout(r, 2));
    expect(out).toEqual([]);
    hours.advance(T0 + H + 1000);
    await new Promise((r) => setTimeout(r, 2));
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ symbol: 'AAA', interval: '1h', start: T0, end: T0 + H });
  });

  it('reports a seeded hour with nothing in it as settled', async () => {
    const settled: string[] = [];
    const hours = new SeededRollup({ readFine: store([]).readFine, onSettled: (sym, start) => settled.push(`${sym}|${start}`) });
    const sub = new Subject<Bar>().pipe(hours.operator()).subscribe();
    expect(hours.touch('t|0', 'AAA', T0 + 1, T0 + 2 * M5)).toBe(true);
    await new Promise((r) => setTimeout(r, 5));
    expect(settled).toEqual([`AAA|${T0}`]);
    sub.unsubscribe();
  });

  it('seeds again after the partition is delivered anew (rebalance), from the newer closedThrough', async () => {
    const bars = [fine('AAA', 0, 100), fine('AAA', 1, 101), fine('AAA', 2, 102)];
    const s = store(bars);
    const hours = new SeededRollup({ readFine: s.readFine });
    const input = new Subject<Bar>();
    const out: Bar[] = [];
    input.pipe(hours.operator()).subscribe((b) => out.push(b));
    hours.touch('t|3', 'AAA', T0 + 1, T0);
    input.next(bars[0]!); // this instance built bar 0, then lost the partition; another wrote bars 1-2
    hours.resetPartition('t|3');
    expect(hours.touch('t|3', 'AAA', T0 + 3 * M5, T0 + 3 * M5)).toBe(true);
    input.next(fine('AAA', 11, 111));
    await new Promise((r) => setTimeout(r, 5));
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ count: 8, open: 100, close: 111.5 });
  });

  it('retries a failed seed read and reports the error', async () => {
    const errors: unknown[] = [];
    let calls = 0;
    const hours = new SeededRollup({
      readFine: async (symbol) => {
        if (++calls === 1) throw new Error('NoHostAvailable');
        return [fine(symbol, 0, 100)];
      },
      onReadError: (e) => errors.push(e),
    });
    const input = new Subject<Bar>();
    const out: Bar[] = [];
    input.pipe(hours.operator()).subscribe((b) => out.push(b));
    hours.touch('t|0', 'AAA', T0 + M5, T0 + M5);
    input.next(fine('AAA', 11, 111));
    await new Promise((r) => setTimeout(r, 600));
    expect(errors).toHaveLength(1);
    expect(out).toHaveLength(1);
    expect(out[0]?.count).toBe(4);
  });
});
