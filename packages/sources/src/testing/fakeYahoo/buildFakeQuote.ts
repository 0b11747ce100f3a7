import { quoteTemplate } from './quoteTemplate.js';

const DAY_S = 86_400;

/** FNV-1a: a stable 32-bit hash, so each symbol gets the same made-up numbers every run. */
export function hashSymbol(symbol: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < symbol.length; i++) {
    h ^= symbol.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * Builds one `quoteResponse.result` entry for `symbol` in the recorded shape: deterministic price,
 * change, volume and earnings dates derived from the symbol, `regularMarketTime` = `nowMs` in
 * epoch seconds, then `overrides` applied on top.
 *
 * @internal
 */
export function buildFakeQuote(symbol: string, nowMs: number, overrides?: Record<string, unknown>): Record<string, unknown> {
  const h = hashSymbol(symbol);
  const nowS = Math.floor(nowMs / 1000);
  const prev = Math.round(1000 + (h % 50_000)) / 100; // 10.00 .. 509.99
  const pct = (((h >>> 7) % 1001) - 500) / 100; // -5.00 % .. +5.00 %
  const price = Math.max(0.01, Math.round(prev * (1 + pct / 100) * 100) / 100);
  const change = Math.round((price - prev) * 10_000) / 10_000;
  // Last earnings 5..95 days ago; next window opens 0..89 days ahead and lasts 0..4 days.
  const last = nowS - (5 + ((h >>> 3) % 91)) * DAY_S;
  const nextStart = nowS + ((h >>> 11) % 90) * DAY_S + 3600;
  const nextEnd = nextStart + ((h >>> 17) % 5) * DAY_S;
  const q: Record<string, unknown> = {
    ...quoteTemplate,
    symbol,
    shortName: symbol,
    longName: symbol,
    displayName: symbol,
    regularMarketPrice: price,
    regularMarketPreviousClose: prev,
    regularMarketOpen: prev,
    regularMarketChange: change,
    regularMarketChangePercent: Math.round((change / prev) * 100 * 1e6) / 1e6,
    regularMarketDayHigh: Math.max(price, prev),
    regularMarketDayLow: Math.min(price, prev),
    regularMarketDayRange: `${Math.min(price, prev)} - ${Math.max(price, prev)}`,
    regularMarketVolume: 1000 + ((h >>> 5) % 5_000_000),
    regularMarketTime: nowS,
    postMarketTime: nowS,
    bid: price,
    ask: price,
    earningsTimestamp: last,
    earningsTimestampStart: nextStart,
    earningsTimestampEnd: nextEnd,
    earningsCallTimestampStart: last,
    earningsCallTimestampEnd: last,
  };
  return overrides ? { ...q, ...overrides } : q;
}
