import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ConfigurationError, type InvalidRecord, memoryInstrumentation, seededRandom } from '@tickflow/core';
import { asyncScheduler, type SchedulerLike } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { createFakeYahooServer, type FakeYahooServer } from '../testing/fakeYahoo/createFakeYahooServer.js';
import { runYahooCycles } from './runYahooCycles.test-helper.js';
import { type YahooCycleSummary, type YahooQuotesOptions, yahooQuotes } from './yahooQuotes.js';

const fixtures = fileURLToPath(new URL('../../test/fixtures/yahoo/', import.meta.url));
const SYMBOLS = readFileSync(`${fixtures}symbols-5000.txt`, 'utf8').split('\n').filter(Boolean);
/**
 * The universe of these tests: the plain symbols. The dotted and `$` ones (class shares like BRK.B,
 * units, warrants, rights, preferreds) are missing here; yahooQuotes.symbols.spec.ts covers the
 * class shares Yahoo knows as BRK-B.
 */
const KNOWN = SYMBOLS.filter((s) => !/[.$]/.test(s));
const UNKNOWN = SYMBOLS.filter((s) => /[.$]/.test(s));

/** For tests not about rate limiting: no pacing to speak of. */
const FAST = { initialRate: 1000, maxRate: 1000 };

let server: FakeYahooServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const run = runYahooCycles;

describe('yahooQuotes against the fake Yahoo server', () => {
  it('quotes 5,000 real symbols in one cycle through 429s and 5xx: every known symbol quoted, unknown ones missing', async () => {
    server = await createFakeYahooServer({
      universe: KNOWN,
      rateLimit: { requestsPerSecond: 25, burst: 5 },
      errorRate: 0.04,
      latencyMs: [1, 8],
      random: seededRandom(7),
    });
    // The bucket limits when this machine is fast enough to exceed it; these faults happen regardless.
    server.failNext(3, { status: 429 });
    server.failNext(2, { status: 502 });
    const inst = memoryInstrumentation();
    const missing: string[][] = [];
    const { quotes, summaries } = await run(
      {
        symbols: SYMBOLS,
        baseUrl: server.url,
        instrumentation: inst,
        rateLimit: { initialRate: 40 },
        retry: { initialDelayMs: 5 },
        random: seededRandom(1),
        onMissing: (s) => missing.push(s),
      },
      1,
    );
    const s = summaries[0] as YahooCycleSummary;
    expect(s.batches).toBe(51);
    expect(new Set(quotes.map((q) => q.symbol))).toEqual(new Set(KNOWN));
    expect(quotes.length).toBe(KNOWN.length);
    expect(s.quotes).toBe(KNOWN.length);
    expect(new Set(s.missing)).toEqual(new Set(UNKNOWN));
    expect(missing).toEqual([s.missing]);
    expect(s.failed).toEqual([]);
    // Faults really happened and were absorbed.
    expect(server.stats.rateLimited).toBeGreaterThanOrEqual(3);
    expect(server.stats.serverErrors).toBeGreaterThanOrEqual(2);
    expect(s.rateLimited).toBe(server.stats.rateLimited);
    expect(s.requests).toBe(server.stats.quoteRequests);
    expect(s.requests).toBe(51 + s.rateLimited + s.retries);
    expect(server.stats.tooManySymbols).toBe(0);
    expect(server.stats.quoteOk).toBe(51);
    // Reported through instrumentation.
    expect(inst.total('yahoo_symbols_fetched_total')).toBe(KNOWN.length);
    expect(inst.value('yahoo_symbols_missing')).toBe(UNKNOWN.length);
    expect(inst.value('yahoo_failures_total', { type: 'rate_limit' })).toBe(s.rateLimited);
    expect(inst.value('yahoo_failures_total', { type: 'server' })).toBe(server.stats.serverErrors);
    expect(inst.observations('yahoo_request_latency_ms').length).toBe(s.requests);
    expect(inst.observations('yahoo_cycle_duration_ms')).toEqual([s.durationMs]);
    expect(inst.value('yahoo_symbols_per_second')).toBeGreaterThan(0);
    expect(inst.value('yahoo_rate_limit_headroom')).toBeGreaterThanOrEqual(0);
    expect(inst.logs.find((l) => l.event === 'yahoo.symbols.missing')?.fields.count).toBe(UNKNOWN.length);
    for (const q of quotes.slice(0, 50)) {
      expect(q.source).toBe('yahoo');
      expect(Number.isInteger(q.ts)).toBe(true);
      expect(q.earningsTimestampStart).toBeGreaterThan(q.ts);
    }
  }, 30_000);

  it('refreshes the crumb once after 401 "Invalid Crumb" and finishes the cycle', async () => {
    server = await createFakeYahooServer({ universe: KNOWN });
    const inst = memoryInstrumentation();
    const symbols = KNOWN.slice(0, 400);
    const { summaries } = await run({ symbols, baseUrl: server.url, intervalMs: 20, instrumentation: inst, rateLimit: FAST }, 2, () => server?.invalidateCrumbs());
    const [first, second] = summaries as [YahooCycleSummary, YahooCycleSummary];
    expect(first.quotes).toBe(400);
    expect(second.quotes).toBe(400);
    expect(second.failed).toEqual([]);
    expect(server.stats.unauthorized).toBeGreaterThanOrEqual(1);
    expect(inst.total('yahoo_crumb_refresh_total')).toBe(1);
    expect(server.stats.crumbRequests).toBe(2);
    expect(inst.logs.some((l) => l.event === 'yahoo.crumb.refresh' && /Invalid Crumb/.test(String(l.fields.detail)))).toBe(true);
  });

  it('never takes a 429 body or an HTML page for a crumb', async () => {
    server = await createFakeYahooServer({ universe: KNOWN });
    server.failNext(1, { endpoint: 'crumb', status: 429, retryAfterSeconds: 0 });
    server.failNext(1, { endpoint: 'crumb', status: 200, contentType: 'text/html', body: '<!DOCTYPE html><html><body>Oops</body></html>' });
    const urls: string[] = [];
    const spy: typeof fetch = (input, init) => {
      urls.push(String(input));
      return fetch(input, init);
    };
    const { summaries } = await run({ symbols: KNOWN.slice(0, 150), baseUrl: server.url, fetch: spy, retry: { initialDelayMs: 1 }, rateLimit: FAST }, 1);
    expect(summaries[0]?.quotes).toBe(150);
    const crumbs = urls.filter((u) => u.includes('/v7/finance/quote')).map((u) => new URL(u).searchParams.get('crumb'));
    expect(crumbs.length).toBeGreaterThan(0);
    for (const c of crumbs) expect(c).toMatch(/^[A-Za-z0-9./]{11}$/);
    expect(server.stats.crumbRequests).toBe(3);
  });

  it('gets its cookie through the EU consent flow', async () => {
    server = await createFakeYahooServer({ universe: KNOWN, consent: true });
    const { summaries } = await run({ symbols: KNOWN.slice(0, 120), baseUrl: server.url, rateLimit: FAST }, 1);
    expect(summaries[0]?.quotes).toBe(120);
    expect(server.stats.consentRequests).toBe(4);
  });

  it('retries network errors and 5xx (3 attempts) and gives a batch up after that, reporting it as failed', async () => {
    server = await createFakeYahooServer({ universe: KNOWN });
    server.failNext(2, { reset: true });
    const inst = memoryInstrumentation();
    const ok = await run({ symbols: KNOWN.slice(0, 50), baseUrl: server.url, instrumentation: inst, retry: { initialDelayMs: 1 }, rateLimit: FAST }, 1);
    expect(ok.summaries[0]?.quotes).toBe(50);
    expect(ok.summaries[0]?.retries).toBe(2);
    expect(inst.value('yahoo_failures_total', { type: 'network' })).toBe(2);

    server.failNext(3, { status: 500 });
    const bad = await run({ symbols: KNOWN.slice(0, 50), baseUrl: server.url, instrumentation: inst, retry: { initialDelayMs: 1 }, rateLimit: FAST }, 1);
    expect(bad.summaries[0]?.quotes).toBe(0);
    expect(bad.summaries[0]?.failed.length).toBe(50);
    expect(inst.value('yahoo_failures_total', { type: 'batch_exhausted' })).toBe(1);
  });

  it('halves a batch the server refuses as too large', async () => {
    server = await createFakeYahooServer({ universe: KNOWN, maxSymbols: 40 });
    const { summaries } = await run({ symbols: KNOWN.slice(0, 99), baseUrl: server.url, rateLimit: FAST }, 1);
    expect(summaries[0]?.quotes).toBe(99);
    // 99 → 2 × ~50 (refused) → 4 × ~25.
    expect(server.stats.tooManySymbols).toBe(3);
  });

  it('opens the circuit after repeated failures, stops sending, probes later and recovers', async () => {
    server = await createFakeYahooServer({ universe: KNOWN });
    const inst = memoryInstrumentation();
    let down = true;
    let sentWhileDown = 0;
    const flaky: typeof fetch = (input, init) => {
      if (down && String(input).includes('/v7/finance/quote')) {
        sentWhileDown++;
        return Promise.resolve(new Response('Service Unavailable', { status: 503 }));
      }
      return fetch(input, init);
    };
    const { summaries } = await run(
      {
        symbols: KNOWN.slice(0, 300),
        baseUrl: server.url,
        fetch: flaky,
        intervalMs: 30,
        concurrency: 1,
        instrumentation: inst,
        retry: { initialDelayMs: 1, jitter: 0 },
        circuitBreaker: { failureThreshold: 3, halfOpenAfterMs: 150 },
        rateLimit: FAST,
      },
      (s) => !down && s.quotes === 300,
      (s) => {
        if (s.cycle === 3) down = false;
      },
    );
    const events = inst.logs.map((l) => l.event).filter((e) => e.startsWith('yahoo.circuit.'));
    // open → (failed probes while still down →) half-open → closed.
    expect(events.map((e) => e.slice('yahoo.circuit.'.length)).join()).toMatch(/^open(,half_open,open)*,half_open,closed$/);
    // Open after 3 failures: the rest of cycle 1 and the cycles before the probe fail fast, without requests.
    expect(sentWhileDown).toBeLessThan(3 + 4 * 3);
    expect(summaries[0]?.failed.length).toBe(300);
    expect(inst.value('yahoo_failures_total', { type: 'circuit_open' })).toBeGreaterThan(0);
    const last = summaries[summaries.length - 1] as YahooCycleSummary;
    expect(last.quotes).toBe(300);
    expect(inst.value('yahoo_circuit_state')).toBe(0);
  });

  it('reports missing symbols, stops polling them after dropMissingAfter cycles, and reports stale ones', async () => {
    server = await createFakeYahooServer({ universe: ['AAPL', 'DOWN'] });
    const broken: typeof fetch = (input, init) =>
      String(input).includes('symbols=DOWN') ? Promise.resolve(new Response('Bad Gateway', { status: 502 })) : fetch(input, init);
    const inst = memoryInstrumentation();
    const stale: string[][] = [];
    const { summaries } = await run(
      {
        symbols: ['AAPL', 'GONE', 'DOWN'],
        batchSize: 1,
        baseUrl: server.url,
        fetch: broken,
        intervalMs: 40,
        staleAfterMs: 60,
        dropMissingAfter: 2,
        instrumentation: inst,
        retry: { initialDelayMs: 1, maxAttempts: 2 },
        circuitBreaker: { failureThreshold: 1000 },
        rateLimit: FAST,
        onStale: (s) => stale.push(s),
      },
      4,
    );
    expect(summaries.map((s) => s.missing)).toEqual([['GONE'], ['GONE'], [], []]);
    expect(summaries.map((s) => s.symbols)).toEqual([3, 3, 2, 2]);
    expect(summaries.map((s) => s.quotes)).toEqual([1, 1, 1, 1]);
    expect(summaries.every((s) => s.failed.join() === 'DOWN')).toBe(true);
    expect(stale.length).toBeGreaterThan(0);
    for (const s of stale) expect(s).toEqual(['DOWN']);
    expect(inst.value('yahoo_symbols_dropped')).toBe(1);
    expect(inst.logs.some((l) => l.event === 'yahoo.symbols.dropped')).toBe(true);
    expect(inst.value('yahoo_symbols_stale')).toBe(1);
  });

  it('sends invalid entries to onInvalid with a reason, and keeps going', async () => {
    server = await createFakeYahooServer({ universe: ['AAPL'] });
    server.setQuote('DELISTED', { symbol: 'DELISTED', quoteType: 'NONE', typeDisp: 'Equity' }, true);
    server.setQuote('NEG', { regularMarketPrice: -5 });
    const invalid: InvalidRecord[] = [];
    const inst = memoryInstrumentation();
    const { quotes } = await run({ symbols: ['AAPL', 'DELISTED', 'NEG'], baseUrl: server.url, onInvalid: (r) => invalid.push(r), instrumentation: inst, rateLimit: FAST }, 1);
    expect(quotes.map((q) => q.symbol)).toEqual(['AAPL']);
    expect(invalid.map((r) => r.reason)).toEqual([
      'DELISTED: price: Yahoo field regularMarketPrice is missing (quoteType NONE)',
      'NEG: price: price must be > 0',
    ]);
    expect(invalid[0]?.input).toMatchObject({ symbol: 'DELISTED', quoteType: 'NONE' });
    expect(inst.total('yahoo_quotes_invalid_total')).toBe(2);
  });

  it('runs every wait and clock reading on the injected scheduler', async () => {
    server = await createFakeYahooServer({ universe: KNOWN });
    let scheduled = 0;
    let reads = 0;
    const counting: SchedulerLike = {
      now: () => {
        reads++;
        return asyncScheduler.now();
      },
      schedule: (...args: Parameters<SchedulerLike['schedule']>) => {
        scheduled++;
        return asyncScheduler.schedule(...(args as Parameters<typeof asyncScheduler.schedule>));
      },
    } as SchedulerLike;
    const { summaries } = await run({ symbols: KNOWN.slice(0, 200), baseUrl: server.url, scheduler: counting, intervalMs: 20, rateLimit: { initialRate: 50 } }, 2);
    expect(summaries[1]?.quotes).toBe(200);
    expect(summaries[1]?.startedAt).toBeGreaterThanOrEqual((summaries[0]?.startedAt ?? 0) + 20);
    expect(scheduled).toBeGreaterThan(3); // pacing, request timeouts, the interval wait
    expect(reads).toBeGreaterThan(10);
  });

  it('stops all requests on unsubscribe', async () => {
    server = await createFakeYahooServer({ universe: KNOWN, latencyMs: 20 });
    const sub = yahooQuotes({ symbols: KNOWN.slice(0, 500), baseUrl: server.url, intervalMs: 10 }).subscribe();
    await new Promise((r) => setTimeout(r, 60));
    sub.unsubscribe();
    await new Promise((r) => setTimeout(r, 100));
    const after = server.stats.quoteRequests;
    await new Promise((r) => setTimeout(r, 150));
    expect(server.stats.quoteRequests).toBe(after);
  });
});

describe('yahooQuotes over every recorded quote fixture (injected fetch)', () => {
  const dir = `${fixtures}quote/`;
  const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
  it('emits the valid entries and sends the others to onInvalid, never erroring', async () => {
    let emitted = 0;
    const invalid: InvalidRecord[] = [];
    for (const file of files) {
      const rec = JSON.parse(readFileSync(dir + file, 'utf8')) as { request: { url: string }; response: { bodyJson?: unknown; body?: string } };
      const body = rec.response.bodyJson !== undefined ? JSON.stringify(rec.response.bodyJson) : (rec.response.body as string);
      const symbols = (new URL(rec.request.url).searchParams.get('symbols') as string).split(',');
      const replay: typeof fetch = async (input) => {
        const url = String(input);
        if (url.includes('/quote/')) return new Response('<html></html>', { headers: { 'set-cookie': 'A3=d=x; Path=/', 'content-type': 'text/html' } });
        if (url.includes('getcrumb')) return new Response('haT3oykhHqZ', { headers: { 'content-type': 'text/plain;charset=utf-8' } });
        return new Response(body, { headers: { 'content-type': 'application/json;charset=utf-8' } });
      };
      const { quotes, summaries } = await run({ symbols, baseUrl: 'http://yahoo.test', fetch: replay, onInvalid: (r) => invalid.push(r), rateLimit: FAST }, 1);
      emitted += quotes.length;
      expect(summaries[0]?.failed).toEqual([]);
    }
    expect(emitted).toBe(32);
    expect(invalid.length).toBe(7);
    for (const r of invalid) expect(r.reason).toMatch(/^[A-Z]+: (price|change): Yahoo field \w+ is missing/);
  });

  it('handles garbage answers without crashing', async () => {
    const garbage: typeof fetch = async (input) => {
      const url = String(input);
      if (url.includes('/quote/')) return new Response('', { headers: { 'set-cookie': 'A3=d=x; Path=/' } });
      if (url.includes('getcrumb')) return new Response('abcdefghijk', { headers: { 'content-type': 'text/plain' } });
      return new Response(JSON.stringify({ quoteResponse: { result: [null, 5, 'x', { symbol: 'A' }, { symbol: 'B', regularMarketPrice: 1, regularMarketTime: 1, regularMarketChange: 0, regularMarketChangePercent: 0 }] } }));
    };
    const invalid: InvalidRecord[] = [];
    const { quotes } = await run({ symbols: ['A', 'B'], baseUrl: 'http://yahoo.test', fetch: garbage, onInvalid: (r) => invalid.push(r), rateLimit: FAST }, 1);
    expect(quotes.map((q) => q.symbol)).toEqual(['B']);
    expect(invalid.map((r) => r.field)).toEqual(['(root)', '(root)', '(root)', 'price']);
  });
});

describe('yahooQuotes options', () => {
  it.each([
    [{ symbols: [] }, 'symbols'],
    [{ symbols: ['A'], batchSize: 100 }, 'batchSize'],
    [{ symbols: ['A'], batchSize: 0 }, 'batchSize'],
    [{ symbols: ['A'], concurrency: 0 }, 'concurrency'],
    [{ symbols: ['A'], intervalMs: 0 }, 'intervalMs'],
    [{ symbols: ['A'], baseUrl: 'localhost:1' }, 'baseUrl'],
  ] as Array<[YahooQuotesOptions, string]>)('rejects %j (%s) at call time', (opts, setting) => {
    let error: unknown;
    try {
      yahooQuotes(opts);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as ConfigurationError).setting).toBe(setting);
  });
});
