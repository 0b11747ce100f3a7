/**
 * The Avro schema (record `market_data.Bar`) that mirrors {@link BarSchema} field by field.
 *
 * @example
 * ```ts
 * import avro from 'avsc';
 * import { barAvroSchema } from '@tickflow/core';
 * const type = avro.Type.forSchema(barAvroSchema as unknown as avro.Schema); // a readonly literal: cast for avsc's mutable type
 * ```
 */
export const barAvroSchema = {
  type: 'record',
  name: 'Bar',
  namespace: 'market_data',
  doc: 'OHLCV bar for the event-time window [start, end), epoch ms.',
  fields: [
    { name: 'symbol', type: 'string' },
    { name: 'interval', type: 'string' },
    { name: 'start', type: 'long' },
    { name: 'end', type: 'long' },
    { name: 'open', type: 'double' },
    { name: 'high', type: 'double' },
    { name: 'low', type: 'double' },
    { name: 'close', type: 'double' },
    { name: 'volume', type: 'double' },
    { name: 'count', type: 'long' },
    { name: 'vwap', type: 'double' },
  ],
} as const;
