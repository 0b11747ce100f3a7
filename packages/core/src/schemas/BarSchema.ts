import { z } from 'zod';

/**
 * The zod schema of an OHLCV bar for one symbol and one event-time window `[start, end)`.
 *
 * `start` is inclusive and aligned to UTC multiples of the interval; `end = start + interval`
 * (exclusive). `volume` is the sum of sizes, `count` the number of trades and
 * `vwap = Σ(price·size) / Σsize`. A gap-filled bar has `count` 0 and `volume` 0.
 *
 * @example
 * ```ts
 * import { BarSchema } from '@tickflow/core';
 * BarSchema.parse({
 *   symbol: 'AAPL', interval: '5m', start: 0, end: 300_000,
 *   open: 1, high: 2, low: 1, close: 2, volume: 10, count: 2, vwap: 1.5,
 * });
 * ```
 */
export const BarSchema = z
  .object({
    symbol: z.string().min(1, 'symbol must be a non-empty string'),
    interval: z.string().min(1, 'interval must be a non-empty string such as "5m"'),
    start: z.number().int('start must be an integer epoch ms'),
    end: z.number().int('end must be an integer epoch ms'),
    open: z.number().finite().gt(0, 'open must be > 0'),
    high: z.number().finite().gt(0, 'high must be > 0'),
    low: z.number().finite().gt(0, 'low must be > 0'),
    close: z.number().finite().gt(0, 'close must be > 0'),
    volume: z.number().finite().nonnegative('volume must be >= 0'),
    count: z.number().int().nonnegative('count must be >= 0'),
    vwap: z.number().finite().nonnegative('vwap must be >= 0'),
  })
  .refine((b) => b.end > b.start, { message: 'end must be greater than start', path: ['end'] })
  .refine((b) => b.high >= b.low, { message: 'high must be >= low', path: ['high'] });

/**
 * A validated OHLCV bar. Inferred from {@link BarSchema}.
 *
 * @example
 * ```ts
 * import type { Bar } from '@tickflow/core';
 * const printBar = (b: Bar) => console.log(`${b.symbol} ${b.interval} ${new Date(b.start).toISOString()} c=${b.close}`);
 * ```
 */
export type Bar = z.infer<typeof BarSchema>;
