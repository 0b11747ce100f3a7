import { z } from 'zod';

/**
 * The zod schema of a single trade print, the unit every tickflow pipeline carries.
 *
 * Rules: `symbol` non-empty; `price` finite and > 0; `size` finite and > 0; `ts` an integer
 * epoch-millisecond event time; optional `id` (the dedupe key), `conditions` (venue trade
 * conditions, Finnhub `c`), `source` and `receivedAt` (wall-clock ms at ingestion).
 * Unknown keys are stripped. Strings are never coerced to numbers.
 *
 * @example
 * ```ts
 * import { TradeSchema } from '@tickflow/core';
 * const r = TradeSchema.safeParse({ symbol: 'AAPL', price: 189.5, size: 100, ts: 1700000000000 });
 * if (!r.success) console.error(r.error.issues[0]?.path.join('.'));
 * ```
 */
export const TradeSchema = z.object({
  symbol: z.string().min(1, 'symbol must be a non-empty string'),
  price: z.number().finite('price must be a finite number').gt(0, 'price must be > 0'),
  size: z.number().finite('size must be a finite number').gt(0, 'size must be > 0'),
  ts: z
    .number()
    .int('ts must be an integer number of epoch milliseconds')
    .nonnegative('ts must be >= 0 (epoch milliseconds)'),
  id: z.string().min(1).optional(),
  conditions: z.array(z.string()).optional(),
  source: z.string().optional(),
  receivedAt: z.number().int().nonnegative().optional(),
});

/**
 * A validated trade print. Inferred from {@link TradeSchema}.
 *
 * @example
 * ```ts
 * import type { Trade } from '@tickflow/core';
 * const t: Trade = { symbol: 'BINANCE:BTCUSDT', price: 42000.5, size: 0.01, ts: Date.UTC(2024, 0, 2) };
 * ```
 */
export type Trade = z.infer<typeof TradeSchema>;
