import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createOccurrenceCounter } from './createOccurrenceCounter.js';
import { fastDecodeTradeFrame } from './fastDecodeTradeFrame.js';
import { parseFinnhubFrame, parseFinnhubFrameSlow } from './parseFinnhubFrame.js';

const num = fc.oneof(
  fc.integer({ min: -1_000_000, max: 1_000_000_000 }).map((x) => x / 100),
  fc.integer({ min: 0, max: 1e6 }).map((x) => x / 1e9),
  fc.double(),
  fc.integer(),
  fc.constantFrom(0, 1, 0.1, 1e-6, 1e-7, 1e21, 123456789012345, 1234567890123456, 1672348887195, 9682, 0.132, 122.09),
);
const trade = fc.record(
  {
    c: fc.oneof(fc.constant(null), fc.array(fc.oneof(fc.constantFrom('1', '8', '24', '12'), fc.string())), fc.anything()),
    p: num,
    s: fc.oneof(fc.constantFrom('AAPL', 'BINANCE:BTCUSDT', 'OANDA:EUR_USD', 'IC MARKETS:1'), fc.string()),
    t: fc.oneof(fc.integer({ min: 1_600_000_000_000, max: 1_700_000_000_000 }), num),
    v: num,
  },
  { requiredKeys: ['p', 's', 't', 'v'] },
);
const realistic = fc.record(
  {
    c: fc.oneof(fc.constant(null), fc.array(fc.constantFrom('1', '8', '24', '12'))),
    p: fc.oneof(fc.integer({ min: 1, max: 10_000_000 }).map((x) => x / 1000), fc.constantFrom(9682, 0.132, 122.09, 1e-6)),
    s: fc.constantFrom('AAPL', 'BINANCE:BTCUSDT', 'OANDA:EUR_USD'),
    t: fc.integer({ min: 1_672_348_887_000, max: 1_672_348_887_009 }),
    v: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 100_000 }).map((x) => x / 1000)),
  },
  { requiredKeys: ['p', 's', 't', 'v'] },
);
// Finnhub writes keys in alphabetical order; shuffle sometimes to exercise the general path too
const frameText = fc.tuple(fc.oneof(fc.array(realistic, { maxLength: 30 }), fc.array(fc.oneof(realistic, trade), { maxLength: 30 })), fc.boolean()).map(([data, reorder]) =>
  JSON.stringify({ data: reorder ? data.map((t) => Object.fromEntries(Object.entries(t).reverse())) : data, type: 'trade' }),
);

describe('fastDecodeTradeFrame', () => {
  it('decodes the recorded shape without JSON.parse', () => {
    const text = '{"data":[{"c":["1","8"],"p":122.1,"s":"TSLA","t":1672348887195,"v":1},{"c":null,"p":0.5,"s":"X","t":2,"v":0}],"type":"trade"}';
    expect(fastDecodeTradeFrame(text, 7, undefined)).toEqual([
      { symbol: 'TSLA', price: 122.1, size: 1, ts: 1672348887195, id: 'TSLA|1672348887195|122.1|1|0', conditions: ['1', '8'], source: 'finnhub', receivedAt: 7 },
      { symbol: 'X', price: 0.5, size: 0, ts: 2, id: 'X|2|0.5|0|0', source: 'finnhub', receivedAt: 7 },
    ]);
  });

  it('declines what it cannot decode exactly (exponents, long numbers, escapes, whitespace)', () => {
    for (const text of [
      '{"data":[{"p":1e-7,"s":"A","t":1,"v":1}],"type":"trade"}',
      '{"data":[{"p":1.50,"s":"A","t":1,"v":1}],"type":"trade"}',
      '{"data":[{"p":1234567890123456,"s":"A","t":1,"v":1}],"type":"trade"}',
      '{"data":[{"p":1,"s":"A\\"B","t":1,"v":1}],"type":"trade"}',
      '{"data":[{"p":1, "s":"A","t":1,"v":1}],"type":"trade"}',
      '{"data":[{"p":1,"s":"A","t":1,"v":1,"x":2}],"type":"trade"}',
      '{"data":[{"p":-0,"s":"A","t":1,"v":1}],"type":"trade"}',
      '{"data":[{"p":1,"s":"","t":1,"v":1}],"type":"trade"}',
    ]) {
      expect(fastDecodeTradeFrame(text, 0, undefined)).toBeUndefined();
    }
  });

  it('gives exactly what the JSON.parse path gives, frame by frame and across frames (property)', () => {
    let fast = 0;
    let frames = 0;
    fc.assert(
      fc.property(fc.array(frameText, { minLength: 1, maxLength: 5 }), (texts) => {
        const a = createOccurrenceCounter(8);
        const b = createOccurrenceCounter(8);
        for (const text of texts) {
          frames++;
          if ((fastDecodeTradeFrame(text, 1, undefined)?.length ?? 0) > 0) fast++;
          expect(parseFinnhubFrame(text, 1)).toEqual(parseFinnhubFrameSlow(text, 1));
          expect(parseFinnhubFrame(text, 1, a)).toEqual(parseFinnhubFrameSlow(text, 1, b));
        }
      }),
      { numRuns: 600 },
    );
    expect(fast / frames).toBeGreaterThan(0.2); // the fast path was really exercised
  }, 60_000);
});
