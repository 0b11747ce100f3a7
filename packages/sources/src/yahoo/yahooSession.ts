import { ConnectionError, RateLimitError } from '@tickflow/core';
import { CookieJar } from './cookieJar.js';

/** Endpoints of the Yahoo session. */
export interface YahooEndpoints {
  cookieUrl: string;
  crumbUrl: string;
  quoteUrl: string;
}

/**
 * Endpoints: Yahoo's own hosts, or all three paths on `baseUrl`'s origin when it is given.
 *
 * @internal
 */
export function yahooEndpoints(baseUrl?: string, cookieSymbol = 'AAPL'): YahooEndpoints {
  if (!baseUrl) {
    return {
      cookieUrl: `https://finance.yahoo.com/quote/${encodeURIComponent(cookieSymbol)}`,
      crumbUrl: 'https://query1.finance.yahoo.com/v1/test/getcrumb',
      quoteUrl: 'https://query2.finance.yahoo.com/v7/finance/quote',
    };
  }
  const base = baseUrl.replace(/\/+$/, '');
  return {
    cookieUrl: `${base}/quote/${encodeURIComponent(cookieSymbol)}`,
    crumbUrl: `${base}/v1/test/getcrumb`,
    quoteUrl: `${base}/v7/finance/quote`,
  };
}

/** A crumb is a short token; a 429 body ("Too Many Requests"), HTML or JSON never matches. */
const CRUMB_RE = /^[A-Za-z0-9./_~-]{4,64}$/;
const MAX_HOPS = 12;

/** Parses `Retry-After` (delta seconds or an HTTP date) into ms. */
export function retryAfterMs(headers: Headers, nowMs: number): number | undefined {
  const v = headers.get('retry-after');
  if (!v) return undefined;
  const s = Number(v);
  if (Number.isFinite(s)) return Math.max(0, s * 1000);
  const t = Date.parse(v);
  return Number.isFinite(t) ? Math.max(0, t - nowMs) : undefined;
}

/** The consent form's hidden inputs plus `agree=agree`, or undefined when the page has no such form. */
function consentForm(html: string): string | undefined {
  if (!/<form[^>]*consent-form|name="csrfToken"/i.test(html)) return undefined;
  const params = new URLSearchParams();
  for (const m of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
    const value = (m[2] as string)
      .replace(/&#x([0-9a-f]{1,4});/gi, (_, h: string) => String.fromCharCode(Number.parseInt(h, 16)))
      .replace(/&quot;/g, '"')
      .replace(/&lt;/g, '<')
      .replace(/&amp;/g, '&');
    params.append(m[1] as string, value);
  }
  params.append('agree', 'agree');
  params.append('agree', 'agree');
  return params.toString();
}

/** Options of {@link createYahooSession}. */
export interface YahooSessionOptions {
  fetch: typeof globalThis.fetch;
  endpoints: YahooEndpoints;
  headers: Record<string, string>;
  now: () => number;
  /** Called for each HTTP request the session makes (for counting). */
  onRequest?: (kind: 'cookie' | 'consent' | 'crumb') => void;
}

/**
 * The cookie + crumb session, as Yahoo does it: GET the quote page (following redirects by hand
 * and submitting the EU consent form when it appears) to collect the session cookie, then GET
 * `/v1/test/getcrumb` with it for the crumb (text/plain). One refresh runs at a time; callers
 * that saw a 401/403 invalidate the crumb they used.
 *
 * @internal
 */
export function createYahooSession(options: YahooSessionOptions) {
  const jar = new CookieJar();
  const { endpoints, headers } = options;
  let current: Promise<string> | undefined;
  let currentCrumb: string | undefined;

  const establish = async (signal: AbortSignal): Promise<string> => {
    jar.clear();
    let url = endpoints.cookieUrl;
    let method = 'GET';
    let body: string | undefined;
    for (let hop = 0; hop < MAX_HOPS; hop++) {
      options.onRequest?.(hop === 0 ? 'cookie' : 'consent');
      const res = await options.fetch(url, {
        method,
        redirect: 'manual',
        signal,
        headers: {
          ...headers,
          accept: 'text/html,application/xhtml+xml,application/xml',
          ...(jar.size ? { cookie: jar.header() } : {}),
          ...(body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
        },
        ...(body ? { body } : {}),
      });
      jar.store(res.headers);
      const location = res.headers.get('location');
      if (res.status >= 300 && res.status < 400 && location) {
        await res.body?.cancel();
        url = new URL(location, url).href;
        method = 'GET';
        body = undefined;
        continue;
      }
      if (res.status === 429) {
        await res.body?.cancel();
        throw new RateLimitError(`Yahoo answered 429 to the cookie page ${url}`, { retryAfterMs: retryAfterMs(res.headers, options.now()) });
      }
      if (res.status >= 500) {
        await res.body?.cancel();
        throw new ConnectionError(`Yahoo's cookie page ${url} answered ${res.status}`, { endpoint: url, code: 'YAHOO_COOKIE' });
      }
      const text = await res.text();
      const form = res.ok && method === 'GET' ? consentForm(text) : undefined;
      if (form) {
        method = 'POST';
        body = form;
        continue;
      }
      break;
    }
    if (jar.size === 0) {
      throw new ConnectionError(`Yahoo's quote page ${endpoints.cookieUrl} set no cookie`, {
        endpoint: endpoints.cookieUrl,
        code: 'YAHOO_COOKIE',
        hint: 'Yahoo may have changed its consent flow, or a proxy strips Set-Cookie; check baseUrl',
      });
    }
    options.onRequest?.('crumb');
    const res = await options.fetch(endpoints.crumbUrl, {
      signal,
      headers: { ...headers, accept: '*/*', cookie: jar.header() },
    });
    const text = (await res.text()).trim();
    if (res.status === 429) {
      throw new RateLimitError('Yahoo answered 429 to the crumb request (its body is not a crumb)', {
        retryAfterMs: retryAfterMs(res.headers, options.now()),
      });
    }
    if (!res.ok) {
      throw new ConnectionError(`Yahoo's crumb endpoint answered ${res.status}: ${text.slice(0, 120)}`, {
        endpoint: endpoints.crumbUrl,
        code: 'YAHOO_CRUMB',
        retriable: res.status >= 500 || res.status === 401 || res.status === 403,
      });
    }
    const type = res.headers.get('content-type') ?? '';
    if (!/^text\/plain/i.test(type) || !CRUMB_RE.test(text)) {
      throw new ConnectionError(`Yahoo's crumb endpoint answered something that is not a crumb (${type || 'no content type'}: ${JSON.stringify(text.slice(0, 40))})`, {
        endpoint: endpoints.crumbUrl,
        code: 'YAHOO_CRUMB',
        retriable: true,
        hint: 'refusing to use it; the session is fetched again on the next attempt',
      });
    }
    return text;
  };

  return {
    /** The crumb, fetching cookie and crumb first when there is none. */
    crumb(signal: AbortSignal): Promise<string> {
      if (!current) {
        const p = establish(signal).then(
          (c) => {
            currentCrumb = c;
            return c;
          },
          (error: unknown) => {
            if (current === p) current = undefined;
            throw error;
          },
        );
        current = p;
      }
      return current;
    },
    /** Forgets the crumb if it is still `crumb` (so concurrent 401s trigger one refresh). */
    invalidate(crumb: string): boolean {
      if (currentCrumb !== crumb) return false;
      currentCrumb = undefined;
      current = undefined;
      return true;
    },
    /** The `Cookie` header for quote requests. */
    cookieHeader(): string {
      return jar.header();
    },
  };
}

/** The session object returned by {@link createYahooSession}. */
export type YahooSession = ReturnType<typeof createYahooSession>;
