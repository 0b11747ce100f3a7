/**
 * Real data: 1-minute bars computed from LEAN's SPY trade ticks of 2013-10-07 (AlgoSeek data in
 * ../shared/fixtures, never copied into this repo) compared with LEAN's own minute bars.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { type InvalidRecord, type Trade, TradeSchema } from '@tickflow/core';
import { from, lastValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { dedupe } from './dedupe.js';
import { type OhlcvWindowOptions, ohlcvWindow } from './ohlcvWindow.js';
import { validate } from './validate.js';
import { watermark } from './watermark.js';

const repoRoot = path.resolve(import.meta.dirname, '../../..');
const dir = path.resolve(repoRoot, '../shared/fixtures/trades/lean-spy-2013-10-07');
const present = existsSync(path.join(dir, '20131007_spy_Trade_Tick.csv'));
if (!present) console.warn(`[skip] LEAN SPY fixture not found at ${dir}: real-data OHLCV test skipped`);

/** Times in the files are ms since midnight America/New_York; 2013-10-07 is on EDT (UTC−4). */
const MIDNIGHT_NY = Date.UTC(2013, 9, 7) + 4 * 3_600_000;
/** Sale conditions LEAN leaves out of open/high/low/close (still counted in volume). */
const NOT_OHLC = new Set(['20000020', '20', '20100200', '20100000', '20040200']);
/** Closing-cross prints (and their companions) LEAN leaves out of the 16:00 bar's volume. */
const NOT_VOLUME = new Set(['1000000', '20000080']);

function loadTicks(): unknown[] {
  const lines = readFileSync(path.join(dir, '20131007_spy_Trade_Tick.csv'), 'utf8').split('\n');
  return lines.map((line, i) => {
    const [ms, price, size, exchange, condition] = line.split(',');
    // Raw records as a source would hand them over: an ingestion id per line, since real tapes
    // print identical trades in the same millisecond.
    return {
      id: `lean-spy-20131007-${i}`,
      symbol: 'SPY',
      ts: MIDNIGHT_NY + Number(ms),
      price: Number(price) / 10_000,
      size: Number(size),
      conditions: [String(condition)],
      source: `lean:${exchange}`,
    };
  });
}

function loadMinutes(file = '20131007_spy_minute_trade.csv'): { start: number; label: string; ohlcv: number[] }[] {
  return readFileSync(path.join(dir, file), 'utf8')
    .split('\n')
    .map((line) => {
      const [ms, ...rest] = line.split(',').map(Number);
      const m = (ms as number) / 60_000;
      const label = `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
      return { start: MIDNIGHT_NY + (ms as number), label, ohlcv: rest };
    });
}

async function compare(ticks: unknown[], conditions: OhlcvWindowOptions['conditions']) {
  const invalid: InvalidRecord[] = [];
  const late: Trade[] = [];
  const bars = await lastValueFrom(
    from(ticks).pipe(
      validate(TradeSchema, { onInvalid: (r) => invalid.push(r) }),
      dedupe(),
      watermark({ maxOutOfOrdernessMs: 0 }),
      ohlcvWindow({ size: '1m', onLate: (t) => late.push(t), ...(conditions ? { conditions } : {}) }),
      toArray(),
    ),
  );
  const byStart = new Map(bars.map((b) => [b.start, b]));
  let ohlcMatches = 0;
  const mismatches: string[] = [];
  const minutes = loadMinutes();
  for (const m of minutes) {
    const b = byStart.get(m.start);
    const ours = b ? [b.open, b.high, b.low, b.close].map((p) => Math.round(p * 10_000)) : [];
    const ohlc = b !== undefined && ours.every((p, i) => p === m.ohlcv[i]);
    if (ohlc) ohlcMatches++;
    if (!ohlc || b?.volume !== m.ohlcv[4]) mismatches.push(m.label);
  }
  return { invalid, late, bars, minutes: minutes.length, ohlcMatches, allMatches: minutes.length - mismatches.length, mismatches };
}

describe.skipIf(!present)('ohlcvWindow on real SPY ticks (LEAN, 2013-10-07)', { timeout: 60_000 }, () => {
  const ticks = present ? loadTicks() : [];

  it('naive OHLCV matches open/high/low/close in 697 of 828 minutes', async () => {
    const r = await compare(ticks, undefined);
    expect(r.invalid).toEqual([]);
    expect(r.late).toEqual([]);
    expect(r.bars).toHaveLength(828);
    expect(r.minutes).toBe(828);
    expect(r.ohlcMatches).toBe(697);
  });

  it('with the sale-condition rule, all five fields match in 825 of 828 minutes (the auction minutes differ)', async () => {
    const r = await compare(ticks, { excludeFromOhlc: (t) => NOT_OHLC.has(t.conditions?.[0] ?? '') });
    expect(r.allMatches).toBe(825);
    expect(r.mismatches).toEqual(['09:30', '15:59', '16:00']);
    const volume = r.bars.reduce((s, b) => s + b.volume, 0);
    const tickVolume = ticks.reduce((s: number, t) => s + (t as Trade).size, 0);
    expect(volume).toBe(tickVolume);
  });

  it('leaving the closing-cross prints out of volume as well closes the 16:00 minute (826 of 828)', async () => {
    const r = await compare(ticks, {
      excludeFromOhlc: (t) => NOT_OHLC.has(t.conditions?.[0] ?? ''),
      excludeFromVolume: (t) => NOT_VOLUME.has(t.conditions?.[0] ?? ''),
    });
    expect(r.allMatches).toBe(826);
    expect(r.mismatches).toEqual(['09:30', '15:59']);
  });

  // The fixture README reports 16,671; recomputing its rule directly from the ticks (a plain loop,
  // outside this code) gives 16,667, which is what the operator gets. The 8 seconds that differ are
  // the auction seconds (09:30:00, 15:59:59, 16:00:02) and seconds where LEAN also leaves out prints
  // with other conditions (e.g. the 750,000-share condition-20000200 print at 10:25:36).
  it("1-second bars with the same rule match LEAN's second bars on open/high/low/close in 16,667 of 16,675", async () => {
    const bars = await lastValueFrom(
      from(ticks).pipe(
        validate(),
        dedupe(),
        watermark({ maxOutOfOrdernessMs: 0 }),
        ohlcvWindow({ size: '1s', conditions: { excludeFromOhlc: (t) => NOT_OHLC.has(t.conditions?.[0] ?? '') } }),
        toArray(),
      ),
    );
    const byStart = new Map(bars.map((b) => [b.start, b]));
    const seconds = loadMinutes('20131007_spy_second_trade.csv');
    let ohlc = 0;
    for (const sec of seconds) {
      const b = byStart.get(sec.start);
      if (b && [b.open, b.high, b.low, b.close].every((p, i) => Math.round(p * 10_000) === sec.ohlcv[i])) ohlc++;
    }
    expect(seconds).toHaveLength(16_675);
    expect(ohlc).toBe(16_667);
  });
});
