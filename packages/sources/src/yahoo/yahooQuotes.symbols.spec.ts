import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ConfigurationError, type InvalidRecord, memoryInstrumentation } from '@tickflow/core';
import { afterEach, describe, expect, it } from 'vitest';
import { createFakeYahooServer, type FakeYahooServer } from '../testing/fakeYahoo/createFakeYahooServer.js';
import { runYahooCycles as run } from './runYahooCycles.test-helper.js';
import type { YahooCycleSummary, YahooQuotesOptions } from './yahooQuotes.js';
import { yahooQuotes } from './yahooQuotes.js';

const SYMBOLS = readFileSync(fileURLToPath(new URL('../../test/fixtures/yahoo/symbols-5000.txt', import.meta.url)), 'utf8')
  .split('\n')
  .filter(Boolean);

/** For tests not about rate limiting: no pacing to speak of. */
const FAST = { initialRate: 1000, maxRate: 1000 };
/** Like real Yahoo: class shares are known under their dash spelling only; VOD.L and ABC.V are exchange listings. */
const UNIVERSE = ['AAPL', 'BRK-B', 'BRK-A', 'BF-B', 'MKC-V', 'BAC-PK', 'VOD.L', 'ABC.V', 'EURUSD=X', '^GSPC'];

let server: FakeYahooServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** A fetch that records the `symbols=` list of every quote request. */
function recording(): { fetch: typeof fetch; asked: string[][] } {
  const asked: string[][] = [];
  return {
    asked,
    fetch: (input, init) => {
      const url = new URL(String(input));
      if (url.pathname === '/v7/finance/quote') asked.push((url.searchParams.get('symbols') ?? '').split(','));
      return fetch(input, init);
    },
  };
}

describe('yahooQuotes symbol translation (fake Yahoo server)', () => {
  it('the fake, like Yahoo, answers BRK-B and leaves BRK.B out', async () => {
    server = await createFakeYahooServer({ universe: UNIVERSE });
    const { quotes, summaries } = await run({ symbols: ['BRK.B', 'BRK-B'], baseUrl: server.url, translateSymbols: false, rateLimit: FAST }, 1);
    expect(quotes.map((q) => q.symbol)).toEqual(['BRK-B']);
    expect(summaries[0]?.missing).toEqual(['BRK.B']);
  });

  it('asks for BRK-B when BRK.B is configured and emits the quote as BRK.B', async () => {
    server = await createFakeYahooServer({ universe: UNIVERSE });
    const rec = recording();
    const inst = memoryInstrumentation();
    const { quotes, summaries } = await run(
      { symbols: ['AAPL', 'BRK.B', 'BF/B', 'VOD.L', 'EURUSD=X', '^GSPC'], baseUrl: server.url, fetch: rec.fetch, instrumentation: inst, rateLimit: FAST },
      1,
    );
    expect(rec.asked).toEqual([['AAPL', 'BRK-B', 'BF-B', 'VOD.L', 'EURUSD=X', '^GSPC']]);
    expect(quotes.map((q) => q.symbol).sort()).toEqual(['AAPL', 'BF/B', 'BRK.B', 'EURUSD=X', 'VOD.L', '^GSPC'].sort());
    expect(summaries[0]?.missing).toEqual([]);
    expect(summaries[0]?.quotes).toBe(6);
    expect(inst.total('yahoo_symbols_fetched_total')).toBe(6);
    const brk = quotes.find((q) => q.symbol === 'BRK.B');
    expect(brk?.source).toBe('yahoo');
    expect(brk?.price).toBeGreaterThan(0);
    expect(inst.logs.find((l) => l.event === 'yahoo.symbols.translated')?.fields).toEqual({ count: 2, symbols: ['BRK.B→BRK-B', 'BF/B→BF-B'] });
  });

  it('translateSymbols: false restores the old behaviour: BRK.B is asked as given and reported missing', async () => {
    server = await createFakeYahooServer({ universe: UNIVERSE });
    const rec = recording();
    const missing: string[][] = [];
    const { quotes } = await run(
      { symbols: ['AAPL', 'BRK.B'], baseUrl: server.url, fetch: rec.fetch, translateSymbols: false, rateLimit: FAST, onMissing: (s) => missing.push(s) },
      1,
    );
    expect(rec.asked).toEqual([['AAPL', 'BRK.B']]);
    expect(quotes.map((q) => q.symbol)).toEqual(['AAPL']);
    expect(missing).toEqual([['BRK.B']]);
  });

  it('polls symbols that map to the same Yahoo symbol once and gives each its quote', async () => {
    server = await createFakeYahooServer({ universe: UNIVERSE });
    const rec = recording();
    const { quotes, summaries } = await run({ symbols: ['BRK.B', 'BRK-B', 'BRK/B', 'BRK.B', 'AAPL'], baseUrl: server.url, fetch: rec.fetch, intervalMs: 20, rateLimit: FAST }, 2);
    expect(rec.asked).toEqual([
      ['BRK-B', 'AAPL'],
      ['BRK-B', 'AAPL'],
    ]);
    const first = quotes.slice(0, 4);
    expect(first.map((q) => q.symbol).sort()).toEqual(['AAPL', 'BRK-B', 'BRK.B', 'BRK/B']);
    // The same Yahoo entry behind all three spellings.
    const brk = first.filter((q) => q.symbol !== 'AAPL');
    expect(new Set(brk.map((q) => `${q.price}|${q.ts}|${q.volume}`)).size).toBe(1);
    expect(summaries.map((s) => [s.symbols, s.batches, s.quotes])).toEqual([
      [4, 1, 4],
      [4, 1, 4],
    ]);
    expect(server.stats.symbolsRequested).toBe(4);
  });

  it('symbolMap overrides win over the rule (also with translateSymbols: false); TSX Venture .V stays', async () => {
    server = await createFakeYahooServer({ universe: UNIVERSE });
    const rec = recording();
    const options: YahooQuotesOptions = {
      symbols: ['MKC.V', 'ABC.V', 'BAC$K', 'BRK.B'],
      symbolMap: { 'mkc.v': 'MKC-V', BAC$K: 'BAC-PK', 'BRK.B': 'BRK-A' },
      baseUrl: server.url,
      fetch: rec.fetch,
      rateLimit: FAST,
    };
    const on = await run(options, 1);
    expect(rec.asked[0]).toEqual(['MKC-V', 'ABC.V', 'BAC-PK', 'BRK-A']);
    expect(on.quotes.map((q) => q.symbol).sort()).toEqual(['ABC.V', 'BAC$K', 'BRK.B', 'MKC.V']);
    const off = await run({ ...options, translateSymbols: false }, 1);
    expect(rec.asked[1]).toEqual(['MKC-V', 'ABC.V', 'BAC-PK', 'BRK-A']);
    expect(off.quotes.length).toBe(4);
  });

  it('reports missing, dropped, failed, stale and invalid symbols in the caller spelling', async () => {
    server = await createFakeYahooServer({ universe: UNIVERSE });
    server.setQuote('BF-B', { regularMarketPrice: -5 });
    const down: typeof fetch = (input, init) =>
      /symbols=BRK-A(&|$)/.test(String(input)) ? Promise.resolve(new Response('Bad Gateway', { status: 502 })) : fetch(input, init);
    const invalid: InvalidRecord[] = [];
    const stale: string[][] = [];
    const inst = memoryInstrumentation();
    const { summaries, quotes } = await run(
      {
        symbols: ['BRK.B', 'GONE.B', 'BF.B', 'BRK.A'],
        batchSize: 1,
        baseUrl: server.url,
        fetch: down,
        intervalMs: 40,
        staleAfterMs: 60,
        dropMissingAfter: 2,
        instrumentation: inst,
        retry: { initialDelayMs: 1, maxAttempts: 2 },
        circuitBreaker: { failureThreshold: 1000 },
        rateLimit: FAST,
        onInvalid: (r) => invalid.push(r),
        onStale: (s) => stale.push(s),
      },
      4,
    );
    expect(summaries.map((s) => s.missing)).toEqual([['GONE.B'], ['GONE.B'], [], []]);
    expect(summaries.map((s) => s.symbols)).toEqual([4, 4, 3, 3]);
    expect(summaries.every((s) => s.failed.join() === 'BRK.A')).toBe(true);
    expect(summaries.map((s) => s.invalid)).toEqual([1, 1, 1, 1]);
    expect(new Set(quotes.map((q) => q.symbol))).toEqual(new Set(['BRK.B']));
    expect(invalid[0]?.reason).toBe('BF.B: price: price must be > 0');
    expect(invalid[0]?.input).toMatchObject({ symbol: 'BF-B' });
    expect(stale.length).toBeGreaterThan(0);
    // BF.B is not stale-reported before staleAfterMs; BRK.A (failing) and BF.B (invalid) are once it passes.
    for (const s of stale) expect(s.every((x) => x === 'BRK.A' || x === 'BF.B')).toBe(true);
    expect(stale.flat()).toContain('BRK.A');
    const dropped = inst.logs.find((l) => l.event === 'yahoo.symbols.dropped');
    expect(dropped?.fields.symbols).toEqual(['GONE.B']);
  });

  it('quotes the class shares of 5,000 real symbols under their own spelling; preferreds, units, warrants, rights stay missing', async () => {
    const classShares = SYMBOLS.filter((s) => /^[A-Z]{1,5}\.[A-C]$/.test(s));
    expect(classShares.length).toBe(8);
    const plain = SYMBOLS.filter((s) => !/[.$]/.test(s));
    server = await createFakeYahooServer({ universe: [...plain, ...classShares.map((s) => s.replace('.', '-'))] });
    const { quotes, summaries } = await run({ symbols: SYMBOLS, baseUrl: server.url, rateLimit: { initialRate: 200, maxRate: 200 } }, 1);
    const s = summaries[0] as YahooCycleSummary;
    expect(s.batches).toBe(51);
    expect(quotes.length).toBe(plain.length + classShares.length);
    const quoted = new Set(quotes.map((q) => q.symbol));
    for (const c of classShares) expect(quoted.has(c)).toBe(true);
    expect(new Set(s.missing)).toEqual(new Set(SYMBOLS.filter((x) => /[.$]/.test(x) && !classShares.includes(x))));
    expect(s.missing.every((x) => /\$|\.[URW]$/.test(x))).toBe(true);
  }, 30_000);

  it('rejects a symbolMap entry without a Yahoo symbol at call time', () => {
    let error: unknown;
    try {
      yahooQuotes({ symbols: ['BRK.B'], symbolMap: { 'BRK.B': ' ' } });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as ConfigurationError).setting).toBe('symbolMap');
    expect((error as Error).message).toMatch(/symbolMap\['BRK\.B'\] must be a non-empty Yahoo symbol/);
  });
});
