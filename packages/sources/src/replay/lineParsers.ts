import type { Trade } from '@tickflow/core';
import { createOccurrenceCounter } from '../finnhub/createOccurrenceCounter.js';
import { normaliseFinnhubTrade } from '../finnhub/normaliseFinnhubTrade.js';

/**
 * Parses one line of a recording. Returns a trade, several trades, `undefined` to skip the line
 * (a header, a blank line), or a string: the reason the line is invalid. It may also throw; the
 * error message becomes the reason.
 *
 * @example
 * ```ts
 * import { type ReplayLineParser, replay } from '@tickflow/sources';
 * // A recording of `symbol;price;size;ts` lines.
 * const semicolons: ReplayLineParser = (line, lineNumber) => {
 *   if (line.trim() === '') return undefined; // skip blank lines
 *   const [symbol, price, size, ts] = line.split(';');
 *   if (!symbol || ts === undefined) return `line ${lineNumber}: expected symbol;price;size;ts`;
 *   return { symbol, price: Number(price), size: Number(size), ts: Number(ts), source: 'my-feed' };
 * };
 * replay({ text: 'AAPL;190.12;5;1704207600000\n', format: semicolons }).subscribe((t) => console.log(t));
 * ```
 */
export type ReplayLineParser = (line: string, lineNumber: number) => Trade | Trade[] | string | undefined;

/**
 * Built-in recording formats of `replay`.
 *
 * @example
 * ```ts
 * import { type ReplayFormat, replay } from '@tickflow/sources';
 * const format: ReplayFormat = 'tardis'; // Binance trades exported by Tardis (µs timestamps)
 * replay({ path: 'recordings/btcusdt-trades.csv', format, speed: 10 }).subscribe((t) => console.log(t.symbol, t.price));
 * ```
 */
export type ReplayFormat = 'ndjson' | 'csv' | 'tardis' | 'lean';

/** Context for the built-in parsers. */
export interface ParserContext {
  /** Symbol override (required for LEAN unless the file name carries it). */
  symbol?: string | undefined;
  /** LEAN trading date `YYYY-MM-DD` (else taken from a `YYYYMMDD_` file name). */
  date?: string | undefined;
  /** File name, for inferring LEAN symbol/date. */
  path?: string | undefined;
  /** Value for `source` (default `'replay'`). */
  source: string;
}

/** Builds the line parser of a built-in format. Internal. */
export function createLineParser(format: ReplayFormat, ctx: ParserContext): ReplayLineParser {
  switch (format) {
    case 'ndjson':
      return ndjsonParser(ctx);
    case 'tardis':
      return tardisParser(ctx, true);
    case 'lean':
      return leanParser(ctx);
    case 'csv':
      return csvParser(ctx);
  }
}

/** Picks a format from a file name and its first line. Internal. */
export function detectFormat(path: string | undefined, firstLine: string | undefined): ReplayFormat {
  const first = (firstLine ?? '').trim();
  if (/\.(nd)?jsonl?$/i.test(path ?? '') || first.startsWith('{')) return 'ndjson';
  if (/^exchange,symbol,timestamp,local_timestamp/.test(first)) return 'tardis';
  if (/^\d+,\d+,\d+(\.\d+)?,[A-Za-z]?,[0-9A-Fa-f]*,[01]$/.test(first)) return 'lean';
  return 'csv';
}

function ndjsonParser(ctx: ParserContext): ReplayLineParser {
  return (line) => {
    if (line.trim() === '') return undefined;
    const o = JSON.parse(line) as Record<string, unknown>;
    if (typeof o !== 'object' || o === null || Array.isArray(o)) return 'line is not a JSON object';
    if (o.type === 'trade' && Array.isArray(o.data)) {
      // a recorded Finnhub frame: same ids as the live source would give
      const seen = createOccurrenceCounter(Number.POSITIVE_INFINITY);
      const out: Trade[] = [];
      for (const raw of o.data) {
        const t = normaliseFinnhubTrade(raw, 0, seen);
        if (typeof t === 'string') return t;
        const { receivedAt: _r, ...rest } = t;
        out.push({ ...rest, symbol: ctx.symbol ?? rest.symbol, source: ctx.source });
      }
      return out;
    }
    if (o.type === 'ping' || o.type === 'error') return undefined;
    if ('s' in o && 'p' in o && !('symbol' in o)) {
      const t = normaliseFinnhubTrade(o, 0);
      if (typeof t === 'string') return t;
      const { receivedAt: _r, ...rest } = t;
      return { ...rest, symbol: ctx.symbol ?? rest.symbol, source: ctx.source };
    }
    const t = { ...o, source: (o.source as string | undefined) ?? ctx.source } as Trade;
    if (ctx.symbol) t.symbol = ctx.symbol;
    return t;
  };
}

function tardisParser(ctx: ParserContext, expectHeader: boolean): ReplayLineParser {
  return (line, n) => {
    if (line === '' || (expectHeader && n === 1 && line.startsWith('exchange,'))) return undefined;
    const f = line.split(',');
    if (f.length < 8) return `tardis: expected 8 columns (exchange,symbol,timestamp,local_timestamp,id,side,price,amount), got ${f.length}`;
    const [exchange = '', sym = '', ts = '', , id = '', , price = '', amount = ''] = f;
    const us = num(ts);
    if (!Number.isFinite(us)) return `timestamp: not a number: ${JSON.stringify(ts)}`;
    if (Number.isNaN(num(price)) || Number.isNaN(num(amount))) return `price/amount: not numbers: ${JSON.stringify(price)}, ${JSON.stringify(amount)}`;
    const venue = exchange.split('-')[0]?.toUpperCase() ?? '';
    return {
      symbol: ctx.symbol ?? (venue ? `${venue}:${sym}` : sym),
      price: Number(price),
      size: Number(amount),
      ts: Math.floor(us / 1000),
      id: `${exchange}:${sym}:${id}`,
      source: ctx.source,
    };
  };
}

function leanParser(ctx: ParserContext): ReplayLineParser {
  const m = /(\d{4})(\d{2})(\d{2})_([A-Za-z0-9.^-]+)_/.exec(ctx.path?.split(/[\\/]/).pop() ?? '');
  const symbol = ctx.symbol ?? m?.[4]?.toUpperCase();
  const date = ctx.date ?? (m ? `${m[1]}-${m[2]}-${m[3]}` : undefined);
  if (!symbol || !date || !/^\d{4}-\d{2}-\d{2}$/.test(date)) {
    throw new Error('LEAN files need a symbol and a date: pass symbol and date (YYYY-MM-DD), or keep the YYYYMMDD_symbol_ file name');
  }
  const midnight = newYorkMidnightUtc(date);
  const day = date.replaceAll('-', '');
  return (line, n) => {
    if (line === '') return undefined;
    const f = line.split(',');
    if (f.length < 3) return `lean: expected time,price,size[,exchange,condition,suspicious], got ${f.length} columns`;
    const ms = num(f[0]);
    if (!Number.isFinite(ms)) return `time: not a number: ${JSON.stringify(f[0])}`;
    if (Number.isNaN(num(f[1])) || Number.isNaN(num(f[2]))) return `price/size: not numbers: ${JSON.stringify(f[1])}, ${JSON.stringify(f[2])}`;
    const cond = f[4];
    return {
      symbol,
      price: Number(f[1]) / 10_000,
      size: Number(f[2]),
      ts: midnight + ms,
      id: `lean:${symbol}:${day}:${n}`,
      conditions: cond ? [cond] : [],
      source: ctx.source,
    };
  };
}

function csvParser(ctx: ParserContext): ReplayLineParser {
  let inner: ReplayLineParser | undefined;
  return (line, n) => {
    if (inner) return inner(line, n);
    if (line.trim() === '') return undefined;
    if (/^exchange,symbol,timestamp,local_timestamp/.test(line)) {
      inner = tardisParser(ctx, false);
      return undefined;
    }
    if (detectFormat(undefined, line) === 'lean') {
      inner = leanParser(ctx);
      return inner(line, n);
    }
    inner = headerParser(line, ctx);
    return undefined;
  };
}

function headerParser(header: string, ctx: ParserContext): ReplayLineParser {
  const cols = header.split(',').map((c) => c.trim().toLowerCase());
  const find = (...names: string[]) => cols.findIndex((c) => names.includes(c));
  const iSym = find('symbol', 's', 'ticker');
  const iPrice = find('price', 'p');
  const iSize = find('size', 'v', 'volume', 'amount', 'qty', 'quantity');
  const iTs = find('ts', 't', 'timestamp', 'time');
  const iId = find('id', 'trade_id');
  const iCond = find('conditions', 'c');
  if (iPrice < 0 || iSize < 0 || iTs < 0 || (iSym < 0 && !ctx.symbol)) {
    throw new Error(`csv header must name price, size, ts (and symbol unless the symbol option is set); got "${header}"`);
  }
  return (line, n) => {
    if (line.trim() === '') return undefined;
    const f = line.split(',');
    if (f.length < cols.length) return `expected ${cols.length} columns (${cols.join(',')}), got ${f.length}`;
    const tsRaw = f[iTs] ?? '';
    let ts = Number(tsRaw);
    if (!Number.isFinite(ts)) ts = Date.parse(tsRaw);
    else if (ts > 1e14) ts = Math.floor(ts / 1000); // microseconds
    else if (ts < 1e11) ts = Math.round(ts * 1000); // seconds
    if (!Number.isFinite(ts)) return `ts: not a timestamp: ${JSON.stringify(tsRaw)}`;
    const symbol = ctx.symbol ?? f[iSym] ?? '';
    const price = num(f[iPrice]);
    const size = num(f[iSize]);
    if (Number.isNaN(price)) return `price: not a number: ${JSON.stringify(f[iPrice])}`;
    if (Number.isNaN(size)) return `size: not a number: ${JSON.stringify(f[iSize])}`;
    const t: Trade = {
      symbol,
      price,
      size,
      ts,
      id: iId >= 0 && f[iId] ? (f[iId] as string) : `${symbol}:${n}`,
      source: ctx.source,
    };
    if (iCond >= 0 && f[iCond]) t.conditions = (f[iCond] as string).split(/[|;]/);
    return t;
  };
}

/** `Number` that reads an empty or missing field as NaN, not 0. */
function num(x: string | undefined): number {
  return x === undefined || x.trim() === '' ? Number.NaN : Number(x);
}

/** UTC epoch ms of 00:00 in America/New_York on `date` (YYYY-MM-DD), using the offset at noon. */
function newYorkMidnightUtc(date: string): number {
  const [y, mo, d] = date.split('-').map(Number) as [number, number, number];
  const noonUtc = Date.UTC(y, mo - 1, d, 16);
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: 'America/New_York',
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  }).formatToParts(new Date(noonUtc));
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value);
  const localAsUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'));
  const offset = localAsUtc - noonUtc; // e.g. -4 h in EDT
  return Date.UTC(y, mo - 1, d) - offset;
}
