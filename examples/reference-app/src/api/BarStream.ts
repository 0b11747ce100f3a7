import type { ServerResponse } from 'node:http';
import type { ApiAnomaly } from './ApiAnomaly.js';
import type { ApiBar } from './BarReader.js';
import type { BarFeed } from './BarFeed.js';
import type { StreamQuery } from './BarsQuerySchema.js';

/** One message of `GET /api/stream` (SSE `event: bar`). */
export interface BarEvent {
  /** The bar (its latest version). */
  bar: ApiBar;
  /** 0 for the first version of this window seen by the server, then 1, 2, … */
  revision: number;
  /** True when this replaces an earlier version of the same window (same symbol, interval, start): replace, don't append. */
  restatement: boolean;
  /** True once the window is closed (its final bar). */
  final: boolean;
}

/** Freshness of one symbol, for the health panel. */
export interface SymbolFreshness {
  symbol: string;
  /** Wall-clock ms of the last bar update, or null if none since start. */
  lastUpdate: number | null;
  /** Event time (window start) of the newest bar seen. */
  lastBarStart: number | null;
}

const MAX_WINDOWS_PER_SERIES = 500;
const MAX_BUFFERED_BYTES = 1 << 20;

/**
 * The live side of the API: subscribes once to a {@link BarFeed}, numbers the versions of each
 * window (so restatements are marked), remembers when each symbol last updated, and fans bars out
 * to Server-Sent-Events clients filtered by symbol/interval. A client that stops reading (more
 * than 1 MiB buffered) is disconnected rather than buffered without bound; EventSource reconnects.
 *
 * @example
 * ```ts
 * const stream = new BarStream(store, { heartbeatMs: 15_000 });
 * // in a route: stream.attach(res, { symbol: 'AAPL', interval: '5m' });
 * stream.close();
 * ```
 */
export class BarStream {
  readonly #clients = new Set<{ res: ServerResponse; q: StreamQuery }>();
  readonly #revisions = new Map<string, Map<number, number>>();
  readonly #fresh = new Map<string, { lastUpdate: number; lastBarStart: number }>();
  readonly #unsubscribe: () => void;
  readonly #heartbeat: NodeJS.Timeout;
  readonly #now: () => number;

  /**
   * @param feed - where bars come from
   * @param options - `heartbeatMs` between SSE comments keeping proxies from closing idle streams, `now` clock
   */
  constructor(feed: BarFeed, options: { heartbeatMs?: number; now?: () => number } = {}) {
    this.#now = options.now ?? Date.now;
    this.#unsubscribe = feed.subscribe((bar) => this.#publish(bar));
    this.#heartbeat = setInterval(() => {
      for (const c of this.#clients) this.#write(c.res, ': heartbeat\n\n');
    }, options.heartbeatMs ?? 15_000);
    this.#heartbeat.unref();
  }

  /** Number of connected stream clients. */
  get clients(): number {
    return this.#clients.size;
  }

  /**
   * Starts an SSE response and sends it matching bars until the client goes away.
   * @param res - the response (headers not sent yet)
   * @param q - symbol/interval filter
   */
  attach(res: ServerResponse, q: StreamQuery): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.write('retry: 2000\n: connected\n\n');
    const client = { res, q };
    this.#clients.add(client);
    res.on('close', () => this.#clients.delete(client));
  }

  /**
   * Freshness of each symbol seen, plus `also` (e.g. configured symbols not seen yet).
   * @param also - symbols to include even without updates
   * @returns one entry per symbol, sorted
   */
  freshness(also: readonly string[] = []): SymbolFreshness[] {
    const names = new Set([...this.#fresh.keys(), ...also]);
    return [...names].sort().map((symbol) => {
      const f = this.#fresh.get(symbol);
      return { symbol, lastUpdate: f?.lastUpdate ?? null, lastBarStart: f?.lastBarStart ?? null };
    });
  }

  /**
   * Sends an anomaly (SSE `event: anomaly`, data: the {@link ApiAnomaly}) to the clients whose
   * symbol/interval filter matches it.
   * @param anomaly - an anomaly of a bar just stored
   */
  publishAnomaly(anomaly: ApiAnomaly): void {
    if (this.#clients.size === 0) return;
    this.#send('anomaly', anomaly.symbol, anomaly.interval, anomaly);
  }

  /** Unsubscribes from the feed and ends every stream. */
  close(): void {
    this.#unsubscribe();
    clearInterval(this.#heartbeat);
    for (const c of this.#clients) c.res.end();
    this.#clients.clear();
  }

  #publish(bar: ApiBar): void {
    const key = `${bar.symbol}|${bar.interval}`;
    let windows = this.#revisions.get(key);
    if (windows === undefined) this.#revisions.set(key, (windows = new Map()));
    const prev = windows.get(bar.start);
    const revision = prev === undefined ? 0 : prev + 1;
    windows.delete(bar.start);
    windows.set(bar.start, revision);
    if (windows.size > MAX_WINDOWS_PER_SERIES) windows.delete(windows.keys().next().value as number);
    const f = this.#fresh.get(bar.symbol);
    this.#fresh.set(bar.symbol, { lastUpdate: this.#now(), lastBarStart: Math.max(bar.start, f?.lastBarStart ?? bar.start) });
    if (this.#clients.size === 0) return;
    const event: BarEvent = { bar, revision, restatement: revision > 0, final: bar.final !== false };
    this.#send('bar', bar.symbol, bar.interval, event);
  }

  #send(name: string, symbol: string, interval: string, data: unknown): void {
    const text = `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;
    for (const c of this.#clients) {
      if (c.q.symbol !== undefined && c.q.symbol !== symbol) continue;
      if (c.q.interval !== undefined && c.q.interval !== interval) continue;
      this.#write(c.res, text);
    }
  }

  #write(res: ServerResponse, text: string): void {
    if (res.writableLength > MAX_BUFFERED_BYTES) {
      res.destroy();
      return;
    }
    res.write(text);
  }
}
