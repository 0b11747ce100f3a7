import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { toYahooSymbol } from '../../yahoo/toYahooSymbol.js';
import { buildFakeQuote } from './buildFakeQuote.js';
import { consentPage } from './consentPage.js';
import { tokenBucket } from './tokenBucket.js';

/**
 * Which endpoint a fault or rate limit applies to.
 *
 * @example
 * ```ts
 * import type { FakeYahooEndpoint } from '@tickflow/sources/testing';
 * const endpoint: FakeYahooEndpoint = 'crumb';
 * ```
 */
export type FakeYahooEndpoint = 'quote' | 'crumb' | 'cookie';

/**
 * A fault queued with {@link FakeYahooServer.failNext}.
 *
 * @example
 * ```ts
 * import type { FakeYahooFault } from '@tickflow/sources/testing';
 * const crumb429: FakeYahooFault = { endpoint: 'crumb', status: 429, retryAfterSeconds: 1 };
 * ```
 */
export interface FakeYahooFault {
  /** Endpoint to fail (default `'quote'`). */
  endpoint?: FakeYahooEndpoint;
  /** HTTP status to answer (default 503). Ignored when `reset` is true. */
  status?: number;
  /** Body to send (default: the status text as plain text). */
  body?: string;
  /** Content type of `body` (default `text/plain;charset=utf-8`). */
  contentType?: string;
  /** `Retry-After` header value in seconds, if any. */
  retryAfterSeconds?: number;
  /** Destroy the socket instead of answering (a network error for the client). */
  reset?: boolean;
}

/**
 * Options of {@link createFakeYahooServer}.
 *
 * @example
 * ```ts
 * import type { FakeYahooServerOptions } from '@tickflow/sources/testing';
 * const options: FakeYahooServerOptions = { universe: ['AAPL'], rateLimit: { requestsPerSecond: 8 }, latencyMs: [100, 300], consent: true };
 * ```
 */
export interface FakeYahooServerOptions {
  /** Port to listen on (default 0: a free one). */
  port?: number;
  /** Interface to bind (default `127.0.0.1`). */
  host?: string;
  /**
   * The symbols Yahoo "knows": an iterable of symbols or a predicate. Unknown symbols are left out
   * of answers, as Yahoo does. Default: every symbol made of `A-Z 0-9 . - = ^` that is in Yahoo's
   * spelling (`BRK-B`; not the US class-share form `BRK.B`, see `toYahooSymbol`).
   */
  universe?: Iterable<string> | ((symbol: string) => boolean);
  /** Per-symbol fields merged over the generated entry (e.g. a recorded entry, or earnings dates). */
  quotes?: Record<string, Record<string, unknown>>;
  /** Most symbols one quote request may carry (default 99); more get a 400 (see the testing guide). */
  maxSymbols?: number;
  /** Token-bucket rate limit; over it the server answers 429 `Too Many Requests` (text/plain). */
  rateLimit?: {
    /** Refill rate, requests per second. */
    requestsPerSecond: number;
    /** Bucket size (default: `requestsPerSecond`, i.e. one second of burst, at least 1). */
    burst?: number;
    /** Send `Retry-After` (whole seconds until a token is free) with each 429 (default false). */
    retryAfter?: boolean;
    /** Which requests spend tokens: `'quotes'` (default) or `'all'` (cookie, consent and crumb too). */
    scope?: 'quotes' | 'all';
  };
  /** Probability (0..1) that a quote request fails with a 5xx (500/502/503 in turn). Default 0. */
  errorRate?: number;
  /** Response delay in ms: a fixed value or a `[min, max]` uniform range. Default 0. */
  latencyMs?: number | readonly [number, number];
  /** EU mode: the quote page redirects through the guce consent flow before it sets a cookie. */
  consent?: boolean;
  /**
   * `Domain` attribute for the session cookies, e.g. `.yahoo.com` for a client that believes it talks
   * to yahoo.com (a URL-rewriting fetch); also adds `Secure`. Default: none (host-only cookies).
   */
  cookieDomain?: string;
  /** Random source for latency, crumbs and injected errors (default `Math.random`). */
  random?: () => number;
  /** Clock for `regularMarketTime` (default `Date.now`). */
  now?: () => number;
}

/**
 * Counters kept by the fake server.
 *
 * @example
 * ```ts
 * import type { FakeYahooStats } from '@tickflow/sources/testing';
 * const wasted = (s: FakeYahooStats) => s.quoteRequests - s.quoteOk;
 * ```
 */
export interface FakeYahooStats {
  /** Quote requests received (all outcomes). */
  quoteRequests: number;
  /** Quote requests answered 200. */
  quoteOk: number;
  /** Requests answered 429. */
  rateLimited: number;
  /** Requests answered 5xx or reset (injected). */
  serverErrors: number;
  /** Requests answered 401 (bad cookie or crumb). */
  unauthorized: number;
  /** Quote requests refused for carrying more than `maxSymbols`. */
  tooManySymbols: number;
  /** Cookie-page requests (`/quote/…`). */
  cookieRequests: number;
  /** Crumb requests (`/v1/test/getcrumb`). */
  crumbRequests: number;
  /** Consent-flow requests (`/consent`, `/v2/collectConsent`, `/copyConsent`). */
  consentRequests: number;
  /** Crumbs handed out. */
  crumbsIssued: number;
  /** Symbols asked for in quote requests that were answered 200. */
  symbolsRequested: number;
  /** Entries returned in 200 answers. */
  symbolsReturned: number;
  /** Most requests in flight at once. */
  maxConcurrent: number;
}

/**
 * A running fake Yahoo Finance server.
 *
 * @example
 * ```ts
 * import { createFakeYahooServer, type FakeYahooServer } from '@tickflow/sources/testing';
 * const server: FakeYahooServer = await createFakeYahooServer();
 * server.failNext(2, { status: 503 });
 * await server.close();
 * ```
 */
export interface FakeYahooServer {
  /** Base URL (`http://127.0.0.1:PORT`), to pass as `baseUrl`. */
  readonly url: string;
  /** The port listened on. */
  readonly port: number;
  /** Live counters. */
  readonly stats: FakeYahooStats;
  /** Rotates every session's crumb: requests with the old crumb get 401 "Invalid Crumb". */
  invalidateCrumbs(): void;
  /** Fails the next `count` requests to an endpoint with the given fault (default 503 on quotes). */
  failNext(count: number, fault?: FakeYahooFault): void;
  /**
   * Merges fields into one symbol's generated entry (adds the symbol to the universe); with
   * `replace`, the entry is exactly `fields` (e.g. a recorded one). Fields set to `undefined` are left out.
   */
  setQuote(symbol: string, fields: Record<string, unknown>, replace?: boolean): void;
  /** Changes the rate limit (or removes it with `undefined`); the bucket starts full. */
  setRateLimit(rateLimit: FakeYahooServerOptions['rateLimit']): void;
  /** Sets every counter back to 0. */
  resetStats(): void;
  /** Stops listening and drops open connections. */
  close(): Promise<void>;
}

const DEFAULT_KNOWN = /^[A-Z0-9^][A-Z0-9.=^-]{0,19}$/;
const CRUMB_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789./';
const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};
const SERVER_ERRORS = [500, 502, 503] as const;

const parseCookies = (header: string | undefined): Map<string, string> => {
  const m = new Map<string, string>();
  for (const part of (header ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0) m.set(part.slice(0, i).trim(), part.slice(i + 1).trim());
  }
  return m;
};

const financeError = (code: string, description: string) => JSON.stringify({ finance: { result: null, error: { code, description } } });
const quoteError = (code: string, description: string) => JSON.stringify({ quoteResponse: { result: null, error: { code, description } } });

/**
 * Starts a fake Yahoo Finance HTTP server on 127.0.0.1 for tests and benchmarks. It speaks the
 * parts of Yahoo that `yahooQuotes` uses, in the recorded shapes: the quote page sets a session
 * cookie (optionally after the EU guce consent redirects), `/v1/test/getcrumb` returns the crumb as
 * text/plain when the cookie is sent, and `/v7/finance/quote?symbols=…&crumb=…` answers
 * `{"quoteResponse":{"result":[…],"error":null}}` for any symbol list, leaving unknown symbols out.
 * Faults are what Yahoo does: more than `maxSymbols` symbols → 400, a token bucket → 429
 * `Too Many Requests` (plain text, optional `Retry-After`), injected 5xx and socket resets,
 * latency, and 401 `Invalid Crumb` after {@link FakeYahooServer.invalidateCrumbs}.
 *
 * @param options - universe, rate limit, faults, latency, consent mode
 * @returns the running server (await it); call `close()` when done
 * @example
 * ```ts
 * import { createFakeYahooServer } from '@tickflow/sources/testing';
 * const server = await createFakeYahooServer({ rateLimit: { requestsPerSecond: 8 }, latencyMs: [100, 300] });
 * const res = await fetch(`${server.url}/quote/AAPL`); // sets the session cookie
 * await server.close();
 * ```
 */
export async function createFakeYahooServer(options: FakeYahooServerOptions = {}): Promise<FakeYahooServer> {
  const random = options.random ?? Math.random;
  const now = options.now ?? Date.now;
  const maxSymbols = options.maxSymbols ?? 99;
  const errorRate = options.errorRate ?? 0;
  const overrides = new Map<string, Record<string, unknown>>();
  const replaced = new Set<string>();
  for (const [s, f] of Object.entries(options.quotes ?? {})) overrides.set(s.toUpperCase(), f);
  let known: (symbol: string) => boolean;
  if (typeof options.universe === 'function') known = options.universe;
  else if (options.universe) {
    const set = new Set([...options.universe].map((s) => s.toUpperCase()));
    known = (s) => set.has(s);
  // like Yahoo: `BRK-B` is known, the US class-share spelling `BRK.B` is not
  } else known = (s) => DEFAULT_KNOWN.test(s) && toYahooSymbol(s) === s;

  let limit = options.rateLimit;
  let bucket = limit ? tokenBucket(limit.requestsPerSecond, Math.max(1, limit.burst ?? limit.requestsPerSecond), performance.now()) : undefined;
  const faults: Array<{ remaining: number; fault: FakeYahooFault }> = [];
  /** A3 cookie value → current crumb. */
  const sessions = new Map<string, string>();
  /** Consent sessions: id → state. */
  const consents = new Map<string, { csrf: string; done: string; agreed: boolean }>();
  /** GUCS cookie value → consent session id. */
  const consentOfCookie = new Map<string, string>();
  const stats: FakeYahooStats = {
    quoteRequests: 0,
    quoteOk: 0,
    rateLimited: 0,
    serverErrors: 0,
    unauthorized: 0,
    tooManySymbols: 0,
    cookieRequests: 0,
    crumbRequests: 0,
    consentRequests: 0,
    crumbsIssued: 0,
    symbolsRequested: 0,
    symbolsReturned: 0,
    maxConcurrent: 0,
  };
  let inFlight = 0;
  let errorTurn = 0;

  const token = (n: number, chars = CRUMB_CHARS) => {
    let s = '';
    for (let i = 0; i < n; i++) s += chars[Math.floor(random() * chars.length)];
    return s;
  };
  const newCrumb = () => {
    stats.crumbsIssued++;
    return token(11);
  };
  const cookieAttrs = (maxAge: number) =>
    `Max-Age=${maxAge}; Path=/${options.cookieDomain ? `; Domain=${options.cookieDomain}; Secure` : ''}; SameSite=None; HttpOnly`;
  const newSession = (): string => {
    const a3 = `d=AQABB${token(40, CRUMB_CHARS.slice(0, 62))}&S=AQAAA${token(20, CRUMB_CHARS.slice(0, 62))}`;
    sessions.set(a3, newCrumb());
    return a3;
  };
  const latency = (): number => {
    const l = options.latencyMs;
    if (l === undefined) return 0;
    if (typeof l === 'number') return l;
    return l[0] + random() * (l[1] - l[0]);
  };

  const send = (res: ServerResponse, status: number, body: string, headers: Record<string, string | string[]> = {}) => {
    res.writeHead(status, { 'content-type': 'text/plain;charset=utf-8', 'content-length': Buffer.byteLength(body), ...headers });
    res.end(body);
  };
  const json = (res: ServerResponse, status: number, body: string, headers: Record<string, string | string[]> = {}) =>
    send(res, status, body, { 'content-type': 'application/json;charset=utf-8', ...headers });

  const endpointOf = (path: string): FakeYahooEndpoint | 'consent' | 'other' => {
    if (path === '/v7/finance/quote') return 'quote';
    if (path === '/v1/test/getcrumb') return 'crumb';
    if (path.startsWith('/quote/')) return 'cookie';
    if (path === '/consent' || path === '/v2/collectConsent' || path === '/copyConsent') return 'consent';
    return 'other';
  };

  const readBody = (req: IncomingMessage) =>
    new Promise<string>((resolve) => {
      let b = '';
      req.setEncoding('utf8');
      req.on('data', (c: string) => {
        b += c;
      });
      req.on('end', () => resolve(b));
      req.on('error', () => resolve(b));
    });

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const origin = `http://${req.headers.host ?? '127.0.0.1'}`;
    const url = new URL(req.url ?? '/', origin);
    const endpoint = endpointOf(url.pathname);
    const body = req.method === 'POST' ? await readBody(req) : '';
    if (endpoint === 'quote') stats.quoteRequests++;
    else if (endpoint === 'crumb') stats.crumbRequests++;
    else if (endpoint === 'cookie') stats.cookieRequests++;
    else if (endpoint === 'consent') stats.consentRequests++;

    // Decisions are taken on arrival (as a server would), the answer goes out after the latency.
    const fi = faults.findIndex((f) => (f.fault.endpoint ?? 'quote') === endpoint);
    const fault = fi >= 0 ? faults[fi] : undefined;
    if (fault && --fault.remaining <= 0) faults.splice(fi, 1);
    const limited =
      !fault && bucket && limit && (endpoint === 'quote' || (limit.scope === 'all' && endpoint !== 'other')) ? bucket.take(performance.now()) : undefined;
    const injected5xx = !fault && (!limited || limited.ok) && endpoint === 'quote' && errorRate > 0 && random() < errorRate;
    const wait = latency();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));

    if (fault) {
      const f = fault.fault;
      if (f.reset) {
        stats.serverErrors++;
        req.socket.destroy();
        return;
      }
      const status = f.status ?? 503;
      if (status === 429) stats.rateLimited++;
      else if (status >= 500) stats.serverErrors++;
      else if (status === 401) stats.unauthorized++;
      const headers: Record<string, string> = { 'content-type': f.contentType ?? 'text/plain;charset=utf-8' };
      if (f.retryAfterSeconds !== undefined) headers['retry-after'] = String(f.retryAfterSeconds);
      return send(res, status, f.body ?? STATUS_TEXT[status] ?? `HTTP ${status}`, headers);
    }
    if (limited && !limited.ok) {
      stats.rateLimited++;
      const headers: Record<string, string> = {};
      if (limit?.retryAfter) headers['retry-after'] = String(Math.max(1, Math.ceil(limited.waitMs / 1000)));
      return send(res, 429, 'Too Many Requests', headers);
    }
    if (injected5xx) {
      stats.serverErrors++;
      const status = SERVER_ERRORS[errorTurn++ % SERVER_ERRORS.length] as number;
      return send(res, status, STATUS_TEXT[status] as string);
    }

    const cookies = parseCookies(req.headers.cookie);
    const a3 = cookies.get('A3');
    const crumbOfSession = a3 !== undefined ? sessions.get(a3) : undefined;

    switch (endpoint) {
      case 'cookie': {
        if (crumbOfSession !== undefined) {
          if (url.searchParams.has('guccounter')) {
            return send(res, 301, '', { location: `${origin}${url.pathname.replace(/\/?$/, '/')}`, 'content-type': 'text/html' });
          }
          return send(res, 200, `<!DOCTYPE html><html><head><title>${url.pathname.slice(7)}</title></head><body></body></html>`, {
            'content-type': 'text/html; charset=utf-8',
          });
        }
        if (options.consent) {
          const csrf = token(7, CRUMB_CHARS.slice(0, 62));
          const id = `3_cc-session_${randomUUID()}`;
          const done = `${origin}${url.pathname}`;
          consents.set(id, { csrf, done, agreed: false });
          const gucs = token(8, CRUMB_CHARS.slice(0, 62));
          consentOfCookie.set(gucs, id);
          return send(res, 307, '', {
            location: `${origin}/consent?brandType=nonEu&gcrumb=${csrf}&done=${encodeURIComponent(done)}`,
            'set-cookie': [`GUCS=${gucs}; ${cookieAttrs(1800)}`],
            'content-type': 'text/html; charset=utf-8',
          });
        }
        const a3New = newSession();
        return send(res, 200, `<!DOCTYPE html><html><head><title>${url.pathname.slice(7)}</title></head><body></body></html>`, {
          'content-type': 'text/html; charset=utf-8',
          'set-cookie': [`A3=${a3New}; ${cookieAttrs(31_536_000)}`],
        });
      }
      case 'consent': {
        const id = consentOfCookie.get(cookies.get('GUCS') ?? '') ?? '';
        const session = consents.get(id);
        if (!session) return send(res, 400, 'consent session expired: start again at /quote/AAPL', { 'content-type': 'text/html' });
        if (url.pathname === '/consent') {
          return send(res, 302, '', { location: `${origin}/v2/collectConsent?sessionId=${id}` });
        }
        if (url.pathname === '/v2/collectConsent' && req.method !== 'POST') {
          return send(res, 200, consentPage(session.csrf, id, `${session.done}?guccounter=1`), { 'content-type': 'text/html;charset=UTF-8' });
        }
        if (url.pathname === '/v2/collectConsent') {
          const form = new URLSearchParams(body);
          if (form.get('csrfToken') !== session.csrf || form.get('agree') !== 'agree') {
            return send(res, 302, '', { location: `${origin}/v2/collectConsent?sessionId=${id}` });
          }
          session.agreed = true;
          return send(res, 302, '', {
            location: `${origin}/copyConsent?sessionId=${id}&lang=en-GB`,
            'set-cookie': [`CFC=AQAB${token(16, CRUMB_CHARS.slice(0, 62))}; ${cookieAttrs(31_536_000)}`],
          });
        }
        if (!session.agreed) return send(res, 302, '', { location: `${origin}/v2/collectConsent?sessionId=${id}` });
        const a3New = newSession();
        return send(res, 302, '', {
          location: `${session.done}?guccounter=1`,
          'set-cookie': [
            `GUC=AQAB${token(16, CRUMB_CHARS.slice(0, 62))}; ${cookieAttrs(31_536_000)}`,
            `A3=${a3New}; ${cookieAttrs(31_536_000)}`,
            `A1=${a3New}; ${cookieAttrs(31_536_000)}`,
            `A1S=${a3New}; ${cookieAttrs(31_536_000)}`,
            `EuConsent=CQM66kAQM66kAAOACBENBcFoAP_gAEPg; ${cookieAttrs(86_400)}`,
          ],
        });
      }
      case 'crumb': {
        if (crumbOfSession === undefined) {
          stats.unauthorized++;
          return json(res, 401, financeError('Unauthorized', 'Invalid Cookie'));
        }
        return send(res, 200, crumbOfSession, { 'cache-control': 'private, max-age=60, stale-while-revalidate=30' });
      }
      case 'quote': {
        if (crumbOfSession === undefined) {
          stats.unauthorized++;
          return json(res, 401, financeError('Unauthorized', 'Invalid Cookie'));
        }
        if (url.searchParams.get('crumb') !== crumbOfSession) {
          stats.unauthorized++;
          return json(res, 401, financeError('Unauthorized', 'Invalid Crumb'));
        }
        const raw = url.searchParams.get('symbols');
        if (!raw) return json(res, 400, quoteError('Bad Request', 'Missing required query parameter=symbols'));
        const symbols = [...new Set(raw.split(',').map((s) => s.trim().toUpperCase()).filter(Boolean))];
        if (symbols.length > maxSymbols) {
          stats.tooManySymbols++;
          return json(res, 400, quoteError('Bad Request', `Too many symbols: ${symbols.length} requested, at most ${maxSymbols} per request`));
        }
        const t = now();
        const result: Record<string, unknown>[] = [];
        for (const s of symbols) {
          const o = overrides.get(s);
          if (o && replaced.has(s)) result.push(o);
          else if (o || known(s)) result.push(buildFakeQuote(s, t, o));
        }
        stats.quoteOk++;
        stats.symbolsRequested += symbols.length;
        stats.symbolsReturned += result.length;
        return json(res, 200, JSON.stringify({ quoteResponse: { result, error: null } }), {
          'cache-control': 'public, max-age=1, stale-while-revalidate=9',
        });
      }
      default:
        return json(res, 404, financeError('Not Found', `HTTP 404 Not Found: ${url.pathname}`));
    }
  };

  const server = createServer((req, res) => {
    inFlight++;
    stats.maxConcurrent = Math.max(stats.maxConcurrent, inFlight);
    res.on('close', () => {
      inFlight--;
    });
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) send(res, 500, `fake Yahoo server error: ${String(error)}`);
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const host = options.host ?? '127.0.0.1';

  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    stats,
    invalidateCrumbs() {
      for (const k of sessions.keys()) sessions.set(k, newCrumb());
    },
    failNext(count, fault = {}) {
      if (count > 0) faults.push({ remaining: count, fault });
    },
    setQuote(symbol, fields, replace = false) {
      const s = symbol.toUpperCase();
      if (replace) replaced.add(s);
      else replaced.delete(s);
      overrides.set(s, replace ? { ...fields } : { ...overrides.get(s), ...fields });
    },
    setRateLimit(rateLimit) {
      limit = rateLimit;
      bucket = limit ? tokenBucket(limit.requestsPerSecond, Math.max(1, limit.burst ?? limit.requestsPerSecond), performance.now()) : undefined;
    },
    resetStats() {
      for (const k of Object.keys(stats) as Array<keyof FakeYahooStats>) stats[k] = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
