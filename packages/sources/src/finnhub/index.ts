/**
 * Live Finnhub trades over WebSocket, with reconnection and validation.
 *
 * @module @tickflow/sources/finnhub
 */
export { type FinnhubServerError, type FinnhubSymbolControls, type FinnhubTradeStream, type FinnhubTradesOptions, finnhubTrades } from './finnhubTrades.js';
export { type FinnhubFrameDecoder, type FinnhubFrameDecoderOptions, createFinnhubFrameDecoder } from './createFinnhubFrameDecoder.js';
export { normaliseFinnhubTrade, type OccurrenceCounter } from './normaliseFinnhubTrade.js';
export { type FinnhubFrame, type FinnhubRejectedTrade, parseFinnhubFrame } from './parseFinnhubFrame.js';
export type { WebSocketConstructor, WebSocketLike } from './WebSocketLike.js';
