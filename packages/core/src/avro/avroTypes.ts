import avro from 'avsc';
import { barAvroSchema } from './barAvroSchema.js';
import { quoteAvroSchema } from './quoteAvroSchema.js';
import { tradeAvroSchema } from './tradeAvroSchema.js';

/**
 * Ready-made avsc types for the three records, built once. Encode with {@link toAvroRecord}
 * (optional fields become `null`) and decode with {@link fromAvroRecord} (nulls are dropped), so
 * a record that passes zod round-trips unchanged.
 *
 * @example
 * ```ts
 * import { avroTypes, toAvroRecord, fromAvroRecord } from '@tickflow/core';
 * const buf = avroTypes.trade.toBuffer(toAvroRecord(avroTypes.trade, { symbol: 'AAPL', price: 1, size: 1, ts: 0 }));
 * const back = fromAvroRecord(avroTypes.trade.fromBuffer(buf));
 * ```
 */
export const avroTypes = {
  trade: avro.Type.forSchema(tradeAvroSchema as unknown as avro.Schema),
  quote: avro.Type.forSchema(quoteAvroSchema as unknown as avro.Schema),
  bar: avro.Type.forSchema(barAvroSchema as unknown as avro.Schema),
} as const;
