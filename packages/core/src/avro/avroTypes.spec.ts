import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { BarSchema } from '../schemas/BarSchema.js';
import { QuoteSchema } from '../schemas/QuoteSchema.js';
import { TradeSchema } from '../schemas/TradeSchema.js';
import { avroTypes } from './avroTypes.js';
import { barAvroSchema } from './barAvroSchema.js';
import { fromAvroRecord } from './fromAvroRecord.js';
import { quoteAvroSchema } from './quoteAvroSchema.js';
import { toAvroRecord } from './toAvroRecord.js';
import { tradeAvroSchema } from './tradeAvroSchema.js';

type AvroField = { name: string; type: unknown };

/** Maps a zod field to the Avro type we expect for it. */
function expectedAvro(schema: z.ZodType): unknown {
  let s = schema;
  let optional = false;
  if (s instanceof z.ZodOptional) {
    optional = true;
    s = s.unwrap() as z.ZodType;
  }
  let t: unknown;
  if (s instanceof z.ZodString) t = 'string';
  else if (s instanceof z.ZodArray) t = { type: 'array', items: expectedAvro(s.element as z.ZodType) };
  else if (s instanceof z.ZodNumber) t = s.isInt ? 'long' : 'double';
  else throw new Error(`no Avro mapping for ${s.constructor.name}`);
  return optional ? ['null', t] : t;
}

function compare(zodShape: Record<string, z.ZodType>, avro: { fields: readonly AvroField[] }) {
  expect(avro.fields.map((f) => f.name).sort()).toEqual(Object.keys(zodShape).sort());
  for (const f of avro.fields) {
    expect([f.name, f.type], f.name).toEqual([f.name, expectedAvro(zodShape[f.name] as z.ZodType)]);
  }
}

describe('Avro schemas agree with the zod schemas field by field', () => {
  it('Trade', () => compare(TradeSchema.shape, tradeAvroSchema));
  it('Quote', () => compare(QuoteSchema.shape, quoteAvroSchema as { fields: AvroField[] }));
  it('Bar', () => compare(BarSchema.shape, barAvroSchema));
  it('all live in the market_data namespace', () => {
    for (const s of [tradeAvroSchema, quoteAvroSchema, barAvroSchema]) expect(s.namespace).toBe('market_data');
  });
});

const tradeArb = fc.record(
  {
    symbol: fc.string({ minLength: 1, maxLength: 20 }),
    price: fc.double({ min: 1e-9, max: 1e9, noNaN: true, noDefaultInfinity: true }),
    size: fc.double({ min: 1e-9, max: 1e9, noNaN: true, noDefaultInfinity: true }),
    ts: fc.integer({ min: 0, max: 4_102_444_800_000 }),
    id: fc.string({ minLength: 1 }),
    conditions: fc.array(fc.string()),
    source: fc.string(),
    receivedAt: fc.integer({ min: 0, max: 4_102_444_800_000 }),
  },
  { requiredKeys: ['symbol', 'price', 'size', 'ts'] },
);

describe('Avro round trip', () => {
  it('a Trade that passes zod round-trips through Avro unchanged', () => {
    fc.assert(
      fc.property(tradeArb, (raw) => {
        const trade = TradeSchema.parse(raw);
        const buf = avroTypes.trade.toBuffer(toAvroRecord(avroTypes.trade, trade));
        const back = fromAvroRecord(avroTypes.trade.fromBuffer(buf));
        expect(back).toEqual(trade);
        expect(TradeSchema.parse(back)).toEqual(trade);
      }),
      { numRuns: 500 },
    );
  });

  it('a Quote and a Bar round-trip too', () => {
    const quote = QuoteSchema.parse({ symbol: 'AAPL', price: 1, ts: 2, volume: 3, change: -1, changePercent: -0.5, earningsTimestamp: 5 });
    expect(fromAvroRecord(avroTypes.quote.fromBuffer(avroTypes.quote.toBuffer(toAvroRecord(avroTypes.quote, quote))))).toEqual(quote);
    const bar = BarSchema.parse({ symbol: 'A', interval: '5m', start: 0, end: 300_000, open: 1, high: 2, low: 1, close: 2, volume: 3, count: 2, vwap: 1.5 });
    expect(fromAvroRecord(avroTypes.bar.fromBuffer(avroTypes.bar.toBuffer(toAvroRecord(avroTypes.bar, bar))))).toEqual(bar);
  });
});
