import type { Trade } from '@tickflow/core';
import type { OccurrenceCounter } from './normaliseFinnhubTrade.js';
import { type FinnhubFrame, parseFinnhubFrame } from './parseFinnhubFrame.js';

/** Options of {@link createFinnhubFrameDecoder}. */
export interface FinnhubFrameDecoderOptions {
  /** How many recent trade frames are remembered (kept in two generations of this size). Default 256. */
  windowFrames?: number;
}

/** A stateful frame decoder: `(text, receivedAt) => FinnhubFrame`; `redelivery` marks an exact repeat. */
export type FinnhubFrameDecoder = (text: string, receivedAt: number) => FinnhubFrame & { redelivery?: boolean };

/**
 * A Finnhub frame decoder that gives every trade an id stable under redelivery and distinct for
 * distinct prints, across frames (the scheme of docs/adr/0020-finnhub-trade-ids.md):
 *
 * - a frame whose text equals a recently seen trade frame is a redelivery: it yields the very same
 *   trades and ids again (new `receivedAt`, `redelivery: true`), so `dedupe` drops them;
 * - otherwise each trade's id is `s|t|p|v|n` where `n` counts earlier prints with the same
 *   `s, t, p, v` over the recent frames, so identical prints split over two frames stay distinct.
 *
 * Memory is bounded: two generations of `windowFrames` frames each.
 *
 * @param options - window size
 * @returns the decoder; use one per stream
 * @example
 * ```ts
 * import { createFinnhubFrameDecoder } from '@tickflow/sources/finnhub';
 * const decode = createFinnhubFrameDecoder();
 * const text = '{"type":"trade","data":[{"s":"AAPL","p":1,"t":2,"v":3}]}';
 * decode(text, Date.now()); // id AAPL|2|1|3|0
 * decode(text, Date.now()); // redelivery: same id AAPL|2|1|3|0
 * ```
 */
export function createFinnhubFrameDecoder(options: FinnhubFrameDecoderOptions = {}): FinnhubFrameDecoder {
  const window = Math.max(1, options.windowFrames ?? 256);
  let cur = new Map<string, number>();
  let prev = new Map<string, number>();
  let curFrames = new Map<string, Trade[]>();
  let prevFrames = new Map<string, Trade[]>();
  let count = 0;
  const seen: OccurrenceCounter = {
    get(key) {
      const v = cur.get(key);
      return v !== undefined ? v : prev.get(key);
    },
    set(key, n) {
      cur.set(key, n);
    },
  };
  return (text, receivedAt) => {
    const cached = curFrames.get(text) ?? prevFrames.get(text);
    if (cached !== undefined) {
      const trades = new Array<Trade>(cached.length);
      for (let i = 0; i < cached.length; i++) trades[i] = { ...(cached[i] as Trade), receivedAt };
      return { type: 'trade', trades, rejected: undefined, redelivery: true };
    }
    const frame = parseFinnhubFrame(text, receivedAt, seen);
    if (frame.type === 'trade' && frame.trades.length > 0) {
      curFrames.set(text, frame.trades);
      if (++count >= window) {
        prev = cur;
        cur = new Map();
        prevFrames = curFrames;
        curFrames = new Map();
        count = 0;
      }
    }
    return frame;
  };
}
