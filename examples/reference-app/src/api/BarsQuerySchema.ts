import { z } from 'zod';

const symbol = z
  .string({ error: 'symbol is required, e.g. ?symbol=AAPL' })
  .regex(/^[A-Za-z0-9.:^=_/-]{1,40}$/, 'symbol must be a ticker such as AAPL or BINANCE:BTCUSDT');
const interval = z.enum(['5m', '1h'], { error: 'interval must be 5m or 1h' });
const time = (name: string) =>
  z
    .string()
    .transform((v, ctx) => {
      const n = /^\d+$/.test(v) ? Number(v) : Date.parse(v);
      if (!Number.isFinite(n)) {
        ctx.addIssue({ code: 'custom', message: `${name} must be epoch milliseconds or an ISO date, got ${JSON.stringify(v.slice(0, 40))}` });
        return z.NEVER;
      }
      return n;
    })
    .optional();

/**
 * Query of `GET /api/bars`: `symbol` (required), `interval` (`5m` default, or `1h`), `from`/`to`
 * (epoch ms or ISO dates; window starts in `[from, to)`), `limit` (newest bars, 1–5000, default 1000).
 *
 * @example
 * ```ts
 * BarsQuerySchema.parse({ symbol: 'AAPL', interval: '1h', from: '2024-01-02T00:00:00Z' });
 * // { symbol: 'AAPL', interval: '1h', from: 1704153600000, limit: 1000 }
 * ```
 */
export const BarsQuerySchema = z
  .object({
    symbol,
    interval: interval.default('5m'),
    from: time('from'),
    to: time('to'),
    limit: z
      .string()
      .regex(/^\d+$/, 'limit must be a whole number')
      .transform(Number)
      .pipe(z.number().int().min(1, 'limit must be at least 1').max(5000, 'limit must be at most 5000'))
      .default(1000),
  })
  .refine((q) => q.from === undefined || q.to === undefined || q.from < q.to, { message: 'from must be before to', path: ['from'] });

/** A parsed `GET /api/bars` query. */
export type BarsQuery = z.infer<typeof BarsQuerySchema>;

/**
 * Query of `GET /api/stream` (Server-Sent Events): `symbol` (optional: all symbols when absent)
 * and `interval` (optional: both intervals when absent).
 *
 * @example
 * ```ts
 * StreamQuerySchema.parse({ symbol: 'AAPL', interval: '5m' }); // { symbol: 'AAPL', interval: '5m' }
 * ```
 */
export const StreamQuerySchema = z.object({ symbol: symbol.optional(), interval: interval.optional() });

/** A parsed `GET /api/stream` query. */
export type StreamQuery = z.infer<typeof StreamQuerySchema>;
