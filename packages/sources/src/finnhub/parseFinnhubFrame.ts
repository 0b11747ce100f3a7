import type { Trade } from '@tickflow/core';
import { createOccurrenceCounter } from './createOccurrenceCounter.js';
import { fastDecodeTradeFrame } from './fastDecodeTradeFrame.js';
import { normaliseFinnhubTrade, type OccurrenceCounter } from './normaliseFinnhubTrade.js';

/**
 * A trade element of a frame that could not be normalised.
 *
 * @example
 * ```ts
 * import { type FinnhubRejectedTrade, parseFinnhubFrame } from '@tickflow/sources/finnhub';
 * const frame = parseFinnhubFrame('{"type":"trade","data":[{"s":"AAPL","p":"x","t":2,"v":3}]}', Date.now());
 * const rejected: FinnhubRejectedTrade[] = frame.type === 'trade' ? (frame.rejected ?? []) : [];
 * for (const r of rejected) console.warn(`data[${r.index}]: ${r.reason}`); // data[0]: p: …
 * ```
 */
export interface FinnhubRejectedTrade {
  /** Position in the frame's `data` array. */
  index: number;
  /** What is wrong, naming the field (`p: price must be a finite number, got "x"`). */
  reason: string;
}

/**
 * What one Finnhub WebSocket text frame means, as decided by {@link parseFinnhubFrame}.
 *
 * - `trade`: the normalised trades, plus any elements that were malformed (`rejected`);
 * - `ping`: a heartbeat;
 * - `error`: the server's `{"type":"error","msg":…}`;
 * - `invalid`: not JSON, not an object, an unknown `type`, or `data` not an array.
 *
 * @example
 * ```ts
 * import { type FinnhubFrame, parseFinnhubFrame } from '@tickflow/sources/finnhub';
 * const frame: FinnhubFrame = parseFinnhubFrame('{"type":"error","msg":"Subscribing to too many symbols"}', Date.now());
 * switch (frame.type) {
 *   case 'trade':
 *     console.log(frame.trades.length, 'trades');
 *     break;
 *   case 'error':
 *     console.error('server says:', frame.message);
 *     break;
 *   case 'invalid':
 *     console.warn('bad frame:', frame.reason);
 *     break;
 *   case 'ping':
 *     break;
 * }
 * ```
 */
export type FinnhubFrame =
  | { type: 'trade'; trades: Trade[]; rejected: FinnhubRejectedTrade[] | undefined }
  | { type: 'ping' }
  | { type: 'error'; message: string }
  | { type: 'invalid'; reason: string };

const PING: FinnhubFrame = Object.freeze({ type: 'ping' }) as FinnhubFrame;

/**
 * Decodes and normalises one Finnhub WebSocket text frame. Pure and total: it never throws, so a
 * garbage frame cannot end a stream; the caller decides what to do with `invalid` and `rejected`.
 * Trade ids follow {@link normaliseFinnhubTrade} (content plus occurrence index within the frame).
 *
 * @param text - the frame as received
 * @param receivedAt - wall-clock ms to stamp on the trades
 * @param seen - an occurrence counter shared across frames (see `createFinnhubFrameDecoder`); default: a fresh one per frame
 * @returns the frame's meaning
 * @example
 * ```ts
 * import { parseFinnhubFrame } from '@tickflow/sources/finnhub';
 * const f = parseFinnhubFrame('{"type":"trade","data":[{"s":"AAPL","p":1,"t":2,"v":3}]}', Date.now());
 * if (f.type === 'trade') console.log(f.trades[0]?.id); // 'AAPL|2|1|3|0'
 * ```
 */
export function parseFinnhubFrame(text: string, receivedAt: number, seen?: OccurrenceCounter): FinnhubFrame {
  const fast = fastDecodeTradeFrame(text, receivedAt, seen);
  if (fast !== undefined) return { type: 'trade', trades: fast, rejected: undefined };
  return parseFinnhubFrameSlow(text, receivedAt, seen);
}

/** The general path of {@link parseFinnhubFrame}: `JSON.parse` then {@link normaliseFinnhubTrade}. Internal. */
export function parseFinnhubFrameSlow(text: string, receivedAt: number, seen?: OccurrenceCounter): FinnhubFrame {
  let msg: unknown;
  try {
    msg = JSON.parse(text);
  } catch {
    return { type: 'invalid', reason: 'frame is not valid JSON' };
  }
  if (typeof msg !== 'object' || msg === null || Array.isArray(msg)) {
    return { type: 'invalid', reason: 'frame is not a JSON object' };
  }
  const m = msg as { type?: unknown; data?: unknown; msg?: unknown };
  const type = m.type;
  if (type === 'trade') {
    const data = m.data;
    if (!Array.isArray(data)) return { type: 'invalid', reason: 'trade frame: data must be an array' };
    const n = data.length;
    const trades: Trade[] = [];
    let rejected: FinnhubRejectedTrade[] | undefined;
    const counter = seen ?? (n > 1 ? createOccurrenceCounter(Number.POSITIVE_INFINITY) : undefined);
    for (let i = 0; i < n; i++) {
      const r = normaliseFinnhubTrade(data[i], receivedAt, counter);
      if (typeof r === 'string') (rejected ??= []).push({ index: i, reason: r });
      else trades.push(r);
    }
    return { type: 'trade', trades, rejected };
  }
  if (type === 'ping') return PING;
  if (type === 'error') {
    return { type: 'error', message: typeof m.msg === 'string' ? m.msg : JSON.stringify(m.msg ?? null) };
  }
  return { type: 'invalid', reason: `unknown message type ${JSON.stringify(type) ?? 'undefined'}` };
}
