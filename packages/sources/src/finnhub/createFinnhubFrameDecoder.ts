import type { Trade } from '@tickflow/core';
import { createOccurrenceCounter } from './createOccurrenceCounter.js';
import { type FinnhubFrame, parseFinnhubFrame } from './parseFinnhubFrame.js';

/**
 * Options of {@link createFinnhubFrameDecoder}.
 *
 * @example
 * ```ts
 * import { type FinnhubFrameDecoderOptions, createFinnhubFrameDecoder } from '@tickflow/sources/finnhub';
 * // A busy feed: compare with more recent frames, remember more timestamps per symbol.
 * const options: FinnhubFrameDecoderOptions = { recentFrames: 64, timestampsPerSymbol: 16 };
 * const decode = createFinnhubFrameDecoder(options);
 * ```
 */
export interface FinnhubFrameDecoderOptions {
  /** How many recent trade frames are compared with each new one to spot redeliveries. Default 32. */
  recentFrames?: number;
  /** Per symbol, how many recent timestamps keep their occurrence counts. Default 8. */
  timestampsPerSymbol?: number;
}

/**
 * A stateful frame decoder: `(text, receivedAt) => FinnhubFrame`; `redelivery` marks an exact repeat.
 *
 * @example
 * ```ts
 * import { type FinnhubFrameDecoder, createFinnhubFrameDecoder } from '@tickflow/sources/finnhub';
 * const decode: FinnhubFrameDecoder = createFinnhubFrameDecoder();
 * const frame = decode('{"type":"trade","data":[{"s":"AAPL","p":190.1,"t":1704207600000,"v":5}]}', Date.now());
 * if (frame.type === 'trade' && !frame.redelivery) console.log(frame.trades.length); // 1
 * ```
 */
export type FinnhubFrameDecoder = (text: string, receivedAt: number) => FinnhubFrame & { redelivery?: boolean };

/**
 * A Finnhub frame decoder that gives every trade an id stable under redelivery and distinct for
 * distinct prints, across frames (the scheme of docs/adr/0020-finnhub-trade-ids.md):
 *
 * - a frame whose text equals one of the last `recentFrames` trade frames is a redelivery: it yields
 *   the very same trades and ids again (new `receivedAt`, `redelivery: true`), so `dedupe` drops them;
 * - otherwise each trade's id is `s|t|p|v|n` where `n` counts earlier prints with the same
 *   `s, t, p, v` on this stream, so identical prints split over two frames stay distinct.
 *
 * Memory is bounded: `recentFrames` frames plus `timestampsPerSymbol` small groups per symbol.
 *
 * @param options - window sizes
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
  const k = Math.max(1, options.recentFrames ?? 32);
  const counter = createOccurrenceCounter(Math.max(1, options.timestampsPerSymbol ?? 8));
  const texts: string[] = [];
  const trades: Trade[][] = [];
  let next = 0;
  return (text, receivedAt) => {
    const len = text.length;
    const mid = len >> 1;
    const probe = text.charCodeAt(mid);
    for (let i = 0; i < texts.length; i++) {
      const t = texts[i] as string;
      // length and a middle character rule out nearly every other frame before a full comparison
      if (t.length === len && t.charCodeAt(mid) === probe && t === text) {
        const cached = trades[i] as Trade[];
        const copy = new Array<Trade>(cached.length);
        for (let j = 0; j < cached.length; j++) copy[j] = { ...(cached[j] as Trade), receivedAt };
        return { type: 'trade', trades: copy, rejected: undefined, redelivery: true };
      }
    }
    const frame = parseFinnhubFrame(text, receivedAt, counter);
    if (frame.type === 'trade' && frame.trades.length > 0) {
      texts[next] = text;
      trades[next] = frame.trades;
      next = (next + 1) % k;
    }
    return frame;
  };
}
