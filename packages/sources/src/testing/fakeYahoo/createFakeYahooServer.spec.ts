import { afterEach, describe, expect, it } from 'vitest';
import { createFakeYahooServer, type FakeYahooServer } from './createFakeYahooServer.js';

let server: FakeYahooServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const cookieOf = (res: Response) =>
  res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');

async function session(s: FakeYahooServer): Promise<{ cookie: string; crumb: string }> {
  const page = await fetch(`${s.url}/quote/AAPL`, { redirect: 'manual' });
  expect(page.status).toBe(200);
  const cookie = cookieOf(page);
  expect(cookie).toMatch(/^A3=d=/);
  const res = await fetch(`${s.url}/v1/test/getcrumb`, { headers: { cookie } });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
  return { cookie, crumb: await res.text() };
}

const quote = (s: FakeYahooServer, symbols: string[], c: { cookie: string; crumb: string }) =>
  fetch(`${s.url}/v7/finance/quote?symbols=${encodeURIComponent(symbols.join(','))}&crumb=${encodeURIComponent(c.crumb)}`, {
    headers: { cookie: c.cookie },
  });

describe('createFakeYahooServer', () => {
  it('serves quotes in the recorded shape for any symbol list and leaves unknown symbols out', async () => {
    server = await createFakeYahooServer({ universe: ['AAPL', 'MSFT', 'ZZZZ'], now: () => 1_739_566_800_000 });
    const c = await session(server);
    const res = await quote(server, ['aapl', 'NOPE', 'MSFT'], c);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { quoteResponse: { result: Array<Record<string, unknown>>; error: unknown } };
    expect(body.quoteResponse.error).toBeNull();
    expect(body.quoteResponse.result.map((q) => q.symbol)).toEqual(['AAPL', 'MSFT']);
    const q = body.quoteResponse.result[0] as Record<string, unknown>;
    expect(q.regularMarketTime).toBe(1_739_566_800);
    expect(typeof q.regularMarketPrice).toBe('number');
    expect(q.quoteType).toBe('EQUITY');
    expect(q.earningsTimestampStart).toBeGreaterThan(1_739_566_800);
  });

  it("by default knows Yahoo's spellings (BRK-B, VOD.L, EURUSD=X) but not the US class-share form BRK.B", async () => {
    server = await createFakeYahooServer();
    const c = await session(server);
    const res = await quote(server, ['BRK.B', 'BRK-B', 'VOD.L', 'EURUSD=X', 'BF.B'], c);
    const body = (await res.json()) as { quoteResponse: { result: Array<Record<string, unknown>> } };
    expect(body.quoteResponse.result.map((q) => q.symbol)).toEqual(['BRK-B', 'VOD.L', 'EURUSD=X']);
  });

  it('requires the cookie for the crumb and the crumb for quotes (401 Invalid Crumb after invalidation)', async () => {
    server = await createFakeYahooServer();
    const noCookie = await fetch(`${server.url}/v1/test/getcrumb`);
    expect(noCookie.status).toBe(401);
    const c = await session(server);
    expect((await quote(server, ['AAPL'], c)).status).toBe(200);
    server.invalidateCrumbs();
    const bad = await quote(server, ['AAPL'], c);
    expect(bad.status).toBe(401);
    expect(await bad.json()).toEqual({ finance: { result: null, error: { code: 'Unauthorized', description: 'Invalid Crumb' } } });
    const fresh = await fetch(`${server.url}/v1/test/getcrumb`, { headers: { cookie: c.cookie } });
    const crumb = await fresh.text();
    expect(crumb).not.toBe(c.crumb);
    expect((await quote(server, ['AAPL'], { cookie: c.cookie, crumb })).status).toBe(200);
  });

  it('refuses more than 99 symbols with a 400 quoteResponse error', async () => {
    server = await createFakeYahooServer();
    const c = await session(server);
    const res = await quote(
      server,
      Array.from({ length: 100 }, (_, i) => `S${i}`),
      c,
    );
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      quoteResponse: { result: null, error: { code: 'Bad Request', description: 'Too many symbols: 100 requested, at most 99 per request' } },
    });
    expect(server.stats.tooManySymbols).toBe(1);
  });

  it('rate limits with a token bucket: 429 text/plain "Too Many Requests" with Retry-After', async () => {
    server = await createFakeYahooServer({ rateLimit: { requestsPerSecond: 1, burst: 2, retryAfter: true } });
    const c = await session(server);
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await quote(server, ['AAPL'], c);
      statuses.push(res.status);
      if (res.status === 429) {
        expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
        expect(res.headers.get('retry-after')).toBe('1');
        expect(await res.text()).toBe('Too Many Requests');
      } else await res.arrayBuffer();
    }
    expect(statuses).toEqual([200, 200, 429, 429]);
    expect(server.stats.rateLimited).toBe(2);
  });

  it('injects faults on the chosen endpoint and 5xx at a rate', async () => {
    server = await createFakeYahooServer({ errorRate: 1 });
    server.failNext(1, { endpoint: 'crumb', status: 429 });
    const page = await fetch(`${server.url}/quote/AAPL`);
    const cookie = cookieOf(page);
    const limited = await fetch(`${server.url}/v1/test/getcrumb`, { headers: { cookie } });
    expect(limited.status).toBe(429);
    expect(await limited.text()).toBe('Too Many Requests');
    const crumb = await (await fetch(`${server.url}/v1/test/getcrumb`, { headers: { cookie } })).text();
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await quote(server, ['AAPL'], { cookie, crumb })).status);
    expect(statuses).toEqual([500, 502, 503]);
    server.failNext(1, { reset: true });
    await expect(quote(server, ['AAPL'], { cookie, crumb })).rejects.toThrow();
  });

  it('walks the EU consent flow (307 → guce consent → form → POST → copyConsent → quote page) before setting the cookie', async () => {
    server = await createFakeYahooServer({ consent: true });
    const jar = new Map<string, string>();
    const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    const keep = (res: Response) => {
      for (const c of res.headers.getSetCookie()) {
        const [pair = ''] = c.split(';');
        const i = pair.indexOf('=');
        jar.set(pair.slice(0, i), pair.slice(i + 1));
      }
    };
    const first = await fetch(`${server.url}/quote/AAPL`, { redirect: 'manual' });
    expect(first.status).toBe(307);
    keep(first);
    expect([...jar.keys()]).toEqual(['GUCS']);
    const consent = await fetch(first.headers.get('location') as string, { redirect: 'manual', headers: { cookie: cookie() } });
    expect(consent.status).toBe(302);
    const formUrl = consent.headers.get('location') as string;
    expect(formUrl).toMatch(/\/v2\/collectConsent\?sessionId=3_cc-session_/);
    const form = await (await fetch(formUrl, { headers: { cookie: cookie() } })).text();
    const inputs = [...form.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [m[1], m[2]]);
    expect(inputs.map(([n]) => n)).toEqual(['csrfToken', 'sessionId', 'originalDoneUrl', 'namespace']);
    const body = new URLSearchParams(inputs as [string, string][]);
    body.append('agree', 'agree');
    const submit = await fetch(formUrl, { method: 'POST', body, redirect: 'manual', headers: { cookie: cookie(), 'content-type': 'application/x-www-form-urlencoded' } });
    expect(submit.status).toBe(302);
    keep(submit);
    const copy = await fetch(submit.headers.get('location') as string, { redirect: 'manual', headers: { cookie: cookie() } });
    expect(copy.status).toBe(302);
    keep(copy);
    expect(jar.has('A3')).toBe(true);
    expect(copy.headers.get('location')).toMatch(/\/quote\/AAPL\?guccounter=1$/);
    const crumb = await fetch(`${server.url}/v1/test/getcrumb`, { headers: { cookie: cookie() } });
    expect(crumb.status).toBe(200);
    expect(server.stats.consentRequests).toBe(4);
  });

  it("charges session requests too with scope 'all', and can change the limit at run time", async () => {
    server = await createFakeYahooServer({ rateLimit: { requestsPerSecond: 1, burst: 1, scope: 'all' } });
    const page = await fetch(`${server.url}/quote/AAPL`);
    expect(page.status).toBe(200);
    const cookie = cookieOf(page);
    const crumb = await fetch(`${server.url}/v1/test/getcrumb`, { headers: { cookie } });
    expect(crumb.status).toBe(429);
    expect(await crumb.text()).toBe('Too Many Requests');
    server.setRateLimit(undefined);
    expect((await fetch(`${server.url}/v1/test/getcrumb`, { headers: { cookie } })).status).toBe(200);
    expect(server.stats.rateLimited).toBe(1);
    server.resetStats();
    expect(server.stats.rateLimited).toBe(0);
    expect(server.stats.crumbRequests).toBe(0);
  });

  it('answers unknown paths with a 404 finance error', async () => {
    server = await createFakeYahooServer();
    const res = await fetch(`${server.url}/v8/finance/nothing`);
    expect(res.status).toBe(404);
    expect(((await res.json()) as { finance: { error: { code: string } } }).finance.error.code).toBe('Not Found');
  });
});
