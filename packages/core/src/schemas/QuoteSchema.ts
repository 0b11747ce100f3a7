import { z } from 'zod';

/**
 * The zod schema of a quote snapshot (as Yahoo Finance's `v7/finance/quote` gives it).
 *
 * Required: `symbol`, `price` (> 0, finite), `ts` (integer epoch ms), `volume` (>= 0), `change`
 * and `changePercent` (finite, may be negative). Optional: currency, market state, exchange,
 * bid/ask, day range, previous close, and earnings timestamps (epoch ms).
 *
 * @example
 * ```ts
 * import { QuoteSchema } from '@tickflow/core';
 * const q = QuoteSchema.parse({
 *   symbol: 'AAPL', price: 244.6, ts: 1739566800000, volume: 40896227, change: 3.1, changePercent: 1.28,
 * });
 * ```
 */
export const QuoteSchema = z.object({
  symbol: z.string().min(1, 'symbol must be a non-empty string'),
  price: z.number().finite('price must be a finite number').gt(0, 'price must be > 0'),
  ts: z.number().int('ts must be an integer number of epoch milliseconds').nonnegative(),
  volume: z.number().finite('volume must be a finite number').nonnegative('volume must be >= 0'),
  change: z.number().finite('change must be a finite number'),
  changePercent: z.number().finite('changePercent must be a finite number'),
  currency: z.string().optional(),
  marketState: z.string().optional(),
  exchange: z.string().optional(),
  quoteType: z.string().optional(),
  bid: z.number().finite().optional(),
  ask: z.number().finite().optional(),
  dayHigh: z.number().finite().optional(),
  dayLow: z.number().finite().optional(),
  previousClose: z.number().finite().optional(),
  earningsTimestamp: z.number().int().optional(),
  earningsTimestampStart: z.number().int().optional(),
  earningsTimestampEnd: z.number().int().optional(),
  source: z.string().optional(),
  receivedAt: z.number().int().nonnegative().optional(),
});

/**
 * A validated quote. Inferred from {@link QuoteSchema}.
 *
 * @example
 * ```ts
 * import type { Quote } from '@tickflow/core';
 * const q: Quote = { symbol: 'MSFT', price: 410, ts: 0, volume: 0, change: 0, changePercent: 0 };
 * ```
 */
export type Quote = z.infer<typeof QuoteSchema>;
