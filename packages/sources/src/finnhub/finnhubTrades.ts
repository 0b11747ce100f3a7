import {
  ConfigurationError,
  defaultRetryPolicy,
  type Instrumentation,
  type InvalidRecord,
  noopInstrumentation,
  type RetryPolicy,
  type Trade,
} from '@tickflow/core';
import { asyncScheduler, Observable, type SchedulerLike, type Subscriber, share } from 'rxjs';
import WebSocketImpl from 'ws';
import { FinnhubConnection, type FinnhubConnectionOptions } from './FinnhubConnection.js';
import { createFinnhubFrameDecoder } from './createFinnhubFrameDecoder.js';
import type { WebSocketConstructor } from './WebSocketLike.js';

/**
 * A `{"type":"error"}` message from Finnhub, with the subscription set it refers to.
 *
 * @example
 * ```ts
 * import { type FinnhubServerError, finnhubTrades } from '@tickflow/sources/finnhub';
 * const onServerError = (e: FinnhubServerError) =>
 *   console.warn(`key #${e.key}: ${e.message} (${e.symbols.length} symbols subscribed)`);
 * const trades$ = finnhubTrades({ symbols: ['AAPL', 'MSFT'], onServerError });
 * ```
 */
export interface FinnhubServerError {
  /** The server's `msg`, e.g. `Subscribing to too many symbols`. */
  message: string;
  /** Index of the API key (connection) that got it. */
  key: number;
  /** Every symbol subscribed on that connection when the error came (Finnhub names none). */
  symbols: string[];
}

/**
 * Options of {@link finnhubTrades}.
 *
 * @example
 * ```ts
 * import { type FinnhubTradesOptions, finnhubTrades } from '@tickflow/sources/finnhub';
 * const options: FinnhubTradesOptions = {
 *   token: ['key-one', 'key-two'], // one connection per key, 50 symbols each
 *   symbols: ['AAPL', 'MSFT', 'BINANCE:BTCUSDT'],
 *   staleTimeoutMs: 30_000,
 *   retry: { maxDelayMs: 10_000 },
 *   onInvalid: (bad) => console.warn('malformed frame:', bad.reason),
 * };
 * const trades$ = finnhubTrades(options);
 * ```
 */
export interface FinnhubTradesOptions {
  /** API key, or several (one connection each). Defaults to `FINNHUB_API_KEY` (comma-separated for several). */
  token?: string | readonly string[];
  /** Symbols to subscribe, e.g. `['AAPL', 'BINANCE:BTCUSDT']`. More can be added at run time. */
  symbols?: readonly string[];
  /** Endpoint; the token goes in its `token` query parameter. Default `wss://ws.finnhub.io`. */
  url?: string;
  /** Reconnect when nothing at all (not even a ping) arrives for this long. Default 90 000 ms. */
  staleTimeoutMs?: number;
  /** Reconnect policy. Default: forever, 1 s doubling to 30 s, 50 % jitter. */
  retry?: Partial<RetryPolicy>;
  /** Alias of `retry`. */
  backoff?: Partial<RetryPolicy>;
  /** Random source for jitter (inject `seededRandom(n)` for exact tests). */
  random?: () => number;
  /** WebSocket class. Default: the `ws` package. */
  WebSocket?: WebSocketConstructor;
  /** Metrics and log events. Default: none. */
  instrumentation?: Instrumentation;
  /** Scheduler for the stale check, the backoff waits and `receivedAt`. Default `asyncScheduler`. */
  scheduler?: SchedulerLike;
  /** Gets each malformed frame or trade element, with the raw frame text as `input`. */
  onInvalid?: (record: InvalidRecord) => void;
  /** Gets each `{"type":"error"}` message from the server. */
  onServerError?: (error: FinnhubServerError) => void;
  /** Symbols one connection may carry. Default 50 (Finnhub free tier). */
  maxSymbolsPerConnection?: number;
}

/**
 * An `Observable<Trade>` whose symbol set can change while it runs, without reconnecting.
 * Subscribers share the connections (one per API key); the last unsubscribe closes them.
 *
 * @example
 * ```ts
 * import { type FinnhubTradeStream, finnhubTrades } from '@tickflow/sources/finnhub';
 * const trades$: FinnhubTradeStream = finnhubTrades({ symbols: ['AAPL'] });
 * const sub = trades$.subscribe((t) => console.log(t.symbol, t.price));
 * trades$.add('BINANCE:BTCUSDT'); // same connection, no reconnect
 * setTimeout(() => sub.unsubscribe(), 60_000); // the last unsubscribe closes the connections
 * ```
 */
export type FinnhubTradeStream = Observable<Trade> & FinnhubSymbolControls;

/**
 * The run-time controls of a {@link FinnhubTradeStream}.
 *
 * @example
 * ```ts
 * import { type FinnhubSymbolControls, finnhubTrades } from '@tickflow/sources/finnhub';
 * const controls: FinnhubSymbolControls = finnhubTrades({ symbols: ['AAPL'] });
 * controls.add('MSFT', 'NVDA');
 * controls.remove('AAPL');
 * console.log(controls.symbols); // ['MSFT', 'NVDA']
 * ```
 */
export interface FinnhubSymbolControls {
  /** Subscribes more symbols (on the least-loaded key). Throws ConfigurationError past the limit. */
  add(...symbols: string[]): void;
  /** Unsubscribes symbols. */
  remove(...symbols: string[]): void;
  /** The current symbol set. */
  readonly symbols: readonly string[];
}

const DEFAULT_RETRY: RetryPolicy = { ...defaultRetryPolicy, maxAttempts: Number.POSITIVE_INFINITY, initialDelayMs: 1000, maxDelayMs: 30_000, jitter: 0.5 };

/**
 * Live trades from Finnhub's WebSocket API as an `Observable<Trade>`.
 *
 * After each (re)connect it sends one `subscribe` per symbol; trade frames become `Trade`s with
 * `source: 'finnhub'`, `receivedAt` and an `id` that is the same for a redelivered frame and
 * different for distinct same-value prints (pipe through `dedupe()` to drop redeliveries; see
 * {@link createFinnhubFrameDecoder}). Drops,
 * stale connections (nothing for `staleTimeoutMs`) and errors reconnect with backoff and jitter;
 * malformed frames go to `onInvalid` and never end the stream. Configuration problems (no token,
 * more symbols than the keys allow) throw a `ConfigurationError` at once.
 *
 * @param options - token(s), symbols and the injectable pieces
 * @returns a shared trade stream with `add`/`remove`
 * @example
 * ```ts
 * import { finnhubTrades } from '@tickflow/sources';
 * const trades$ = finnhubTrades({ token: process.env.FINNHUB_API_KEY, symbols: ['AAPL', 'BINANCE:BTCUSDT'] });
 * const sub = trades$.subscribe((t) => console.log(t.symbol, t.price));
 * trades$.add('MSFT');
 * setTimeout(() => sub.unsubscribe(), 60_000);
 * ```
 */
export function finnhubTrades(options: FinnhubTradesOptions = {}): FinnhubTradeStream {
  const tokens = resolveTokens(options.token);
  const maxPer = options.maxSymbolsPerConnection ?? 50;
  if (!Number.isInteger(maxPer) || maxPer < 1) {
    throw new ConfigurationError(`maxSymbolsPerConnection must be an integer >= 1, got ${String(maxPer)}`, { setting: 'maxSymbolsPerConnection' });
  }
  const staleTimeoutMs = options.staleTimeoutMs ?? 90_000;
  if (!(staleTimeoutMs > 0)) {
    throw new ConfigurationError(`staleTimeoutMs must be > 0, got ${String(staleTimeoutMs)}`, { setting: 'staleTimeoutMs' });
  }
  const base = parseUrl(options.url ?? 'wss://ws.finnhub.io');
  const endpoint = base.origin + base.pathname;
  const urls = tokens.map((t) => {
    const u = new URL(base.href);
    u.searchParams.set('token', t);
    return u.href;
  });
  const retry: RetryPolicy = { ...DEFAULT_RETRY, ...options.backoff, ...options.retry };
  const scheduler = options.scheduler ?? asyncScheduler;
  const inst = options.instrumentation ?? noopInstrumentation;
  const WebSocket = options.WebSocket ?? (WebSocketImpl as unknown as WebSocketConstructor);
  const random = options.random ?? Math.random;
  const onInvalid = options.onInvalid;
  const onServerError = options.onServerError;
  const m = {
    frames: inst.counter('finnhub_frames_total', { help: 'Trade frames received from Finnhub' }),
    trades: inst.counter('finnhub_trades_total', { help: 'Trades emitted by the Finnhub source' }),
    invalid: inst.counter('finnhub_invalid_total', { help: 'Malformed Finnhub frames or trade elements', labelNames: ['kind'] }),
    redelivered: inst.counter('finnhub_redelivered_frames_total', { help: 'Trade frames received again verbatim (same ids; dedupe drops them)' }),
    pings: inst.counter('finnhub_pings_total', { help: 'Pings received from Finnhub' }),
    serverErrors: inst.counter('finnhub_server_errors_total', { help: 'Error messages received from Finnhub' }),
    reconnects: inst.counter('finnhub_reconnects_total', { help: 'Reconnects scheduled after a drop' }),
    stale: inst.counter('finnhub_stale_total', { help: 'Connections dropped for being silent' }),
    open: inst.gauge('finnhub_connections_open', { help: 'Open Finnhub WebSocket connections' }),
  };

  // symbol -> key index; load[i] = symbols on key i
  const assignment = new Map<string, number>();
  const load = tokens.map(() => 0);
  const capacity = tokens.length * maxPer;
  const assign = (symbols: readonly string[]): Array<[string, number]> => {
    const fresh = [...new Set(symbols)].filter((s) => !assignment.has(s));
    for (const s of fresh) {
      if (typeof s !== 'string' || s.length === 0) throw new ConfigurationError(`symbols must be non-empty strings, got ${JSON.stringify(s)}`, { setting: 'symbols' });
    }
    if (assignment.size + fresh.length > capacity) {
      throw new ConfigurationError(
        `${assignment.size + fresh.length} symbols are more than ${tokens.length} Finnhub API key(s) can carry: ${maxPer} symbols per connection, one connection per key (${capacity} in all)`,
        { setting: 'symbols', hint: `subscribe at most ${capacity} symbols, or pass more API keys as token: [...] (one connection per key)` },
      );
    }
    return fresh.map((s) => {
      let best = 0;
      for (let i = 1; i < load.length; i++) if ((load[i] as number) < (load[best] as number)) best = i;
      load[best] = (load[best] as number) + 1;
      assignment.set(s, best);
      return [s, best];
    });
  };
  assign(options.symbols ?? []);

  let session: Session | undefined;

  const cold = new Observable<Trade>((subscriber) => {
    const s = new Session(subscriber);
    session = s;
    s.start();
    return () => {
      if (session === s) session = undefined;
      s.dispose();
    };
  });

  class Session {
    private readonly connections: Array<FinnhubConnection | undefined> = tokens.map(() => undefined);
    private readonly onText: (text: string, conn: FinnhubConnection) => void;
    private readonly connOptions: Omit<FinnhubConnectionOptions, 'index' | 'url'>;

    constructor(subscriber: Subscriber<Trade>) {
      const onFatal = (error: Error) => {
        inst.log('error', 'finnhub_failed', { endpoint, error });
        this.dispose();
        subscriber.error(error);
      };
      const decode = createFinnhubFrameDecoder();
      this.onText = (text, conn) => {
        const frame = decode(text, scheduler.now());
        if (frame.type === 'trade') {
          const trades = frame.trades;
          m.frames.inc();
          if (frame.redelivery === true) m.redelivered.inc();
          m.trades.inc(trades.length);
          for (let i = 0; i < trades.length; i++) subscriber.next(trades[i] as Trade);
          if (frame.rejected !== undefined) {
            for (const r of frame.rejected) invalid(`data[${r.index}].${r.reason}`, text, 'trade', fieldOf(r.index, r.reason));
          }
        } else if (frame.type === 'ping') {
          m.pings.inc();
        } else if (frame.type === 'error') {
          m.serverErrors.inc();
          const report: FinnhubServerError = { message: frame.message, key: this.keyOf(conn), symbols: [...conn.symbols] };
          inst.log('error', 'finnhub_server_error', { endpoint, ...report, count: report.symbols.length, limit: maxPer });
          if (onServerError) guard(() => onServerError(report), 'onServerError');
        } else {
          invalid(frame.reason, text, 'frame', undefined);
        }
      };
      this.connOptions = {
        endpoint,
        WebSocket,
        scheduler,
        retry,
        random,
        staleTimeoutMs,
        instrumentation: inst,
        metrics: { reconnects: m.reconnects, stale: m.stale, open: m.open },
        onText: (text, conn) => this.onText(text, conn),
        onFatal,
      };
    }

    keyOf(conn: FinnhubConnection): number {
      return this.connections.indexOf(conn);
    }

    start(): void {
      for (const [symbol, key] of assignment) this.connection(key).symbols.add(symbol);
      for (const c of this.connections) c?.start();
    }

    add(symbol: string, key: number): void {
      const existing = this.connections[key];
      if (existing) existing.add(symbol);
      else {
        const c = this.connection(key);
        c.symbols.add(symbol);
        c.start();
      }
    }

    remove(symbol: string, key: number): void {
      this.connections[key]?.remove(symbol);
    }

    dispose(): void {
      for (const c of this.connections) c?.dispose();
    }

    private connection(key: number): FinnhubConnection {
      let c = this.connections[key];
      if (!c) {
        c = new FinnhubConnection({ ...this.connOptions, index: key, url: urls[key] as string });
        this.connections[key] = c;
      }
      return c;
    }
  }

  function invalid(reason: string, input: string, kind: 'frame' | 'trade', field: string | undefined): void {
    m.invalid.inc(1, { kind });
    if (inst.enabled) inst.log('warn', 'finnhub_invalid', { endpoint, reason, input: input.length > 500 ? input.slice(0, 500) + '...' : input });
    if (onInvalid) {
      const record: InvalidRecord = field === undefined ? { reason, input } : { reason, input, field };
      guard(() => onInvalid(record), 'onInvalid');
    }
  }

  function guard(fn: () => void, hook: string): void {
    try {
      fn();
    } catch (error) {
      inst.log('error', 'finnhub_hook_failed', { hook, error });
    }
  }

  const shared = cold.pipe(share());
  const stream = new Observable<Trade>((subscriber) => shared.subscribe(subscriber)) as FinnhubTradeStream;
  Object.defineProperties(stream, {
    add: {
      value: (...symbols: string[]) => {
        for (const [symbol, key] of assign(symbols)) session?.add(symbol, key);
      },
    },
    remove: {
      value: (...symbols: string[]) => {
        for (const symbol of symbols) {
          const key = assignment.get(symbol);
          if (key === undefined) continue;
          assignment.delete(symbol);
          load[key] = (load[key] as number) - 1;
          session?.remove(symbol, key);
        }
      },
    },
    symbols: { get: () => [...assignment.keys()], enumerable: true },
  });
  return stream;
}

function fieldOf(index: number, reason: string): string {
  const f = reason.slice(0, reason.indexOf(':'));
  return f === 'trade' ? `data[${index}]` : `data[${index}].${f}`;
}

function resolveTokens(token: string | readonly string[] | undefined): string[] {
  const raw = token ?? process.env.FINNHUB_API_KEY;
  const list = (typeof raw === 'string' ? raw.split(',') : (raw ?? [])).map((t) => (typeof t === 'string' ? t.trim() : '')).filter((t) => t.length > 0);
  if (list.length === 0) {
    throw new ConfigurationError('Finnhub API token is missing', {
      setting: 'token',
      hint: 'pass options.token (a string, or an array for several keys) or set the FINNHUB_API_KEY environment variable',
    });
  }
  if (new Set(list).size !== list.length) {
    throw new ConfigurationError('the same Finnhub API key is listed twice', {
      setting: 'token',
      hint: 'Finnhub allows one connection per key; list each key once',
    });
  }
  return list;
}

function parseUrl(url: string): URL {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new ConfigurationError(`url is not a valid URL: ${JSON.stringify(url)}`, { setting: 'url' });
  }
  if (u.protocol !== 'ws:' && u.protocol !== 'wss:') {
    throw new ConfigurationError(`url must start with ws:// or wss://, got ${u.protocol}//`, { setting: 'url' });
  }
  return u;
}
