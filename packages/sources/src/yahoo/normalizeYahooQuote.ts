import { describeZodError, type Quote, QuoteSchema } from '@tickflow/core';

/**
 * The result of {@link normalizeYahooQuote}: a valid quote, or why the entry cannot be one.
 *
 * @example
 * ```ts
 * import { normalizeYahooQuote, type NormalizeYahooQuoteResult } from '@tickflow/sources/yahoo';
 * const r: NormalizeYahooQuoteResult = normalizeYahooQuote({ symbol: 'BRKS', quoteType: 'NONE' });
 * if (!r.ok) console.warn(r.reason); // 'price: Yahoo field regularMarketPrice is missing (quoteType NONE)'
 * ```
 */
export type NormalizeYahooQuoteResult =
  | { ok: true; quote: Quote }
  | { ok: false; reason: string; field: string; symbol: string | undefined };

/** Yahoo sends plain numbers; with `formatted=true` it sends `{ raw, fmt }` objects instead. */
function num(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'object' && v !== null && typeof (v as { raw?: unknown }).raw === 'number') return (v as { raw: number }).raw;
  return undefined;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.length > 0 ? v : undefined;
}

/** Epoch seconds (Yahoo) to integer epoch ms. */
function secondsToMs(v: unknown): number | undefined {
  const s = num(v);
  return s === undefined || !Number.isFinite(s) ? undefined : Math.round(s * 1000);
}

const REQUIRED: ReadonlyArray<readonly [yahooField: string, quoteField: string]> = [
  ['regularMarketPrice', 'price'],
  ['regularMarketTime', 'ts'],
  ['regularMarketChange', 'change'],
  ['regularMarketChangePercent', 'changePercent'],
];

/**
 * Turns one entry of Yahoo's `quoteResponse.result` into tickflow's `Quote`: price from
 * `regularMarketPrice`, `ts` in epoch ms from `regularMarketTime` (epoch seconds), volume,
 * change, change percent, currency, market state, exchange, bid/ask, day range, previous close,
 * and the earnings timestamps (seconds → ms). The result is validated with `QuoteSchema`.
 *
 * Never throws: an entry that cannot make a valid quote (no price, as Yahoo sends for delisted
 * symbols with `quoteType: "NONE"`; a wrong type; a negative price) comes back as
 * `{ ok: false, reason, field }`, naming the Yahoo field. A missing `regularMarketVolume` (mutual
 * funds, some crypto) becomes volume 0 (see ADR 0033).
 *
 * @param raw - one element of `quoteResponse.result`, as parsed from JSON
 * @param receivedAt - wall-clock ms when the response arrived (stored as `receivedAt`), optional
 * @returns `{ ok: true, quote }` or `{ ok: false, reason, field, symbol }`
 * @example
 * ```ts
 * import { normalizeYahooQuote } from '@tickflow/sources/yahoo';
 * const r = normalizeYahooQuote({
 *   symbol: 'AAPL', regularMarketPrice: 244.6, regularMarketTime: 1739566800, regularMarketVolume: 40896227,
 *   regularMarketChange: 3.07, regularMarketChangePercent: 1.27, currency: 'USD', marketState: 'CLOSED',
 * });
 * if (r.ok) r.quote.ts; // 1739566800000
 * ```
 */
export function normalizeYahooQuote(raw: unknown, receivedAt?: number): NormalizeYahooQuoteResult {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { ok: false, reason: `(root): expected a quote object, got ${raw === null ? 'null' : typeof raw}`, field: '(root)', symbol: undefined };
  }
  const r = raw as Record<string, unknown>;
  const symbol = str(r.symbol);
  if (!symbol) return { ok: false, reason: 'symbol: missing or not a string', field: 'symbol', symbol: undefined };
  for (const [yahooField, field] of REQUIRED) {
    if (num(r[yahooField]) === undefined) {
      const got = r[yahooField] === undefined ? 'missing' : `not a number (${JSON.stringify(r[yahooField])})`;
      const kind = typeof r.quoteType === 'string' ? ` (quoteType ${r.quoteType})` : '';
      return { ok: false, reason: `${field}: Yahoo field ${yahooField} is ${got}${kind}`, field, symbol };
    }
  }
  const candidate: Record<string, unknown> = {
    symbol,
    price: num(r.regularMarketPrice),
    ts: secondsToMs(r.regularMarketTime),
    volume: num(r.regularMarketVolume) ?? 0,
    change: num(r.regularMarketChange),
    changePercent: num(r.regularMarketChangePercent),
    source: 'yahoo',
  };
  const optional: Record<string, unknown> = {
    currency: str(r.currency),
    marketState: str(r.marketState),
    exchange: str(r.exchange),
    quoteType: str(r.quoteType),
    bid: num(r.bid),
    ask: num(r.ask),
    dayHigh: num(r.regularMarketDayHigh),
    dayLow: num(r.regularMarketDayLow),
    previousClose: num(r.regularMarketPreviousClose),
    earningsTimestamp: secondsToMs(r.earningsTimestamp),
    earningsTimestampStart: secondsToMs(r.earningsTimestampStart),
    earningsTimestampEnd: secondsToMs(r.earningsTimestampEnd),
    receivedAt,
  };
  for (const k in optional) if (optional[k] !== undefined) candidate[k] = optional[k];
  const parsed = QuoteSchema.safeParse(candidate);
  if (parsed.success) return { ok: true, quote: parsed.data };
  const { reason, field } = describeZodError(parsed.error);
  return { ok: false, reason, field, symbol };
}
