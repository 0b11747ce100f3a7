import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createFinnhubFrameDecoder } from './createFinnhubFrameDecoder.js';
import { parseFinnhubFrame, parseFinnhubFrameSlow } from './parseFinnhubFrame.js';

// One real frame, verbatim from the "Raw Data" block of tspannhw/FLiPN-Py-Stocks README.md
// (Apache-2.0), as kept in ../shared/fixtures/finnhub/.
const recorded: string | undefined =
  '{"data":[{"c":["1","8","24","12"],"p":122.1,"s":"TSLA","t":1672348887195,"v":1},{"c":["1","8","24","12"],"p":122.09,"s":"TSLA","t":1672348887196,"v":4},{"c":["1","8","24","12"],"p":122.09,"s":"TSLA","t":1672348887196,"v":10},{"c":["1","8","24","12"],"p":122.1,"s":"TSLA","t":1672348887196,"v":1},{"c":["1","8","24","12"],"p":122.1,"s":"TSLA","t":1672348887196,"v":2},{"c":["1","8","24","12"],"p":122.1,"s":"TSLA","t":1672348887196,"v":10},{"c":["1","8","24","12"],"p":122.1,"s":"TSLA","t":1672348887198,"v":79},{"c":["1","24","12"],"p":129.58,"s":"AAPL","t":1672348887666,"v":1},{"c":["1","24","12"],"p":129.575,"s":"AAPL","t":1672348887785,"v":1}],"type":"trade"}';

describe('parseFinnhubFrame', () => {
  it('normalises the recorded real frame (9 trades, TSLA and AAPL), on the fast and the JSON.parse path', () => {
    const f = parseFinnhubFrame(recorded as string, 42);
    expect(f).toEqual(parseFinnhubFrameSlow(recorded as string, 42));
    expect(f.type).toBe('trade');
    if (f.type !== 'trade') return;
    expect(f.rejected).toBeUndefined();
    expect(f.trades).toHaveLength(9);
    expect(f.trades[0]).toEqual({
      symbol: 'TSLA',
      price: 122.1,
      size: 1,
      ts: 1672348887195,
      id: 'TSLA|1672348887195|122.1|1|0',
      conditions: ['1', '8', '24', '12'],
      source: 'finnhub',
      receivedAt: 42,
    });
    expect(f.trades.map((t) => t.symbol)).toEqual(['TSLA', 'TSLA', 'TSLA', 'TSLA', 'TSLA', 'TSLA', 'TSLA', 'AAPL', 'AAPL']);
    expect(new Set(f.trades.map((t) => t.id)).size).toBe(9);
  });

  it('gives distinct ids to identical prints in one frame and the same ids to a redelivered frame', () => {
    const text = JSON.stringify({
      type: 'trade',
      data: [
        { s: 'AAPL', p: 10, t: 5, v: 1, c: ['1'] },
        { s: 'AAPL', p: 10, t: 5, v: 1, c: ['1'] },
        { s: 'AAPL', p: 10, t: 5, v: 2 },
        { s: 'AAPL', p: 10, t: 5, v: 1, c: ['1'] },
      ],
    });
    const a = parseFinnhubFrame(text, 1);
    const b = parseFinnhubFrame(text, 2);
    if (a.type !== 'trade' || b.type !== 'trade') throw new Error('expected trades');
    expect(a.trades.map((t) => t.id)).toEqual(['AAPL|5|10|1|0', 'AAPL|5|10|1|1', 'AAPL|5|10|2|0', 'AAPL|5|10|1|2']);
    expect(b.trades.map((t) => t.id)).toEqual(a.trades.map((t) => t.id));
  });

  it('accepts c as an array, null or missing, and passes v = 0 on', () => {
    const f = parseFinnhubFrame(
      '{"type":"trade","data":[{"s":"BINANCE:BTCUSDT","p":7296.89,"t":1575526691134,"v":0.011467},{"c":null,"p":66972.77,"s":"BINANCE:BTCUSDT","t":1,"v":0},{"c":[],"p":1,"s":"X","t":1,"v":1}]}',
      0,
    );
    if (f.type !== 'trade') throw new Error('expected trades');
    expect(f.trades.map((t) => t.conditions)).toEqual([undefined, undefined, []]);
    expect('conditions' in (f.trades[0] as object)).toBe(false);
    expect(f.trades[1]?.size).toBe(0);
  });

  it('recognises ping, error and malformed frames', () => {
    expect(parseFinnhubFrame('{"type":"ping"}', 0)).toEqual({ type: 'ping' });
    expect(parseFinnhubFrame('{"msg":"Subscribing to too many symbols","type":"error"}', 0)).toEqual({
      type: 'error',
      message: 'Subscribing to too many symbols',
    });
    expect(parseFinnhubFrame('{"type":"trade","data":[', 0)).toEqual({ type: 'invalid', reason: 'frame is not valid JSON' });
    expect(parseFinnhubFrame('[]', 0)).toMatchObject({ type: 'invalid' });
    expect(parseFinnhubFrame('{"type":"news"}', 0)).toEqual({ type: 'invalid', reason: 'unknown message type "news"' });
    expect(parseFinnhubFrame('{"type":"trade","data":{}}', 0)).toMatchObject({ type: 'invalid', reason: expect.stringContaining('data') });
  });

  it('rejects malformed elements by field and keeps the good ones', () => {
    const f = parseFinnhubFrame('{"type":"trade","data":[{"s":"A","p":1,"t":1,"v":1},{"s":"A","p":"1","t":1,"v":1},{"s":"","p":1,"t":1,"v":1},7,{"s":"A","p":1,"v":1}]}', 0);
    if (f.type !== 'trade') throw new Error('expected trades');
    expect(f.trades).toHaveLength(1);
    expect(f.rejected?.map((r) => [r.index, r.reason.split(':')[0]])).toEqual([
      [1, 'p'],
      [2, 's'],
      [3, 'trade'],
      [4, 't'],
    ]);
  });

  it('never throws, whatever the text (fuzz)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json(), fc.anything().map((x) => JSON.stringify({ type: 'trade', data: x }) ?? '')), (text) => {
        const f = parseFinnhubFrame(text, 0);
        expect(['trade', 'ping', 'error', 'invalid']).toContain(f.type);
        if (f.type === 'trade') {
          for (const t of f.trades) expect(t.id?.startsWith(`${t.symbol}|`)).toBe(true);
        }
      }),
      { numRuns: 1000 },
    );
  }, 60_000);
});

describe('createFinnhubFrameDecoder', () => {
  const frame = (...data: object[]) => JSON.stringify({ type: 'trade', data });
  it('repeats the ids of a redelivered frame and marks it', () => {
    const decode = createFinnhubFrameDecoder();
    const text = frame({ s: 'A', p: 1, t: 1, v: 1 }, { s: 'A', p: 1, t: 1, v: 1 });
    const a = decode(text, 1);
    const b = decode(text, 2);
    const c = decode(text, 3);
    if (a.type !== 'trade' || b.type !== 'trade' || c.type !== 'trade') throw new Error('expected trades');
    expect(a.redelivery).toBeUndefined();
    expect(b.redelivery).toBe(true);
    expect(b.trades.map((t) => t.id)).toEqual(['A|1|1|1|0', 'A|1|1|1|1']);
    expect(c.trades.map((t) => t.id)).toEqual(a.trades.map((t) => t.id));
    expect(c.trades[0]?.receivedAt).toBe(3);
  });

  it('keeps identical prints split over two frames distinct', () => {
    const decode = createFinnhubFrameDecoder();
    const a = decode(frame({ s: 'A', p: 1, t: 1, v: 1 }, { s: 'B', p: 1, t: 1, v: 1 }), 0);
    const b = decode(frame({ s: 'A', p: 1, t: 1, v: 1 }), 0);
    if (a.type !== 'trade' || b.type !== 'trade') throw new Error('expected trades');
    expect(a.trades[0]?.id).toBe('A|1|1|1|0');
    expect(b.trades[0]?.id).toBe('A|1|1|1|1');
    expect(b.redelivery).toBeUndefined();
  });

  it('forgets old frames and old timestamps (bounded memory)', () => {
    const decode = createFinnhubFrameDecoder({ recentFrames: 2, timestampsPerSymbol: 2 });
    const first = frame({ s: 'A', p: 1, t: 1, v: 1 });
    decode(first, 0);
    for (let i = 2; i < 5; i++) decode(frame({ s: 'A', p: 1, t: i, v: 1 }), 0);
    const again = decode(first, 0);
    if (again.type !== 'trade') throw new Error('expected trades');
    expect(again.redelivery).toBeUndefined();
    expect(again.trades[0]?.id).toBe('A|1|1|1|0');
  });

  it('counts a late identical print of a recent timestamp', () => {
    const decode = createFinnhubFrameDecoder();
    decode(frame({ s: 'A', p: 1, t: 1, v: 1 }, { s: 'A', p: 2, t: 2, v: 1 }), 0);
    const late = decode(frame({ s: 'A', p: 1, t: 1, v: 1 }), 0);
    if (late.type !== 'trade') throw new Error('expected trades');
    expect(late.trades[0]?.id).toBe('A|1|1|1|1');
  });
});
