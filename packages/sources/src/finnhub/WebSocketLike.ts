/**
 * The part of a WebSocket that tickflow's sources use: the WHATWG-style `on*` handler properties,
 * `send`, `close` and (when present, as in `ws`) `terminate`. Both the `ws` package's `WebSocket`
 * and the global `WebSocket` of newer Node versions fit.
 *
 * @example
 * ```ts
 * import WebSocket from 'ws';
 * import type { WebSocketConstructor } from '@tickflow/sources/finnhub';
 * const Impl: WebSocketConstructor = WebSocket;
 * ```
 */
export interface WebSocketLike {
  /** 0 connecting, 1 open, 2 closing, 3 closed. */
  readonly readyState: number;
  /** Called once the connection is open. */
  onopen: ((event: any) => void) | null;
  /** Called for each message; `event.data` is the text of a text frame. */
  onmessage: ((event: any) => void) | null;
  /** Called once the connection is closed; `event.code` and `event.reason` say why. */
  onclose: ((event: any) => void) | null;
  /** Called on a connection error; `event.message` or `event.error` describe it. */
  onerror: ((event: any) => void) | null;
  /** Sends a text message. */
  send(data: string): void;
  /** Closes the connection gracefully. */
  close(code?: number, reason?: string): void;
  /** Destroys the connection at once (the `ws` package has it). */
  terminate?(): void;
}

/**
 * A WebSocket class: `new WebSocket(url)`. Inject one (e.g. a fake) through the `WebSocket` option.
 *
 * @example
 * ```ts
 * import WebSocket from 'ws';
 * import type { WebSocketConstructor } from '@tickflow/sources/finnhub';
 * const Impl: WebSocketConstructor = WebSocket;
 * ```
 */
export type WebSocketConstructor = new (url: string) => WebSocketLike;
