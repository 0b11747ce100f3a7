import type { IncomingMessage, ServerResponse } from 'node:http';
import { describeZodError } from '@tickflow/core';
import type { JWTVerifyGetKey } from 'jose';
import type { z } from 'zod';
import type { OpsServer } from '../ops/startOpsServer.js';
import { anomaliesOf } from './anomaliesOf.js';
import { barAnomalies } from './barAnomalies.js';
import type { ApiConfig } from './ApiConfigSchema.js';
import type { BarAnomalyOptions } from './BarAnomalyOptions.js';
import type { BarFeed } from './BarFeed.js';
import type { BarReader } from './BarReader.js';
import { type BarEvent, BarStream } from './BarStream.js';
import type { ApiAnomaly } from './ApiAnomaly.js';
import { BarsQuerySchema, StreamQuerySchema } from './BarsQuerySchema.js';
import { type AuthMode, createAuthenticator } from './createAuthenticator.js';
import { findAnomalies } from './findAnomalies.js';
import type { PipelineHealth } from './PipelineHealth.js';
import { RateLimiter } from './RateLimiter.js';
import { serveWeb } from './serveWeb.js';

/** Options of {@link mountApi}. */
export interface MountApiOptions {
  /** The `api` config section (auth and rate limits). */
  api: ApiConfig;
  /** Where bars and symbols are read. */
  reader: BarReader;
  /** Live bars for `/api/stream`; without it the stream answers 503. */
  feed?: BarFeed;
  /**
   * How `/api/anomalies` and the stream's `anomaly` events score bars: the `anomaly` operator's
   * window, threshold, warm-up and kinds (default: the operator's defaults, a 100-bar window, |z| ≥ 5).
   */
  anomalies?: BarAnomalyOptions;
  /** Pipeline counters for `/api/health`. */
  health?: () => PipelineHealth;
  /** A symbol with no bar update for this long is stale (default 60 s). */
  staleAfterMs?: number;
  /** Build folder of the page (default examples/reference-app/dist/web); `false` serves no page. */
  webRoot?: string | false;
  /** Wall clock (ms). */
  now?: () => number;
  /** Logger (refused requests are logged at debug without their token). */
  log?: (level: 'debug' | 'info' | 'warn' | 'error', event: string, fields?: Record<string, unknown>) => void;
  /** Replaces the JWKS key fetcher (tests). */
  getKey?: JWTVerifyGetKey;
}

/** What {@link mountApi} returns. */
export interface MountedApi {
  /** How requests are authenticated. */
  readonly mode: AuthMode;
  /** The live stream hub (undefined without a feed). */
  readonly stream: BarStream | undefined;
  /** Lines for the terminal: the dashboard URL and how to authenticate. */
  readonly banner: string[];
  /** Ends the streams and unsubscribes from the feed. */
  close(): void;
}

const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers });
  res.end(JSON.stringify(body));
};

function parseQuery<S extends z.ZodType>(schema: S, url: URL, keys: readonly string[]): { ok: true; value: z.infer<S> } | { ok: false; message: string } {
  const raw: Record<string, string> = {};
  for (const k of keys) {
    const v = url.searchParams.get(k);
    if (v !== null && v !== '') raw[k] = v;
  }
  const r = schema.safeParse(raw);
  if (r.success) return { ok: true, value: r.data };
  const { reason, field } = describeZodError(r.error);
  return { ok: false, message: `bad parameter ${reason.startsWith(`${field}:`) ? reason : `${field}: ${reason}`}` };
}

/**
 * Adds the query API and the dashboard to the app's HTTP (ops) server:
 *
 * - `GET /api/bars?symbol=AAPL&interval=5m|1h&from=&to=&limit=`: bars, oldest first;
 * - `GET /api/symbols`: the symbols with data;
 * - `GET /api/anomalies?symbol=AAPL&interval=5m|1h&from=&to=&limit=`: the anomalies among the bars
 *   `/api/bars` returns for the same query ({@link findAnomalies}: the SDK's `anomaly` operator run
 *   over the bars, warmed up with the bars before them);
 * - `GET /api/stream?symbol=&interval=`: Server-Sent Events, `event: bar` with a {@link BarEvent}
 *   (restatements marked), and `event: anomaly` with an {@link ApiAnomaly} when a new final bar is one;
 * - `GET /api/health`: pipeline counters and per-symbol freshness (stale symbols flagged);
 * - `GET /`: the dashboard page.
 *
 * Every `/api/*` request is authenticated ({@link createAuthenticator}: 401 without a valid token
 * when auth is configured), rate limited per client (token bucket; 429 with `Retry-After`), and its
 * parameters validated with zod (400 naming the parameter).
 *
 * @param ops - the running ops server
 * @param options - config, reader, live feed, health
 * @returns the mounted API
 * @example
 * ```ts
 * const api = mountApi(ops, { api: config.api, reader: storeBarReader(store), feed: store, health: demoHealth(stats) });
 * for (const line of api.banner) out(line);
 * ```
 */
export function mountApi(ops: OpsServer, options: MountApiOptions): MountedApi {
  const now = options.now ?? Date.now;
  const auth = createAuthenticator(options.api, options.getKey ? { getKey: options.getKey } : {});
  const limiter = new RateLimiter({ ratePerSecond: options.api.ratePerSecond, burst: options.api.burst, now });
  const stream = options.feed ? new BarStream(options.feed, { now }) : undefined;
  const staleAfterMs = options.staleAfterMs ?? 60_000;
  const log = options.log ?? (() => {});
  const anomalyOptions = options.anomalies ?? {};
  barAnomalies([], anomalyOptions); // bad settings fail here (ConfigurationError), not on every request
  // Live anomalies: each final bar is scored after the bars before it, read back from the reader
  // (only while someone listens). Failures are logged; the bar itself has already been streamed.
  const unsubscribeAnomalies = options.feed?.subscribe((bar) => {
    if (bar.final === false || !stream || stream.clients === 0) return;
    anomaliesOf(options.reader, bar, anomalyOptions).then(
      (found) => {
        for (const a of found) stream.publishAnomaly(a);
      },
      (error: unknown) => log('warn', 'anomaly_scoring_failed', { symbol: bar.symbol, interval: bar.interval, start: bar.start, error: String(error) }),
    );
  });

  const guarded =
    (handler: (req: IncomingMessage, res: ServerResponse, url: URL) => void | Promise<void>) =>
    async (req: IncomingMessage, res: ServerResponse, url: URL) => {
      const who = await auth.check(req, url);
      if (!who.ok) {
        log('debug', 'api_refused', { path: url.pathname, ip: req.socket.remoteAddress, reason: who.message });
        json(res, 401, { error: who.message }, { 'www-authenticate': 'Bearer realm="tickflow"' });
        return;
      }
      const rate = limiter.take(who.client);
      if (!rate.allowed) {
        json(res, 429, { error: `rate limit exceeded (${options.api.ratePerSecond}/s, burst ${options.api.burst}); retry in ${rate.retryAfterSeconds} s` }, { 'retry-after': String(rate.retryAfterSeconds) });
        return;
      }
      await handler(req, res, url);
    };

  ops.route(
    '/api/bars',
    guarded(async (_req, res, url) => {
      const q = parseQuery(BarsQuerySchema, url, ['symbol', 'interval', 'from', 'to', 'limit']);
      if (!q.ok) return json(res, 400, { error: q.message });
      const bars = await options.reader.bars(q.value);
      json(res, 200, { symbol: q.value.symbol, interval: q.value.interval, bars });
    }),
  );
  ops.route(
    '/api/anomalies',
    guarded(async (_req, res, url) => {
      const q = parseQuery(BarsQuerySchema, url, ['symbol', 'interval', 'from', 'to', 'limit']);
      if (!q.ok) return json(res, 400, { error: q.message });
      const found = await findAnomalies(options.reader, q.value, anomalyOptions);
      // threshold and window as scored (the operator's defaults unless configured), so a client can say what "unusual" means
      json(res, 200, { symbol: q.value.symbol, interval: q.value.interval, threshold: anomalyOptions.threshold ?? 5, window: anomalyOptions.window ?? 100, ...found });
    }),
  );
  ops.route(
    '/api/symbols',
    guarded(async (_req, res) => json(res, 200, { symbols: await options.reader.symbols() })),
  );
  ops.route(
    '/api/stream',
    guarded((_req, res, url) => {
      const q = parseQuery(StreamQuerySchema, url, ['symbol', 'interval']);
      if (!q.ok) return json(res, 400, { error: q.message });
      if (!stream) return json(res, 503, { error: 'no live feed in this mode; poll /api/bars instead' });
      stream.attach(res, q.value);
    }),
  );
  ops.route(
    '/api/health',
    guarded(async (_req, res) => {
      const t = now();
      const known = await options.reader.symbols();
      const symbols = (stream?.freshness(known) ?? known.map((symbol) => ({ symbol, lastUpdate: null, lastBarStart: null }))).map((s) => ({
        ...s,
        ageMs: s.lastUpdate === null ? null : t - s.lastUpdate,
        stale: s.lastUpdate === null || t - s.lastUpdate > staleAfterMs,
      }));
      json(res, 200, { now: t, staleAfterMs, pipeline: options.health?.() ?? null, streams: stream?.clients ?? 0, symbols });
    }),
  );
  if (options.webRoot !== false) serveWeb(ops, options.webRoot);

  const banner = [`dashboard on ${ops.url}/ · API ${ops.url}/api/bars?symbol=…&interval=5m`];
  if (auth.mode === 'loopback') banner.push('API auth: none configured, so only 127.0.0.1 may read it (set TICKFLOW_API_TOKEN to allow others)');
  else if (auth.mode === 'token') banner.push(`API auth: static token; open ${ops.url}/#token=<TICKFLOW_API_TOKEN> or send Authorization: Bearer <token>`);
  else banner.push('API auth: JWT bearer tokens (Authorization: Bearer <jwt>; the page takes #token=<jwt>)');
  return {
    mode: auth.mode,
    stream,
    banner,
    close: () => {
      unsubscribeAnomalies?.();
      stream?.close();
    },
  };
}
