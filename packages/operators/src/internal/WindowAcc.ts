import type { Bar, Trade } from '@tickflow/core';

/**
 * Running aggregate of one symbol's window. `o*`/`h`/`l`/`c*` cover prints that count for OHLC;
 * `a*` cover every print in the window (the fallback OHLC when no print counted for OHLC).
 *
 * @internal
 */
export interface WindowAcc {
  readonly symbol: string;
  readonly start: number;
  readonly sym: SymbolState;
  open: number;
  openTs: number;
  high: number;
  low: number;
  close: number;
  closeTs: number;
  aOpen: number;
  aOpenTs: number;
  aHigh: number;
  aLow: number;
  aClose: number;
  aCloseTs: number;
  volume: number;
  pv: number;
  count: number;
  revision: number;
}

/** Per-symbol state of ohlcvWindow. @internal */
export interface SymbolState {
  readonly symbol: string;
  /** The window the last trade went to (fast path for in-order data). */
  cur: WindowAcc | undefined;
  /** Open windows of this symbol (usually one or two). */
  wins: WindowAcc[];
  /** Start of the last final bar emitted, for gap filling. */
  lastStart: number;
  /** Close of the last final bar emitted, for gap filling. */
  lastClose: number;
}

/** @internal */
export function newAcc(sym: SymbolState, start: number): WindowAcc {
  return {
    symbol: sym.symbol,
    start,
    sym,
    open: 0,
    openTs: Number.POSITIVE_INFINITY,
    high: Number.NEGATIVE_INFINITY,
    low: Number.POSITIVE_INFINITY,
    close: 0,
    closeTs: Number.NEGATIVE_INFINITY,
    aOpen: 0,
    aOpenTs: Number.POSITIVE_INFINITY,
    aHigh: Number.NEGATIVE_INFINITY,
    aLow: Number.POSITIVE_INFINITY,
    aClose: 0,
    aCloseTs: Number.NEGATIVE_INFINITY,
    volume: 0,
    pv: 0,
    count: 0,
    revision: 0,
  };
}

/** Adds a print that counts for everything (the common case). @internal */
export function addTrade(a: WindowAcc, price: number, size: number, ts: number): void {
  if (ts < a.openTs) {
    a.openTs = ts;
    a.open = price;
  }
  if (ts >= a.closeTs) {
    a.closeTs = ts;
    a.close = price;
  }
  if (price > a.high) a.high = price;
  if (price < a.low) a.low = price;
  a.volume += size;
  a.pv += price * size;
  a.count++;
}

/** Adds a print under trade-condition rules. @internal */
export function addTradeWithRules(a: WindowAcc, t: Trade, inOhlc: boolean, inVolume: boolean): void {
  const { price, ts } = t;
  if (ts < a.aOpenTs) {
    a.aOpenTs = ts;
    a.aOpen = price;
  }
  if (ts >= a.aCloseTs) {
    a.aCloseTs = ts;
    a.aClose = price;
  }
  if (price > a.aHigh) a.aHigh = price;
  if (price < a.aLow) a.aLow = price;
  if (inOhlc) {
    if (ts < a.openTs) {
      a.openTs = ts;
      a.open = price;
    }
    if (ts >= a.closeTs) {
      a.closeTs = ts;
      a.close = price;
    }
    if (price > a.high) a.high = price;
    if (price < a.low) a.low = price;
  }
  if (inVolume) {
    a.volume += t.size;
    a.pv += price * t.size;
    a.count++;
  }
}

/** True when the window holds at least one print (for OHLC or volume). @internal */
export function hasPrints(a: WindowAcc): boolean {
  return a.openTs !== Number.POSITIVE_INFINITY || a.aOpenTs !== Number.POSITIVE_INFINITY;
}

/** Builds the Bar of a window. @internal */
export function toBar(a: WindowAcc, interval: string, sizeMs: number): Bar {
  const ohlc = a.openTs !== Number.POSITIVE_INFINITY;
  const close = ohlc ? a.close : a.aClose;
  return {
    symbol: a.symbol,
    interval,
    start: a.start,
    end: a.start + sizeMs,
    open: ohlc ? a.open : a.aOpen,
    high: ohlc ? a.high : a.aHigh,
    low: ohlc ? a.low : a.aLow,
    close,
    volume: a.volume,
    count: a.count,
    vwap: a.volume > 0 ? a.pv / a.volume : close,
  };
}

/** A flat, zero-volume bar for an empty window (gap filling). @internal */
export function flatBar(symbol: string, interval: string, start: number, sizeMs: number, price: number): Bar {
  return {
    symbol,
    interval,
    start,
    end: start + sizeMs,
    open: price,
    high: price,
    low: price,
    close: price,
    volume: 0,
    count: 0,
    vwap: price,
  };
}
