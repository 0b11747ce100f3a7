import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import type { Trade } from '@tickflow/core';
import { type WebSocket, WebSocketServer } from 'ws';
import { replay } from '../../replay/replay.js';
import type { ReplayFormat } from '../../replay/lineParsers.js';
import { garbageFrames } from './garbageFrames.js';

/**
 * A trade as Finnhub sends it inside `data`.
 *
 * @example
 * ```ts
 * import { type FakeFinnhubTrade, createFakeFinnhubServer } from '@tickflow/sources/testing';
 * const server = await createFakeFinnhubServer();
 * const trade: FakeFinnhubTrade = { s: 'AAPL', p: 190.1, t: Date.now(), v: 5, c: ['1', '12'] };
 * await server.publish([trade]);
 * ```
 */
export interface FakeFinnhubTrade {
  s: string;
  p: number;
  t: number;
  v: number;
  c?: string[] | null;
}

/**
 * One trade frame the fake server wrote to a socket (the sent log).
 *
 * @example
 * ```ts
 * import { type FakeFinnhubSentFrame, createFakeFinnhubServer } from '@tickflow/sources/testing';
 * const server = await createFakeFinnhubServer();
 * await server.publish([{ s: 'AAPL', p: 190.1, t: Date.now(), v: 5 }], { copies: 3 });
 * const redelivered: FakeFinnhubSentFrame[] = server.sent.filter((f) => f.copies > 1);
 * for (const f of redelivered) console.log(`#${f.seq} to connection ${f.connection}: ${f.trades.length} trades x${f.copies}`);
 * ```
 */
export interface FakeFinnhubSentFrame {
  /** Sequence number over all frames sent by this server. */
  seq: number;
  /** Connection it went to (see {@link FakeFinnhubConnectionInfo.id}). */
  connection: number;
  /** The trades in the frame, in order. */
  trades: FakeFinnhubTrade[];
  /** How many times the same text was written (2+ = duplicated frame). */
  copies: number;
  /** The exact text written. */
  text: string;
}

/**
 * What the fake server knows about one client connection.
 *
 * @example
 * ```ts
 * import { finnhubTrades } from '@tickflow/sources';
 * import { type FakeFinnhubConnectionInfo, createFakeFinnhubServer } from '@tickflow/sources/testing';
 * const server = await createFakeFinnhubServer();
 * const sub = finnhubTrades({ token: 'test', url: server.url, symbols: ['AAPL'] }).subscribe();
 * const conn: FakeFinnhubConnectionInfo = await server.waitForSubscription(['AAPL']);
 * console.log(conn.id, conn.token, conn.symbols, conn.received); // 0 'test' ['AAPL'] ['{"type":"subscribe","symbol":"AAPL"}']
 * sub.unsubscribe();
 * await server.close();
 * ```
 */
export interface FakeFinnhubConnectionInfo {
  id: number;
  token: string;
  /** Currently subscribed symbols. */
  symbols: string[];
  /** Every text message the client sent, in order. */
  received: string[];
  open: boolean;
  silent: boolean;
}

/**
 * Options of {@link createFakeFinnhubServer}.
 *
 * @example
 * ```ts
 * import { type FakeFinnhubServerOptions, createFakeFinnhubServer } from '@tickflow/sources/testing';
 * const options: FakeFinnhubServerOptions = {
 *   tokens: ['test'], // any other token gets HTTP 401
 *   maxSymbolsPerConnection: 5,
 *   pingIntervalMs: 1000,
 *   oneConnectionPerToken: true,
 * };
 * const server = await createFakeFinnhubServer(options);
 * ```
 */
export interface FakeFinnhubServerOptions {
  /** Port; 0 (default) picks a free one. */
  port?: number;
  /** Interface; default `127.0.0.1`. */
  host?: string;
  /** Accepted API keys. Default: any non-empty token. Others get HTTP 401 on the upgrade. */
  tokens?: readonly string[];
  /** Subscriptions allowed per connection before `Subscribing to too many symbols`. Default 50. */
  maxSymbolsPerConnection?: number;
  /** `{"type":"ping"}` interval; 0 turns pings off. Default 60 000 ms (as observed on Finnhub). */
  pingIntervalMs?: number;
  /** When true, a second connection with a key that already has one closes both (as users report). Default false. */
  oneConnectionPerToken?: boolean;
  /** Delay before each trade frame (slow delivery). Default 0. */
  frameDelayMs?: number;
}

/**
 * Options of {@link FakeFinnhubServer.publish}.
 *
 * @example
 * ```ts
 * import { type FakeFinnhubPublishOptions, createFakeFinnhubServer } from '@tickflow/sources/testing';
 * const server = await createFakeFinnhubServer();
 * // Two trades per frame, every frame written twice (a redelivery), 5 ms apart.
 * const options: FakeFinnhubPublishOptions = { frameSize: 2, copies: 2, delayMs: 5 };
 * const now = Date.now();
 * await server.publish(
 *   [
 *     { s: 'AAPL', p: 190.1, t: now, v: 5 },
 *     { s: 'AAPL', p: 190.2, t: now + 1, v: 3 },
 *   ],
 *   options,
 * );
 * ```
 */
export interface FakeFinnhubPublishOptions {
  /** Trades per frame. Default 100. */
  frameSize?: number;
  /** Write each frame this many times (Finnhub reportedly redelivers up to 3). Default 1. */
  copies?: number;
  /** Wait this long before each frame (slow delivery). Default: the server's `frameDelayMs`. */
  delayMs?: number;
}

/**
 * Options of {@link FakeFinnhubServer.replayFile}.
 *
 * @example
 * ```ts
 * import { type FakeFinnhubReplayOptions, createFakeFinnhubServer } from '@tickflow/sources/testing';
 * const server = await createFakeFinnhubServer();
 * const options: FakeFinnhubReplayOptions = { format: 'csv', symbol: 'AAPL', limit: 1000, speed: 10, frameSize: 50 };
 * const written = await server.replayFile('recordings/aapl-trades.csv', options);
 * console.log(written, 'trades sent');
 * ```
 */
export interface FakeFinnhubReplayOptions extends FakeFinnhubPublishOptions {
  /** Recording format (default: detected). */
  format?: ReplayFormat;
  /** Symbol override for every trade. */
  symbol?: string;
  /** Send at most this many trades. */
  limit?: number;
  /** Pace: 1 = original, N = N× faster. Default: everything at once. */
  speed?: number;
}

/**
 * A running fake Finnhub server.
 *
 * @example
 * ```ts
 * import { finnhubTrades } from '@tickflow/sources';
 * import { type FakeFinnhubServer, createFakeFinnhubServer } from '@tickflow/sources/testing';
 * const server: FakeFinnhubServer = await createFakeFinnhubServer({ pingIntervalMs: 0 });
 * const sub = finnhubTrades({ token: 'test', url: server.url, symbols: ['AAPL'] }).subscribe();
 * await server.waitForSubscription(['AAPL']);
 * await server.burst('AAPL', 1000);
 * server.sendGarbage(10); // malformed frames go to onInvalid
 * server.dropAll(); // the client reconnects with backoff
 * sub.unsubscribe();
 * await server.close();
 * ```
 */
export interface FakeFinnhubServer {
  /** `ws://127.0.0.1:PORT` (add `?token=…`, or pass it as finnhubTrades' `url`). */
  readonly url: string;
  readonly port: number;
  /** Every trade frame written so far. */
  readonly sent: readonly FakeFinnhubSentFrame[];
  /** Sends trades to every open, non-silent connection subscribed to their symbols, in frames. Resolves with the number of trades written (copies counted once). */
  publish(trades: Iterable<FakeFinnhubTrade>, options?: FakeFinnhubPublishOptions): Promise<number>;
  /** Sends `count` trades of one symbol as fast as possible. */
  burst(symbol: string, count: number, options?: FakeFinnhubPublishOptions & { startTs?: number; price?: number }): Promise<number>;
  /**
   * Replays a recording (any `replay` format) as trade frames. Without `speed` everything is sent
   * at once in frames of `frameSize`; with `speed` (1 = original pace, N = N× faster) trades are sent
   * as their time comes, the ones due together in one frame. Resolves with the number of trades written.
   */
  replayFile(path: string, options?: FakeFinnhubReplayOptions): Promise<number>;
  /** Writes raw text to every open connection. */
  sendRaw(text: string): void;
  /** Writes `count` malformed frames (cycling through a fixed catalogue) to every open connection. */
  sendGarbage(count?: number): void;
  /** Sends `{"type":"error","msg":…}` to every open connection. */
  sendError(message: string): void;
  /** Destroys every open connection at once, without a close handshake (abrupt drop). */
  dropAll(): void;
  /** Current connections stop sending anything (trades, pings) while their sockets stay open. */
  silence(): void;
  /** Sets the delay before each trade frame (slow delivery). */
  setFrameDelay(ms: number): void;
  /** Every connection seen, oldest first. */
  connections(): FakeFinnhubConnectionInfo[];
  /** The trades written, one entry per trade per connection (duplicated copies listed once). */
  sentTrades(): FakeFinnhubTrade[];
  /** Resolves once some open connection is subscribed to all of `symbols`. */
  waitForSubscription(symbols: readonly string[], timeoutMs?: number): Promise<FakeFinnhubConnectionInfo>;
  /** Stops the server and closes every connection. */
  close(): Promise<void>;
}

interface Conn {
  info: FakeFinnhubConnectionInfo;
  ws: WebSocket;
  subs: Set<string>;
}

/**
 * Starts an in-process fake of Finnhub's trade WebSocket on 127.0.0.1 for tests: a real `ws` server
 * that checks the token (HTTP 401 otherwise), handles `subscribe`/`unsubscribe`, sends trade frames
 * only for subscribed symbols, pings, answers `Subscribing to too many symbols` past the limit, and
 * injects faults on demand (abrupt drops, silence, garbage, duplicated frames, slow delivery,
 * bursts). It keeps a log of every trade frame it wrote, so tests can check exactly-once delivery.
 *
 * @param options - port, accepted tokens, limits, ping interval
 * @returns the running server
 * @example
 * ```ts
 * import { finnhubTrades } from '@tickflow/sources';
 * import { createFakeFinnhubServer } from '@tickflow/sources/testing';
 * const server = await createFakeFinnhubServer({ tokens: ['test'] });
 * const trades$ = finnhubTrades({ token: 'test', url: server.url, symbols: ['AAPL'] });
 * const sub = trades$.subscribe((t) => console.log(t));
 * await server.waitForSubscription(['AAPL']);
 * await server.publish([{ s: 'AAPL', p: 190.1, t: Date.now(), v: 5, c: ['1'] }]);
 * sub.unsubscribe();
 * await server.close();
 * ```
 */
export async function createFakeFinnhubServer(options: FakeFinnhubServerOptions = {}): Promise<FakeFinnhubServer> {
  const host = options.host ?? '127.0.0.1';
  const maxSymbols = options.maxSymbolsPerConnection ?? 50;
  const accepted = options.tokens ? new Set(options.tokens) : undefined;
  let frameDelayMs = options.frameDelayMs ?? 0;
  const conns: Conn[] = [];
  const sent: FakeFinnhubSentFrame[] = [];
  let seq = 0;
  const waiters = new Set<() => void>();
  const notify = () => {
    for (const w of [...waiters]) w();
  };

  const wss = new WebSocketServer({
    host,
    port: options.port ?? 0,
    verifyClient: (info, cb) => {
      const token = new URL(info.req.url ?? '/', 'http://x').searchParams.get('token') ?? '';
      if (token === '' || (accepted !== undefined && !accepted.has(token))) cb(false, 401, 'Unauthorized');
      else cb(true);
    },
  });
  await once(wss, 'listening');
  const port = (wss.address() as AddressInfo).port;

  wss.on('connection', (ws, req) => {
    const token = new URL(req.url ?? '/', 'http://x').searchParams.get('token') ?? '';
    const conn: Conn = { ws, subs: new Set(), info: { id: conns.length, token, symbols: [], received: [], open: true, silent: false } };
    conns.push(conn);
    if (options.oneConnectionPerToken) {
      const others = conns.filter((c) => c !== conn && c.info.open && c.info.token === token);
      if (others.length > 0) {
        for (const c of [...others, conn]) c.ws.close(1008, 'another connection uses this API key');
      }
    }
    ws.on('message', (data, isBinary) => {
      const text = isBinary ? '' : data.toString();
      conn.info.received.push(text);
      let msg: { type?: unknown; symbol?: unknown };
      try {
        msg = JSON.parse(text);
      } catch {
        return; // Finnhub ignores what it cannot read
      }
      if (typeof msg !== 'object' || msg === null || typeof msg.symbol !== 'string') return;
      if (msg.type === 'subscribe') {
        if (conn.subs.has(msg.symbol)) return;
        if (conn.subs.size >= maxSymbols) {
          if (!conn.info.silent) ws.send(JSON.stringify({ msg: 'Subscribing to too many symbols', type: 'error' }));
          return;
        }
        conn.subs.add(msg.symbol);
      } else if (msg.type === 'unsubscribe') {
        conn.subs.delete(msg.symbol);
      }
      conn.info.symbols = [...conn.subs];
      notify();
    });
    ws.on('close', () => {
      conn.info.open = false;
      notify();
    });
    ws.on('error', () => {
      conn.info.open = false;
    });
    notify();
  });

  const pingTimer =
    (options.pingIntervalMs ?? 60_000) > 0
      ? setInterval(() => {
          for (const c of conns) if (c.info.open && !c.info.silent && c.ws.readyState === c.ws.OPEN) c.ws.send('{"type":"ping"}');
        }, options.pingIntervalMs ?? 60_000)
      : undefined;
  pingTimer?.unref();

  const live = () => conns.filter((c) => c.info.open && c.ws.readyState === c.ws.OPEN);
  const write = (ws: WebSocket, text: string) =>
    new Promise<boolean>((resolve) => {
      ws.send(text, (err) => resolve(!err));
    });
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  async function publish(trades: Iterable<FakeFinnhubTrade>, o: FakeFinnhubPublishOptions = {}): Promise<number> {
    const frameSize = Math.max(1, o.frameSize ?? 100);
    const copies = Math.max(1, o.copies ?? 1);
    const delay = o.delayMs ?? frameDelayMs;
    const all = [...trades];
    let written = 0;
    for (const c of live()) {
      if (c.info.silent) continue;
      const mine = all.filter((t) => c.subs.has(t.s));
      for (let i = 0; i < mine.length; i += frameSize) {
        const chunk = mine.slice(i, i + frameSize);
        const text = JSON.stringify({ data: chunk, type: 'trade' });
        if (delay > 0) await sleep(delay);
        if (!c.info.open || c.info.silent || c.ws.readyState !== c.ws.OPEN) break;
        const results = await Promise.all(Array.from({ length: copies }, () => write(c.ws, text)));
        const ok = results.filter(Boolean).length;
        if (ok > 0) {
          sent.push({ seq: seq++, connection: c.info.id, trades: chunk, copies: ok, text });
          written += chunk.length;
        }
      }
    }
    return written;
  }

  function sendRaw(text: string): void {
    for (const c of live()) if (!c.info.silent) c.ws.send(text);
  }

  return {
    url: `ws://${host}:${port}`,
    port,
    sent,
    publish,
    burst(symbol, count, o = {}) {
      const t0 = o.startTs ?? Date.now();
      const p = o.price ?? 100;
      return publish(
        Array.from({ length: count }, (_, i) => ({ s: symbol, p: p + (i % 100) / 100, t: t0 + Math.floor(i / 10), v: 1 + (i % 7), c: ['1'] })),
        o,
      );
    },
    async replayFile(path, o = {}) {
      const limit = o.limit ?? Number.POSITIVE_INFINITY;
      const paced = o.speed !== undefined && Number.isFinite(o.speed);
      const toRaw = (t: Trade): FakeFinnhubTrade => ({ s: t.symbol, p: t.price, t: t.ts, v: t.size, c: t.conditions ?? null });
      const trades: FakeFinnhubTrade[] = [];
      let pending: FakeFinnhubTrade[] = [];
      let chain = Promise.resolve(0);
      let flushing = false;
      const flush = () => {
        flushing = false;
        const batch = pending;
        pending = [];
        if (batch.length > 0) chain = chain.then(async (n) => n + (await publish(batch, o)));
      };
      let count = 0;
      await new Promise<void>((resolve, reject) => {
        const sub = replay({ path, ...(o.format ? { format: o.format } : {}), ...(o.symbol ? { symbol: o.symbol } : {}), ...(paced ? { speed: o.speed } : {}) }).subscribe({
          next: (t: Trade) => {
            count++;
            if (paced) {
              pending.push(toRaw(t));
              if (!flushing) {
                flushing = true;
                setImmediate(flush); // trades due in the same turn share a frame
              }
            } else trades.push(toRaw(t));
            if (count >= limit) {
              sub?.unsubscribe();
              resolve();
            }
          },
          error: reject,
          complete: resolve,
        });
      });
      if (!paced) return publish(trades, o);
      flush();
      return chain;
    },
    sendRaw,
    sendGarbage(count = garbageFrames.length) {
      for (let i = 0; i < count; i++) sendRaw(garbageFrames[i % garbageFrames.length] as string);
    },
    sendError(message) {
      sendRaw(JSON.stringify({ msg: message, type: 'error' }));
    },
    dropAll() {
      for (const c of live()) {
        c.info.open = false;
        c.ws.terminate();
      }
    },
    silence() {
      for (const c of conns) c.info.silent = true;
    },
    setFrameDelay(ms) {
      frameDelayMs = ms;
    },
    connections: () => conns.map((c) => ({ ...c.info, symbols: [...c.info.symbols], received: [...c.info.received] })),
    sentTrades: () => sent.flatMap((f) => f.trades),
    waitForSubscription(symbols, timeoutMs = 5000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const c = conns.find((x) => x.info.open && symbols.every((s) => x.subs.has(s)));
          if (c) {
            waiters.delete(check);
            clearTimeout(timer);
            resolve({ ...c.info, symbols: [...c.info.symbols] });
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no connection subscribed to ${symbols.join(', ')} within ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    async close() {
      if (pingTimer) clearInterval(pingTimer);
      for (const c of conns) if (c.info.open) c.ws.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
