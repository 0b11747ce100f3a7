/**
 * Yahoo Finance poller benchmark: 5,000 real symbols against the fake Yahoo server with 100–300 ms
 * latency and an 8 req/s token-bucket limit (burst 8).
 *
 *   npx tsx bench/yahoo.bench.ts
 *   YAHOO_BENCH_CYCLES=5 YAHOO_BENCH_SYMBOLS=5000 npx tsx bench/yahoo.bench.ts
 *   YAHOO_BENCH_RETRY_AFTER=1 npx tsx bench/yahoo.bench.ts   # 429s carry Retry-After (whole seconds)
 *
 * Ours: `yahooQuotes` (adaptive rate, 99 symbols per request). Reported per cycle: duration vs the
 * rate-limit floor and requests vs the minimum (ceil(symbols / 99) = 51).
 * Floor: the bucket lets `burst` requests through at once and then `rate` per second, so the last of
 * N requests cannot leave before (N − burst) / rate and cannot finish before that + the minimum
 * latency. A cold cycle also needs the cookie page and the crumb first (2 × minimum latency).
 * Peer, same run, own fake server with the same settings: yahoo-finance2 (3.13, the last major that
 * supports Node 20) `quote()` with an injected fetch that rewrites Yahoo's hosts to the fake; all
 * batches at once through its own queue (concurrency 4), failed batches retried after 1 s.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { memoryInstrumentation } from '@tickflow/core';
import { createFakeYahooServer, type FakeYahooServer } from '@tickflow/sources/testing';
import { type YahooCycleSummary, yahooQuotes } from '@tickflow/sources/yahoo';
import YahooFinance from 'yahoo-finance2';

const CYCLES = Number(process.env.YAHOO_BENCH_CYCLES ?? 3);
const N = Number(process.env.YAHOO_BENCH_SYMBOLS ?? 5000);
const RATE = 8;
const BURST = 8;
const LATENCY: [number, number] = [100, 300];
const INTERVAL_MS = 8_000;
const RETRY_AFTER = process.env.YAHOO_BENCH_RETRY_AFTER === '1';
const INITIAL_RATE = process.env.YAHOO_BENCH_INITIAL_RATE ? Number(process.env.YAHOO_BENCH_INITIAL_RATE) : undefined;
const SKIP_PEER = process.env.YAHOO_BENCH_SKIP_PEER === '1';

const file = fileURLToPath(new URL('../packages/sources/test/fixtures/yahoo/symbols-5000.txt', import.meta.url));
const all = readFileSync(file, 'utf8').split('\n').filter(Boolean);
const symbols = Array.from({ length: N }, (_, i) => all[i % all.length] as string).map((s, i) => (i < all.length ? s : `${s}${Math.floor(i / all.length)}`));
const known = symbols.filter((s) => !/[.$]/.test(s));
const minRequests = Math.ceil(symbols.length / 99);
const floorS = Math.max(0, minRequests - BURST) / RATE + LATENCY[0] / 1000;
const coldFloorS = floorS + (2 * LATENCY[0]) / 1000;

const fake = (cookieDomain?: string) =>
  createFakeYahooServer({
    universe: known,
    rateLimit: { requestsPerSecond: RATE, burst: BURST, retryAfter: RETRY_AFTER },
    latencyMs: LATENCY,
    ...(cookieDomain ? { cookieDomain } : {}),
  });

async function ours(): Promise<{ cycles: YahooCycleSummary[]; server: FakeYahooServer }> {
  const server = await fake();
  const inst = memoryInstrumentation();
  const cycles: YahooCycleSummary[] = [];
  await new Promise<void>((resolve) => {
    const sub = yahooQuotes({
      symbols,
      baseUrl: server.url,
      intervalMs: INTERVAL_MS,
      instrumentation: inst,
      ...(INITIAL_RATE ? { rateLimit: { initialRate: INITIAL_RATE } } : {}),
      onCycle: (s) => {
        cycles.push(s);
        if (s.cycle >= CYCLES) {
          queueMicrotask(() => sub.unsubscribe());
          resolve();
        }
      },
    }).subscribe();
  });
  await server.close();
  return { cycles, server };
}

async function peer(): Promise<{ seconds: number; requests: number; rateLimited: number; quotes: number; rounds: number }> {
  const server = await fake('.yahoo.com');
  const rewrite: typeof fetch = (input, init) => {
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    return fetch(`${server.url}${url.pathname}${url.search}`, init);
  };
  const yf = new YahooFinance({ fetch: rewrite, versionCheck: false, suppressNotices: ['yahooSurvey'], validation: { logErrors: false } });
  const batches: string[][] = [];
  for (let i = 0; i < symbols.length; i += 99) batches.push(symbols.slice(i, i + 99));
  const quiet = console.error;
  console.error = () => {}; // yahoo-finance2 prints the URL of every non-2xx answer
  const t0 = performance.now();
  let pending = batches;
  let quotes = 0;
  let rounds = 0;
  try {
    while (pending.length > 0 && rounds < 30) {
      rounds++;
      const results = await Promise.allSettled(pending.map((b) => yf.quote(b)));
      const failed: string[][] = [];
      results.forEach((r, i) => {
        if (r.status === 'fulfilled') quotes += r.value.length;
        else failed.push(pending[i] as string[]);
      });
      pending = failed;
      if (pending.length > 0) await new Promise((r) => setTimeout(r, 1000));
    }
  } finally {
    console.error = quiet;
  }
  const seconds = (performance.now() - t0) / 1000;
  await server.close();
  return { seconds, requests: server.stats.quoteRequests, rateLimited: server.stats.rateLimited, quotes, rounds };
}

const f = (n: number, d = 2) => n.toFixed(d);
console.log(`Yahoo poller: ${symbols.length} symbols (${known.length} known), fake server ${RATE} req/s (burst ${BURST}${RETRY_AFTER ? ', Retry-After' : ''}), latency ${LATENCY[0]}–${LATENCY[1]} ms`);
console.log(`minimum requests ${minRequests}; floor ${f(floorS)} s warm, ${f(coldFloorS)} s cold (incl. cookie + crumb)`);

const o = await ours();
for (const c of o.cycles) {
  const floor = c.cycle === 1 ? coldFloorS : floorS;
  console.log(
    `  tickflow cycle ${c.cycle}${c.cycle === 1 ? ' (cold)' : '       '}: ${f(c.durationMs / 1000)} s = ${f(c.durationMs / 1000 / floor)}× floor; ` +
      `${c.requests} requests = ${f(c.requests / minRequests)}× min (${c.rateLimited} × 429); ${c.quotes} quotes, ${c.missing.length} missing; ` +
      `${f((c.quotes * 1000) / c.durationMs, 0)} symbols/s; end rate ${f(c.rate)} req/s`,
  );
}
const warm = o.cycles.slice(1);
const worst = (xs: YahooCycleSummary[], fl: (c: YahooCycleSummary) => number) => Math.max(...xs.map(fl));
const timeRatio = worst(o.cycles, (c) => c.durationMs / 1000 / (c.cycle === 1 ? coldFloorS : floorS));
const reqRatio = worst(o.cycles, (c) => c.requests / minRequests);
const meanS = o.cycles.reduce((a, c) => a + c.durationMs, 0) / o.cycles.length / 1000;

if (SKIP_PEER) {
  console.log(`worst cycle ${f(timeRatio)}× floor, worst requests ${f(reqRatio)}× min (peer skipped)`);
  process.exit(0);
}
const p = await peer();
console.log(
  `  yahoo-finance2 quote() (peer): ${f(p.seconds)} s = ${f(p.seconds / coldFloorS)}× cold floor; ${p.requests} requests = ${f(p.requests / minRequests)}× min ` +
    `(${p.rateLimited} × 429, ${p.rounds} rounds); ${p.quotes} quotes; ${f(p.quotes / p.seconds, 0)} symbols/s`,
);
const cold = o.cycles[0] as YahooCycleSummary;
console.log('');
console.log(`tickflow cold cycle ${f(cold.durationMs / 1000)} s vs peer ${f(p.seconds)} s: ${f(p.seconds / (cold.durationMs / 1000))}× faster (symbols/s ratio)`);
if (warm.length) console.log(`tickflow warm cycles: mean ${f(warm.reduce((a, c) => a + c.durationMs, 0) / warm.length / 1000)} s; all cycles mean ${f(meanS)} s`);
console.log(`goals: worst cycle ≤ 1.2× floor: ${f(timeRatio)}× ${timeRatio <= 1.2 ? 'PASS' : 'MISS'}; ` +
  `worst requests ≤ 1.3× min: ${f(reqRatio)}× ${reqRatio <= 1.3 ? 'PASS' : 'MISS'}; faster than peer: ${cold.durationMs / 1000 < p.seconds ? 'PASS' : 'MISS'}`);
