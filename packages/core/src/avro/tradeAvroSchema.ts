/**
 * The Avro schema (record `market_data.Trade`) that mirrors {@link TradeSchema} field by field.
 * Optional zod fields are `["null", T]` unions with default `null`, so readers of older data keep
 * working when fields are added (BACKWARD compatible evolution).
 *
 * @example
 * ```ts
 * import avro from 'avsc';
 * import { tradeAvroSchema } from '@tickflow/core';
 * const type = avro.Type.forSchema(tradeAvroSchema as unknown as avro.Schema); // a readonly literal: cast for avsc's mutable type
 * ```
 */
export const tradeAvroSchema = {
  type: 'record',
  name: 'Trade',
  namespace: 'market_data',
  doc: 'One trade print. ts and receivedAt are epoch milliseconds.',
  fields: [
    { name: 'symbol', type: 'string' },
    { name: 'price', type: 'double' },
    { name: 'size', type: 'double' },
    { name: 'ts', type: 'long', doc: 'event time, epoch ms' },
    { name: 'id', type: ['null', 'string'], default: null },
    { name: 'conditions', type: ['null', { type: 'array', items: 'string' }], default: null },
    { name: 'source', type: ['null', 'string'], default: null },
    { name: 'receivedAt', type: ['null', 'long'], default: null, doc: 'wall-clock ms at ingestion' },
  ],
} as const;
