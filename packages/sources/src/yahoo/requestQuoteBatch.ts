import type { SchedulerLike } from 'rxjs';
import { retryAfterMs, type YahooSession } from './yahooSession.js';

/** How one quote request ended. */
export type BatchOutcome =
  | { kind: 'ok'; result: unknown[] }
  | { kind: 'auth'; status: number; detail: string; crumb: string }
  | { kind: 'rate_limited'; retryAfterMs: number | undefined; detail: string }
  | { kind: 'server'; status: number; detail: string }
  | { kind: 'network'; detail: string }
  | { kind: 'session'; detail: string; rateLimited: boolean; retryAfterMs: number | undefined; retriable: boolean }
  | { kind: 'bad_request'; status: number; detail: string }
  | { kind: 'bad_response'; detail: string };

/** Inputs of {@link requestQuoteBatch}. */
export interface BatchRequestContext {
  fetch: typeof globalThis.fetch;
  quoteUrl: string;
  headers: Record<string, string>;
  session: YahooSession;
  scheduler: SchedulerLike;
  timeoutMs: number;
  signal: AbortSignal;
}

const errorDescription = (body: unknown): string | undefined => {
  if (typeof body !== 'object' || body === null) return undefined;
  for (const v of Object.values(body)) {
    const err = (v as { error?: { code?: unknown; description?: unknown } } | null)?.error;
    if (err && typeof err === 'object') return `${String(err.code ?? '')}: ${String(err.description ?? '')}`;
  }
  return undefined;
};

/**
 * Sends one `v7/finance/quote` request for `symbols` (getting the crumb first if needed) and
 * classifies the answer. Never throws.
 *
 * @internal
 */
export async function requestQuoteBatch(ctx: BatchRequestContext, symbols: readonly string[]): Promise<BatchOutcome> {
  let crumb: string;
  try {
    crumb = await ctx.session.crumb(ctx.signal);
  } catch (error) {
    const e = error as { message?: string; code?: string; retryAfterMs?: number; retriable?: boolean };
    const rateLimited = e.code === 'RATE_LIMIT';
    return {
      kind: 'session',
      detail: e.message ?? String(error),
      rateLimited,
      retryAfterMs: e.retryAfterMs,
      retriable: rateLimited || e.retriable !== false,
    };
  }
  const url = `${ctx.quoteUrl}?symbols=${encodeURIComponent(symbols.join(','))}&crumb=${encodeURIComponent(crumb)}`;
  const ac = new AbortController();
  const onAbort = () => ac.abort(ctx.signal.reason);
  ctx.signal.addEventListener('abort', onAbort, { once: true });
  const timeout = ctx.scheduler.schedule(() => ac.abort(new Error(`timed out after ${ctx.timeoutMs} ms`)), ctx.timeoutMs);
  try {
    const res = await ctx.fetch(url, {
      signal: ac.signal,
      headers: { ...ctx.headers, accept: 'application/json', cookie: ctx.session.cookieHeader() },
    });
    const text = await res.text();
    if (res.status === 429) {
      return { kind: 'rate_limited', retryAfterMs: retryAfterMs(res.headers, ctx.scheduler.now()), detail: text.slice(0, 80) };
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    const described = errorDescription(body);
    if (res.status === 401 || res.status === 403 || /invalid (crumb|cookie)/i.test(described ?? '')) {
      return { kind: 'auth', status: res.status, detail: described ?? text.slice(0, 120), crumb };
    }
    if (res.status >= 500) return { kind: 'server', status: res.status, detail: described ?? text.slice(0, 120) };
    if (!res.ok) return { kind: 'bad_request', status: res.status, detail: described ?? text.slice(0, 120) };
    const result = (body as { quoteResponse?: { result?: unknown } } | undefined)?.quoteResponse?.result;
    if (!Array.isArray(result)) {
      const what = body === undefined ? `not JSON (${(res.headers.get('content-type') ?? '?').split(';')[0]})` : (described ?? 'no quoteResponse.result array');
      return { kind: 'bad_response', detail: `quote answer is ${what}` };
    }
    return { kind: 'ok', result };
  } catch (error) {
    const e = error as { message?: string; cause?: { code?: string; message?: string } };
    return { kind: 'network', detail: [e.message, e.cause?.code ?? e.cause?.message].filter(Boolean).join(': ') || String(error) };
  } finally {
    timeout.unsubscribe();
    ctx.signal.removeEventListener('abort', onAbort);
  }
}
