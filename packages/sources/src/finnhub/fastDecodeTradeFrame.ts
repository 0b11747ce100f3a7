import type { Trade } from '@tickflow/core';
import { createOccurrenceCounter } from './createOccurrenceCounter.js';
import type { OccurrenceCounter } from './normaliseFinnhubTrade.js';

// Scratch space reused between calls (the decoder is synchronous).
const S: string[] = [];
const TS: string[] = [];
const PS: string[] = [];
const VS: string[] = [];
const TN: number[] = [];
const PN: number[] = [];
const VN: number[] = [];
const C: Array<string[] | undefined> = [];
const POW10 = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16];

let lastSymbol = '';
let lastPrefix = '';
const SP: string[] = [];
const HEAD = '{"data":[';
const TAIL = '],"type":"trade"}';

/**
 * A fast path for the canonical Finnhub trade frame, `{"data":[{"c":…,"p":…,"s":"…","t":…,"v":…},…],"type":"trade"}`:
 * one pass over the text builds the trades directly, taking each id's numbers from the text itself
 * (no number-to-string conversion). It accepts only what it can decode exactly as the general path
 * would (numbers of at most 15 significant digits in canonical form, strings without escapes, no
 * whitespace) and returns `undefined` for anything else, so the caller falls back to `JSON.parse`.
 * Ids and values are identical on both paths; a property test checks it. Internal.
 */
export function fastDecodeTradeFrame(text: string, receivedAt: number, seen: OccurrenceCounter | undefined): Trade[] | undefined {
  if (!text.startsWith(HEAD) || !text.endsWith(TAIL)) return undefined;
  const end = text.length - TAIL.length;
  let i = HEAD.length;
  let n = 0;
  if (i === end) return [];
  for (;;) {
    if (text.charCodeAt(i) !== 123 /* { */) return undefined;
    i++;
    let s: string | undefined;
    let prefix = '';
    let hasT = false;
    let hasP = false;
    let hasV = false;
    let c: string[] | undefined;
    for (;;) {
      // "k":
      if (text.charCodeAt(i) !== 34 || text.charCodeAt(i + 2) !== 34 || text.charCodeAt(i + 3) !== 58) return undefined;
      const k = text.charCodeAt(i + 1);
      i += 4;
      if (k === 115 /* s */) {
        if (text.charCodeAt(i) !== 34) return undefined;
        // frames repeat their symbols: reuse the previous string (its hash is cached for the Map lookups)
        const ls = lastSymbol.length;
        if (ls > 0 && text.charCodeAt(i + 1 + ls) === 34 && text.startsWith(lastSymbol, i + 1)) {
          s = lastSymbol;
          prefix = lastPrefix;
          i += ls + 2;
          const ch = text.charCodeAt(i++);
          if (ch === 125 /* } */) break;
          if (ch !== 44 /* , */) return undefined;
          continue;
        }
        const q = text.indexOf('"', i + 1);
        if (q < 0 || q === i + 1) return undefined;
        const str = text.slice(i + 1, q);
        if (!plain(str)) return undefined;
        s = str;
        prefix = str + '|';
        lastSymbol = str;
        lastPrefix = prefix;
        i = q + 1;
      } else if (k === 99 /* c */) {
        if (text.startsWith('null', i)) {
          c = undefined;
          i += 4;
        } else if (text.charCodeAt(i) === 91 /* [ */) {
          c = [];
          i++;
          if (text.charCodeAt(i) === 93) i++;
          else {
            for (;;) {
              if (text.charCodeAt(i) !== 34) return undefined;
              const q = text.indexOf('"', i + 1);
              if (q < 0) return undefined;
              const str = text.slice(i + 1, q);
              if (!plain(str)) return undefined;
              c.push(str);
              i = q + 1;
              const ch = text.charCodeAt(i++);
              if (ch === 93) break;
              if (ch !== 44) return undefined;
            }
          }
        } else return undefined;
      } else if (k === 112 /* p */ || k === 116 /* t */ || k === 118 /* v */) {
        // canonical number: -?(0|[1-9]\d*)(\.\d*[1-9])?, at most 15 significant digits, >= 1e-6 when fractional
        const start = i;
        let neg = false;
        if (text.charCodeAt(i) === 45) {
          neg = true;
          i++;
        }
        let mant = 0;
        let digits = 0;
        let sig = 0;
        const first = text.charCodeAt(i);
        if (first === 48 /* 0 */) {
          i++;
        } else if (first >= 49 && first <= 57) {
          while (i < end) {
            const d = text.charCodeAt(i) - 48;
            if (d < 0 || d > 9) break;
            mant = mant * 10 + d;
            sig++;
            i++;
          }
        } else return undefined;
        let scale = 0;
        if (text.charCodeAt(i) === 46 /* . */) {
          i++;
          let lastNonZero = -1;
          let leadingZeros = sig === 0;
          let zeros = 0;
          while (i < end) {
            const d = text.charCodeAt(i) - 48;
            if (d < 0 || d > 9) break;
            mant = mant * 10 + d;
            scale++;
            if (d !== 0) {
              lastNonZero = scale;
              leadingZeros = false;
            } else if (leadingZeros) zeros++;
            if (!leadingZeros) sig++;
            i++;
          }
          if (scale === 0 || lastNonZero !== scale || zeros >= 6) return undefined;
        }
        digits = sig;
        if (digits > 15 || scale > 16) return undefined;
        const ch = text.charCodeAt(i);
        if (ch === 101 || ch === 69 || (neg && mant === 0)) return undefined; // exponent or -0
        let value = scale === 0 ? mant : mant / (POW10[scale] as number);
        if (neg) value = -value;
        const slice = text.slice(start, i);
        if (k === 112) {
          PN[n] = value;
          PS[n] = slice;
          hasP = true;
        } else if (k === 116) {
          TN[n] = value;
          TS[n] = slice;
          hasT = true;
        } else {
          VN[n] = value;
          VS[n] = slice;
          hasV = true;
        }
      } else return undefined;
      const ch = text.charCodeAt(i++);
      if (ch === 125 /* } */) break;
      if (ch !== 44 /* , */) return undefined;
    }
    if (s === undefined || !hasT || !hasP || !hasV) return undefined;
    S[n] = s;
    SP[n] = prefix;
    C[n] = c;
    n++;
    if (i === end) break;
    if (text.charCodeAt(i++) !== 44) return undefined;
  }
  const counter = seen ?? (n > 1 ? createOccurrenceCounter(Number.POSITIVE_INFINITY) : undefined);
  const out = new Array<Trade>(n);
  for (let j = 0; j < n; j++) {
    const s = S[j] as string;
    const t = TN[j] as number;
    const p = PN[j] as number;
    const v = VN[j] as number;
    const k = counter === undefined ? 0 : counter.next(s, t, p, v);
    const id = (SP[j] as string) + TS[j] + '|' + PS[j] + '|' + VS[j] + (k === 0 ? '|0' : '|' + k);
    const c = C[j];
    out[j] =
      c === undefined
        ? { symbol: s, price: p, size: v, ts: t, id, source: 'finnhub', receivedAt }
        : { symbol: s, price: p, size: v, ts: t, id, conditions: c, source: 'finnhub', receivedAt };
  }
  return out;
}

/** True when a JSON string body needs no unescaping and is valid JSON as is (no `\\`, no control characters). */
function plain(str: string): boolean {
  for (let i = 0; i < str.length; i++) {
    const ch = str.charCodeAt(i);
    if (ch < 32 || ch === 92) return false;
  }
  return true;
}
