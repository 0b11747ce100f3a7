import { BarSchema, type Trade, TradeSchema } from '@tickflow/core';
import { from, lastValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { dedupe, ohlcvWindow, rollup, validate, watermark } from './index.js';

const T0 = Date.UTC(2024, 0, 2, 14, 30);
const tr = (symbol: string, sec: number, price: number, size: number, id?: string): Trade => ({
  symbol,
  price,
  size,
  ts: T0 + sec * 1000,
  ...(id ? { id } : {}),
});

describe("the issue's example, verbatim", () => {
  it('turns raw, duplicated, out-of-order, partly invalid records into 5m and 1h bars', async () => {
    const good: Trade[] = [
      tr('AAPL', 0, 100, 10),
      tr('AAPL', 100, 101, 5),
      tr('MSFT', 30, 300, 1),
      tr('AAPL', 50, 99, 5), // out of order (50 s behind the newest), inside the 60 s bound
      tr('AAPL', 310, 102, 1),
      tr('AAPL', 310, 102, 1, 'x1'), // identical values, distinct id: a different print
      tr('MSFT', 1_900, 301, 2),
      tr('AAPL', 3_700, 103, 7),
    ];
    const rawRecords: unknown[] = [
      good[0],
      null,
      good[1],
      'AAPL,100,1',
      { ...good[1] }, // repeat
      good[2],
      { symbol: 'AAPL', price: '101', size: 1, ts: T0 }, // string price: no coercion
      good[3],
      good[4],
      good[5],
      { symbol: 'AAPL', price: -1, size: 1, ts: T0 },
      good[6],
      tr('AAPL', 10, 50, 1), // 5m window [0, 300 s) was closed by the watermark: late
      good[7],
      42,
    ];
    const invalid: { reason: string; input: unknown }[] = [];
    const late: Trade[] = [];
    const bars5m = await lastValueFrom(
      from(rawRecords).pipe(
        validate(TradeSchema, { onInvalid: (r) => invalid.push(r) }), // r = { reason, input }
        dedupe(), // key: id, else symbol|ts|price|size
        watermark({ maxOutOfOrdernessMs: 60_000 }),
        ohlcvWindow({ size: '5m', onLate: (t) => late.push(t) }),
        toArray(),
      ),
    );
    const bars1h = await lastValueFrom(from(bars5m).pipe(rollup('1h'), toArray()));

    expect(invalid.map((r) => r.input)).toEqual([null, 'AAPL,100,1', rawRecords[6], rawRecords[10], 42]);
    expect(invalid.every((r) => typeof r.reason === 'string' && r.reason.length > 0)).toBe(true);
    expect(late).toEqual([tr('AAPL', 10, 50, 1)]);
    for (const b of [...bars5m, ...bars1h]) BarSchema.parse(b);

    const summary = (bs: typeof bars5m) => bs.map((b) => `${b.symbol} ${b.interval} +${(b.start - T0) / 1000}s o${b.open} h${b.high} l${b.low} c${b.close} v${b.volume} n${b.count}`);
    expect(summary(bars5m)).toEqual([
      'AAPL 5m +0s o100 h101 l99 c101 v20 n3',
      'MSFT 5m +0s o300 h300 l300 c300 v1 n1',
      'AAPL 5m +300s o102 h102 l102 c102 v2 n2',
      'MSFT 5m +1800s o301 h301 l301 c301 v2 n1',
      'AAPL 5m +3600s o103 h103 l103 c103 v7 n1',
    ]);
    expect(bars5m[0]?.vwap).toBeCloseTo((100 * 10 + 101 * 5 + 99 * 5) / 20, 12);
    // T0 is 14:30 UTC, so hour bars start at 14:00 (-1800 s) and 15:00 (+1800 s). A symbol's hour
    // bar comes out when its next hour starts (MSFT before AAPL here) or at completion.
    expect(summary(bars1h)).toEqual([
      'MSFT 1h +-1800s o300 h300 l300 c300 v1 n1',
      'AAPL 1h +-1800s o100 h102 l99 c102 v22 n5',
      'AAPL 1h +1800s o103 h103 l103 c103 v7 n1',
      'MSFT 1h +1800s o301 h301 l301 c301 v2 n1',
    ]);
  });
});
