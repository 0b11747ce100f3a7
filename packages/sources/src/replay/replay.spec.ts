import { existsSync } from 'node:fs';
import { ConfigurationError, type Trade } from '@tickflow/core';
import { lastValueFrom, toArray } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { parseFinnhubFrame } from '../finnhub/parseFinnhubFrame.js';
import { replay } from './replay.js';

const FIX = '/work/shared/fixtures';
const TARDIS = `${FIX}/trades/tardis-binance-futures-btcusdt-2020-02-22/trades.csv`;
const LEAN = `${FIX}/trades/lean-spy-2013-10-07/20131007_spy_Trade_Tick.csv`;
const FINNHUB = `${FIX}/finnhub/trade-message_tspannhw-FLiPN-Py-Stocks-README.ndjson`;

const all = (o: Parameters<typeof replay>[0]) => lastValueFrom(replay(o).pipe(toArray()));

describe('replay', () => {
  it.skipIf(!existsSync(TARDIS))('reads the Tardis CSV (auto-detected): µs to ms, BINANCE:BTCUSDT, exchange ids', async () => {
    const trades = await all({ path: TARDIS });
    expect(trades).toHaveLength(9999);
    expect(trades[0]).toEqual({ symbol: 'BINANCE:BTCUSDT', price: 9682, size: 0.132, ts: 1582329602111, id: 'binance-futures:BTCUSDT:42377944', source: 'replay' });
    expect(trades.at(-1)?.id).toBe('binance-futures:BTCUSDT:42387942');
    expect(new Set(trades.map((t) => t.id)).size).toBe(9999);
  });

  it.skipIf(!existsSync(LEAN))('reads LEAN SPY ticks: New York time to UTC, deci-cents to dollars, symbol and date from the file name', async () => {
    const trades = await all({ path: LEAN, format: 'lean' });
    expect(trades).toHaveLength(250_601);
    // first line: 14400464,1674100,100,P,20002000,0 — 04:00:00.464 EDT = 08:00:00.464 UTC
    expect(trades[0]).toEqual({
      symbol: 'SPY',
      price: 167.41,
      size: 100,
      ts: Date.UTC(2013, 9, 7, 8, 0, 0, 464),
      id: 'lean:SPY:20131007:1',
      conditions: ['20002000'],
      source: 'replay',
    });
    const detected = await lastValueFrom(replay({ path: LEAN }).pipe(toArray()));
    expect(detected).toHaveLength(250_601);
  }, 60_000);

  it.skipIf(!existsSync(FINNHUB))('reads recorded Finnhub frames with the ids the live source gives', async () => {
    const trades = await all({ path: FINNHUB });
    expect(trades).toHaveLength(9);
    const { readFileSync } = await import('node:fs');
    const live = parseFinnhubFrame(readFileSync(FINNHUB, 'utf8'), 0);
    if (live.type !== 'trade') throw new Error('expected a trade frame');
    expect(trades.map((t) => t.id)).toEqual(live.trades.map((t) => t.id));
    expect(trades.every((t) => t.source === 'replay' && t.receivedAt === undefined)).toBe(true);
  });

  it('reads header CSV and NDJSON text, sending bad lines to onInvalid without stopping', async () => {
    const invalid: { reason: string; input: unknown }[] = [];
    const csv = 'symbol,price,size,ts,id\nAAPL,1.5,10,1700000000000,a1\nAAPL,oops\nMSFT,2,3,1700000000,m1\n';
    const trades = await all({ text: csv, format: 'csv', onInvalid: (r) => invalid.push(r) });
    expect(trades.map((t) => [t.symbol, t.price, t.size, t.ts, t.id])).toEqual([
      ['AAPL', 1.5, 10, 1700000000000, 'a1'],
      ['MSFT', 2, 3, 1700000000000, 'm1'], // epoch seconds read as seconds
    ]);
    expect(invalid).toEqual([{ reason: expect.stringMatching(/^line 3: expected 5 columns/), input: 'AAPL,oops' }]);
    const nd = '{"symbol":"X","price":1,"size":1,"ts":5}\nnot json\n\n{"s":"Y","p":2,"t":6,"v":0}\n';
    const bad: unknown[] = [];
    const t2 = await all({ text: nd, format: 'ndjson', onInvalid: (r) => bad.push(r) });
    expect(t2.map((t) => t.symbol)).toEqual(['X', 'Y']);
    expect(bad).toHaveLength(1);
  });

  it('takes a parser function', async () => {
    const trades = await all({
      text: 'A 1 2 3\nB 4 5 6',
      format: (line, n) => {
        const [symbol = '', p, s, ts] = line.split(' ');
        return { symbol, price: Number(p), size: Number(s), ts: Number(ts), id: `x${n}` };
      },
    });
    expect(trades.map((t) => t.id)).toEqual(['x1', 'x2']);
  });

  it('keeps the original pace at speed 1 and compresses it at speed N (marbles)', () => {
    const records: Trade[] = [0, 1000, 3000].map((ts, i) => ({ symbol: 'A', price: 1 + i, size: 1, ts: 1_700_000_000_000 + ts }));
    const values = { a: records[0], b: records[1], c: records[2] };
    new TestScheduler((a, b) => expect(a).toEqual(b)).run(({ expectObservable }) => {
      expectObservable(replay({ records, speed: 1 })).toBe('a 999ms b 1999ms (c|)', values);
      expectObservable(replay({ records, speed: 4 })).toBe('a 249ms b 499ms (c|)', values);
      expectObservable(replay({ records })).toBe('(abc|)', values);
    });
  });

  it('stops reading when unsubscribed', () => {
    const records = Array.from({ length: 10 }, (_, i) => ({ symbol: 'A', price: 1, size: 1, ts: i * 1000 }));
    new TestScheduler((a, b) => expect(a).toEqual(b)).run(({ expectObservable }) => {
      expectObservable(replay({ records, speed: 1 }), '^ 1500ms !').toBe('a 999ms b', { a: records[0], b: records[1] });
    });
  });

  it('throws ConfigurationError for a missing file or a bad speed', () => {
    expect(() => replay({ path: '/nonexistent/trades.csv' })).toThrow(ConfigurationError);
    expect(() => replay({ text: '', speed: 0 })).toThrow(/speed/);
    expect(() => replay({})).toThrow(ConfigurationError);
  });
});
