import {
  backoff,
  ConfigurationError,
  ConnectionError,
  type Counter,
  type Gauge,
  type Instrumentation,
  RetriesExhaustedError,
  type RetryPolicy,
} from '@tickflow/core';
import type { SchedulerLike, Subscription } from 'rxjs';
import type { WebSocketConstructor, WebSocketLike } from './WebSocketLike.js';

/** What a {@link FinnhubConnection} needs; built once by `finnhubTrades`. */
export interface FinnhubConnectionOptions {
  /** Index of the API key this connection uses (for logs). */
  index: number;
  /** Full URL including the token. Never logged. */
  url: string;
  /** URL without credentials, for logs and errors. */
  endpoint: string;
  WebSocket: WebSocketConstructor;
  scheduler: SchedulerLike;
  retry: RetryPolicy;
  random: () => number;
  staleTimeoutMs: number;
  instrumentation: Instrumentation;
  metrics: { reconnects: Counter; stale: Counter; open: Gauge };
  /** Every text frame, synchronously as it arrives. */
  onText(text: string, connection: FinnhubConnection): void;
  /** A non-recoverable failure (bad token, retries exhausted): the stream must end with it. */
  onFatal(error: Error): void;
}

const noop = () => {};
const OPEN = 1;
const AUTH_REFUSED = /Unexpected server response: (401|403)\b/;
const decoder = new TextDecoder();

/**
 * One WebSocket connection to Finnhub for one API key: opens it, (re)subscribes every symbol in
 * {@link symbols} after each open, reconnects with backoff after a drop or a stale period, and hands
 * every text frame to `onText`. It knows nothing about the frames' meaning (see
 * `parseFinnhubFrame`); that separation keeps the mapper pure and the socket logic testable.
 * Internal: not exported from the package.
 */
export class FinnhubConnection {
  /** Symbols this connection carries; subscribed after every (re)connect. */
  readonly symbols = new Set<string>();
  /** Number of sockets opened so far. */
  opened = 0;
  private socket: WebSocketLike | undefined;
  private isOpen = false;
  private healthy = false;
  private failures = 0;
  private lastMessageAt = 0;
  private staleTimer: Subscription | undefined;
  private retryTimer: Subscription | undefined;
  private disposed = false;
  private confirming = false;

  constructor(private readonly o: FinnhubConnectionOptions) {}

  /** Opens the first socket. */
  start(): void {
    this.connect();
  }

  /** Adds a symbol, subscribing at once when the socket is open. */
  add(symbol: string): void {
    if (this.symbols.has(symbol)) return;
    this.symbols.add(symbol);
    if (this.isOpen) this.send({ type: 'subscribe', symbol });
  }

  /** Removes a symbol, unsubscribing at once when the socket is open. */
  remove(symbol: string): void {
    if (!this.symbols.delete(symbol)) return;
    if (this.isOpen) this.send({ type: 'unsubscribe', symbol });
  }

  /** Closes the socket and cancels timers; no reconnect follows. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.retryTimer?.unsubscribe();
    this.detach('closed by subscriber', false);
  }

  private connect(): void {
    if (this.disposed) return;
    const { o } = this;
    let ws: WebSocketLike;
    try {
      ws = new o.WebSocket(o.url);
    } catch (error) {
      this.dropped(`could not create WebSocket: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    this.socket = ws;
    this.healthy = false;
    this.lastMessageAt = o.scheduler.now();
    this.confirming = false;
    this.armStale(o.staleTimeoutMs);
    let lastError = '';
    ws.onopen = () => {
      if (this.socket !== ws) return;
      this.isOpen = true;
      this.opened++;
      o.metrics.open.inc();
      o.instrumentation.log('info', 'finnhub_connected', { endpoint: o.endpoint, key: o.index, symbols: this.symbols.size });
      for (const symbol of this.symbols) this.send({ type: 'subscribe', symbol });
    };
    const onData = (data: unknown) => {
      if (this.socket !== ws) return;
      this.lastMessageAt = o.scheduler.now();
      if (!this.healthy) {
        this.healthy = true;
        this.failures = 0;
      }
      o.onText(typeof data === 'string' ? data : toText(data), this);
    };
    const emitter = ws as unknown as { on?: (event: 'message', listener: (data: unknown) => void) => void };
    // the `ws` package's own emitter skips a MessageEvent per frame; other implementations use onmessage
    if (typeof emitter.on === 'function') emitter.on('message', onData);
    else ws.onmessage = (event: { data: unknown }) => onData(event.data);
    ws.onerror = (event: { message?: unknown; error?: unknown }) => {
      if (this.socket !== ws) return;
      const err = event.error instanceof Error ? event.error.message : typeof event.message === 'string' ? event.message : 'WebSocket error';
      lastError = err;
      if (AUTH_REFUSED.test(err)) {
        this.disposed = true;
        this.detach('token refused', false);
        o.onFatal(
          new ConfigurationError(`Finnhub refused the API key #${o.index} (${err}) at ${o.endpoint}`, {
            setting: 'token',
            hint: 'check the token option or the FINNHUB_API_KEY environment variable',
          }),
        );
      }
    };
    ws.onclose = (event: { code?: unknown; reason?: unknown }) => {
      if (this.socket !== ws) return;
      const why = `closed with code ${String(event.code ?? '?')}${event.reason ? ` (${String(event.reason)})` : ''}${lastError ? `: ${lastError}` : ''}`;
      this.detach(why, true);
    };
  }

  private armStale(delay: number): void {
    this.staleTimer?.unsubscribe();
    this.staleTimer = this.o.scheduler.schedule(() => this.checkStale(), delay);
  }

  private checkStale(): void {
    if (this.disposed || this.socket === undefined) return;
    const { o } = this;
    const idle = o.scheduler.now() - this.lastMessageAt;
    if (idle < o.staleTimeoutMs) {
      this.confirming = false;
      this.armStale(o.staleTimeoutMs - idle);
      return;
    }
    if (!this.confirming) {
      // After a long event-loop stall (GC, a slow subscriber) timers run before pending socket reads:
      // look again once the loop has polled I/O, so frames already received are never thrown away.
      this.confirming = true;
      this.armStale(Math.min(100, Math.ceil(o.staleTimeoutMs / 10)));
      return;
    }
    this.confirming = false;
    o.metrics.stale.inc();
    o.instrumentation.log('warn', 'finnhub_stale', { endpoint: o.endpoint, key: o.index, idleMs: idle, staleTimeoutMs: o.staleTimeoutMs });
    this.detach(`stale: nothing received for ${idle} ms`, true);
  }

  /** Forgets the current socket (closing it) and, when asked, schedules a reconnect. */
  private detach(reason: string, reconnect: boolean): void {
    const ws = this.socket;
    this.socket = undefined;
    this.staleTimer?.unsubscribe();
    this.staleTimer = undefined;
    if (this.isOpen) this.o.metrics.open.dec();
    this.isOpen = false;
    if (ws !== undefined) {
      ws.onopen = noop;
      ws.onmessage = noop;
      ws.onclose = noop;
      ws.onerror = noop;
      try {
        if (reconnect && typeof ws.terminate === 'function') ws.terminate();
        else ws.close(1000, 'client closing');
      } catch {
        // already closed
      }
    }
    if (reconnect) this.dropped(reason);
  }

  private dropped(reason: string): void {
    if (this.disposed) return;
    const { o } = this;
    this.failures++;
    if (this.failures >= o.retry.maxAttempts) {
      this.disposed = true;
      o.onFatal(
        new RetriesExhaustedError(`Finnhub connection #${o.index}`, this.failures, new ConnectionError(`WebSocket to ${o.endpoint} ${reason}`, { endpoint: o.endpoint })),
      );
      return;
    }
    const delayMs = backoff(this.failures, o.retry, o.random);
    o.metrics.reconnects.inc();
    o.instrumentation.log('warn', 'finnhub_reconnecting', { endpoint: o.endpoint, key: o.index, reason, attempt: this.failures, delayMs });
    this.retryTimer = o.scheduler.schedule(() => this.connect(), delayMs);
  }

  private send(message: { type: string; symbol: string }): void {
    const ws = this.socket;
    if (ws === undefined || ws.readyState !== OPEN) return;
    try {
      ws.send(JSON.stringify(message));
    } catch (error) {
      this.o.instrumentation.log('warn', 'finnhub_send_failed', { endpoint: this.o.endpoint, message, error });
    }
  }
}

function toText(data: unknown): string {
  if (typeof Buffer !== 'undefined' && Buffer.isBuffer(data)) return data.toString('utf8');
  if (data instanceof ArrayBuffer || ArrayBuffer.isView(data)) return decoder.decode(data as ArrayBuffer);
  return String(data);
}
