const optional = (name: string, type: 'string' | 'double' | 'long') => ({ name, type: ['null', type], default: null });

/**
 * The Avro schema (record `market_data.Quote`) that mirrors {@link QuoteSchema} field by field.
 *
 * @example
 * ```ts
 * import avro from 'avsc';
 * import { quoteAvroSchema } from '@tickflow/core';
 * const type = avro.Type.forSchema(quoteAvroSchema as unknown as avro.Schema); // a readonly literal: cast for avsc's mutable type
 * ```
 */
export const quoteAvroSchema = {
  type: 'record',
  name: 'Quote',
  namespace: 'market_data',
  doc: 'A quote snapshot. ts and earnings timestamps are epoch milliseconds.',
  fields: [
    { name: 'symbol', type: 'string' },
    { name: 'price', type: 'double' },
    { name: 'ts', type: 'long' },
    { name: 'volume', type: 'double' },
    { name: 'change', type: 'double' },
    { name: 'changePercent', type: 'double' },
    optional('currency', 'string'),
    optional('marketState', 'string'),
    optional('exchange', 'string'),
    optional('quoteType', 'string'),
    optional('bid', 'double'),
    optional('ask', 'double'),
    optional('dayHigh', 'double'),
    optional('dayLow', 'double'),
    optional('previousClose', 'double'),
    optional('earningsTimestamp', 'long'),
    optional('earningsTimestampStart', 'long'),
    optional('earningsTimestampEnd', 'long'),
    optional('source', 'string'),
    optional('receivedAt', 'long'),
  ],
};
