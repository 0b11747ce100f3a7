import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Bar } from '@tickflow/core';
import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT } from 'jose';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { BarStore } from '../demo/BarStore.js';
import { type OpsServer, startOpsServer } from '../ops/startOpsServer.js';
import { readSse } from '../testing/readSse.js';
import { ApiConfigSchema } from './ApiConfigSchema.js';
import type { ApiAnomaly } from './ApiAnomaly.js';
import type { BarEvent } from './BarStream.js';
import { calmBars } from './calmBars.js';
import { type MountApiOptions, type MountedApi, mountApi } from './mountApi.js';
import { storeBarReader } from './storeBarReader.js';

const T0 = Date.UTC(2024, 0, 2, 14, 30);
const bar = (symbol: string, i: number, over: Partial<Bar> = {}): Bar => ({
  symbol,
  interval: '5m',
  start: T0 + i * 300_000,
  end: T0 + (i + 1) * 300_000,
  open: 100 + i,
  high: 102 + i,
  low: 99 + i,
  close: 101 + i,
  volume: 10 * (i + 1),
  count: 3,
  vwap: 100.5 + i,
  ...over,
});

let ops: OpsServer | undefined;
let api: MountedApi | undefined;
afterEach(async () => {
  api?.close();
  await ops?.close();
  ops = undefined;
  api = undefined;
});

async function start(config: Record<string, unknown> = {}, extra: Partial<MountApiOptions> = {}) {
  const store = new BarStore();
  for (let i = 0; i < 5; i++) store.upsert(bar('AAPL', i), true);
  store.upsert(bar('MSFT', 0), true);
  ops = await startOpsServer({ host: '127.0.0.1', port: 0, registry: new Registry() });
  api = mountApi(ops, { api: ApiConfigSchema.parse(config), reader: storeBarReader(store), feed: store, webRoot: false, ...extra });
  return { store, url: ops.url };
}

const get = (url: string, token?: string) => fetch(url, token ? { headers: { authorization: `Bearer ${token}` } } : {});
/** The JSON body, loosely typed for assertions. */
const body = (res: Response): Promise<any> => res.json();

describe('mountApi: queries', () => {
  it('serves bars oldest first, filtered by range and limit, and the symbols', async () => {
    const { url } = await start();
    const all = await body(await get(`${url}/api/bars?symbol=AAPL&interval=5m`));
    expect(all.bars.map((b: Bar) => b.start)).toEqual([0, 1, 2, 3, 4].map((i) => T0 + i * 300_000));
    expect(all.bars[0]).toMatchObject({ open: 100, close: 101, volume: 10, final: true });
    const range = await body(await get(`${url}/api/bars?symbol=AAPL&from=${T0 + 300_000}&to=${new Date(T0 + 900_000).toISOString()}`));
    expect(range.bars.map((b: Bar) => b.start)).toEqual([T0 + 300_000, T0 + 600_000]);
    const newest = await body(await get(`${url}/api/bars?symbol=AAPL&limit=2`));
    expect(newest.bars.map((b: Bar) => b.start)).toEqual([T0 + 900_000, T0 + 1_200_000]);
    expect((await body(await get(`${url}/api/bars?symbol=AAPL&interval=1h`))).bars).toEqual([]);
    expect(await body(await get(`${url}/api/symbols`))).toEqual({ symbols: ['AAPL', 'MSFT'] });
  });

  it.each([
    ['interval=5m', 'symbol'],
    ['symbol=AAPL&interval=2m', 'interval'],
    ['symbol=AA PL', 'symbol'],
    ['symbol=AAPL&from=yesterday', 'from'],
    ['symbol=AAPL&to=2024-13-45', 'to'],
    ['symbol=AAPL&limit=0', 'limit'],
    ['symbol=AAPL&limit=9999', 'limit'],
    ['symbol=AAPL&limit=ten', 'limit'],
    [`symbol=AAPL&from=${T0 + 1}&to=${T0}`, 'from'],
  ])('400 naming the parameter for ?%s', async (qs, param) => {
    const { url } = await start();
    const res = await get(`${url}/api/bars?${qs}`);
    expect(res.status).toBe(400);
    const { error } = await body(res);
    expect(error).toMatch(new RegExp(`^bad parameter ${param}: `));
  });

  it('rejects a bad stream filter with 400 too', async () => {
    const { url } = await start();
    const res = await get(`${url}/api/stream?interval=1d`);
    expect(res.status).toBe(400);
    expect((await body(res)).error).toContain('interval');
  });
});

describe('mountApi: auth', () => {
  it('static token: 401 without or with a wrong token, 200 with the header or ?access_token=', async () => {
    const { url } = await start({ token: 'demo-token-123' });
    const none = await get(`${url}/api/symbols`);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toContain('Bearer');
    expect((await body(none)).error).toContain('missing token');
    expect((await get(`${url}/api/symbols`, 'wrong-token')).status).toBe(401);
    expect((await fetch(`${url}/api/symbols`, { headers: { authorization: 'Basic abc' } })).status).toBe(401);
    expect((await get(`${url}/api/symbols`, 'demo-token-123')).status).toBe(200);
    expect((await get(`${url}/api/bars?symbol=AAPL&access_token=demo-token-123`)).status).toBe(200);
    expect((await get(`${url}/api/health`)).status).toBe(401);
    expect(api?.mode).toBe('token');
  });

  it('HS256 JWT: valid passes; expired, wrong secret, wrong issuer are refused', async () => {
    const secret = 'a-very-long-secret-of-at-least-32-chars!';
    const { url } = await start({ jwtSecret: secret, jwtIssuer: 'tickflow-tests' });
    const sign = (key: string, iss: string, exp: string | number) =>
      new SignJWT({ scope: 'read' }).setProtectedHeader({ alg: 'HS256' }).setSubject('alice').setIssuer(iss).setIssuedAt().setExpirationTime(exp).sign(new TextEncoder().encode(key));
    expect((await get(`${url}/api/symbols`, await sign(secret, 'tickflow-tests', '5m'))).status).toBe(200);
    const expired = await get(`${url}/api/symbols`, await sign(secret, 'tickflow-tests', Math.floor(Date.now() / 1000) - 60));
    expect(expired.status).toBe(401);
    expect((await body(expired)).error).toContain('exp');
    expect((await get(`${url}/api/symbols`, await sign(`${secret}x`, 'tickflow-tests', '5m'))).status).toBe(401);
    expect((await get(`${url}/api/symbols`, await sign(secret, 'someone-else', '5m'))).status).toBe(401);
    expect((await get(`${url}/api/symbols`)).status).toBe(401);
  });

  it('JWKS: a token signed by a key of the set passes, one signed by another key does not', async () => {
    const { publicKey, privateKey } = await generateKeyPair('ES256');
    const other = await generateKeyPair('ES256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256' };
    const { url } = await start({ jwksUrl: 'https://auth.example.com/.well-known/jwks.json' }, { getKey: createLocalJWKSet({ keys: [jwk] }) });
    const sign = (key: Parameters<SignJWT['sign']>[0]) => new SignJWT({}).setProtectedHeader({ alg: 'ES256', kid: 'k1' }).setSubject('bob').setExpirationTime('5m').sign(key);
    expect((await get(`${url}/api/symbols`, await sign(privateKey))).status).toBe(200);
    expect((await get(`${url}/api/symbols`, await sign(other.privateKey))).status).toBe(401);
    expect(api?.mode).toBe('jwt');
  });
});

describe('mountApi: rate limits', () => {
  it('429 with Retry-After once a client spends its burst; other clients are unaffected; tokens refill', async () => {
    let now = 1_000_000;
    const { url } = await start({ token: 'token-one-aaaa', ratePerSecond: 1, burst: 3 }, { now: () => now });
    for (let i = 0; i < 3; i++) expect((await get(`${url}/api/symbols`, 'token-one-aaaa')).status).toBe(200);
    const limited = await get(`${url}/api/symbols`, 'token-one-aaaa');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('1');
    expect((await body(limited)).error).toContain('rate limit');
    now += 1000;
    expect((await get(`${url}/api/symbols`, 'token-one-aaaa')).status).toBe(200);
    expect((await get(`${url}/api/symbols`, 'token-one-aaaa')).status).toBe(429);
  });

  it('counts unauthenticated requests per client IP in loopback mode', async () => {
    const { url } = await start({ ratePerSecond: 0.001, burst: 2 }, { now: () => 0 });
    expect((await get(`${url}/api/symbols`)).status).toBe(200);
    expect((await get(`${url}/api/symbols`)).status).toBe(200);
    const res = await get(`${url}/api/symbols`);
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(1);
  });
});

describe('mountApi: live stream', () => {
  it('streams matching bars as SSE, numbering revisions and marking restatements', async () => {
    const { url, store } = await start();
    const res = await get(`${url}/api/stream?symbol=AAPL&interval=5m`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    await new Promise((r) => setTimeout(r, 50));
    expect(api?.stream?.clients).toBe(1);
    const got = readSse<BarEvent>(res, 3, 'bar');
    store.upsert(bar('MSFT', 1), false); // other symbol: filtered out
    store.upsert(bar('AAPL', 5, { close: 105 }), false); // new window, provisional
    store.upsert(bar('AAPL', 5, { close: 106, high: 107 }), false); // same window, newer version
    store.upsert(bar('AAPL', 5, { close: 106.5, high: 107 }), true); // the final bar
    const events = (await got).map((e) => e.data);
    expect(events.map((e) => [e.bar.symbol, e.bar.close, e.revision, e.restatement, e.final])).toEqual([
      ['AAPL', 105, 0, false, false],
      ['AAPL', 106, 1, true, false],
      ['AAPL', 106.5, 2, true, true],
    ]);
  });

  it('ends its streams on close', async () => {
    const { url } = await start();
    const res = await get(`${url}/api/stream`);
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    await reader.read(); // the "connected" comment
    api?.close();
    for (;;) if ((await reader.read()).done) break;
    expect(api?.stream?.clients).toBe(0);
  });
});

describe('mountApi: anomalies', () => {
  /** A server whose store holds a calm AAPL series with one spike at bar 150 and a calm MSFT series. */
  async function startSpiky(config: Record<string, unknown> = {}) {
    const store = new BarStore({ maxPerSeries: 5000 });
    const aapl = calmBars({ symbol: 'AAPL', n: 200, start: T0, seed: 21, spikes: [{ at: 150, price: 1.025, volume: 30 }] });
    for (const b of [...aapl, ...calmBars({ symbol: 'MSFT', n: 200, start: T0, seed: 22 })]) store.upsert(b, true);
    ops = await startOpsServer({ host: '127.0.0.1', port: 0, registry: new Registry() });
    api = mountApi(ops, { api: ApiConfigSchema.parse(config), reader: storeBarReader(store), feed: store, webRoot: false });
    return { store, url: ops.url, aapl };
  }

  it('GET /api/anomalies flags exactly the spiked bar, with kind and score; a calm series has none', async () => {
    const { url, aapl } = await startSpiky();
    const res = await get(`${url}/api/anomalies?symbol=AAPL&interval=5m`);
    expect(res.status).toBe(200);
    const got = await body(res);
    expect(got).toMatchObject({ symbol: 'AAPL', interval: '5m', threshold: 5, window: 100, bars: 200, warmupBars: 0 });
    expect(got.anomalies.map((a: ApiAnomaly) => [a.ts, a.kind, a.score > 5])).toEqual([
      [aapl[150]?.start, 'return', true],
      [aapl[150]?.start, 'volume', true],
    ]);
    expect(got.anomalies[0].bar).toMatchObject({ start: aapl[150]?.start, close: aapl[150]?.close, final: true });
    expect((await body(await get(`${url}/api/anomalies?symbol=MSFT`))).anomalies).toEqual([]);
    // a range after the spike, warmed up from the bars before it: still exactly that bar
    const ranged = await body(await get(`${url}/api/anomalies?symbol=AAPL&from=${aapl[140]?.start}&to=${aapl[160]?.start}`));
    expect(ranged).toMatchObject({ bars: 20, warmupBars: 101 });
    expect(ranged.anomalies.map((a: ApiAnomaly) => a.ts)).toEqual([aapl[150]?.start, aapl[150]?.start]);
  });

  it.each([
    ['interval=5m', 'symbol'],
    ['symbol=AAPL&interval=1d', 'interval'],
    ['symbol=AAPL&from=soon', 'from'],
    ['symbol=AAPL&limit=0', 'limit'],
    [`symbol=AAPL&from=${T0 + 1}&to=${T0}`, 'from'],
  ])('GET /api/anomalies?%s: 400 naming %s', async (qs, param) => {
    const { url } = await startSpiky();
    const res = await get(`${url}/api/anomalies?${qs}`);
    expect(res.status).toBe(400);
    expect((await body(res)).error).toMatch(new RegExp(`^bad parameter ${param}: `));
  });

  it('takes the operator settings: a lower threshold flags more and says so; bad settings fail at mount', async () => {
    const store = new BarStore({ maxPerSeries: 5000 });
    for (const b of calmBars({ symbol: 'AAPL', n: 200, start: T0, seed: 21, spikes: [{ at: 150, volume: 6 }] })) store.upsert(b, true);
    ops = await startOpsServer({ host: '127.0.0.1', port: 0, registry: new Registry() });
    const mount = (anomalies: MountApiOptions['anomalies']) =>
      mountApi(ops as OpsServer, { api: ApiConfigSchema.parse({}), reader: storeBarReader(store), webRoot: false, ...(anomalies ? { anomalies } : {}) });
    expect(() => mount({ window: 1 })).toThrow(/window must be an integer >= 2/);
    api = mount(undefined);
    const strict = await body(await get(`${ops.url}/api/anomalies?symbol=AAPL`));
    expect(strict.anomalies).toEqual([]); // 6× volume scores 4.5 σ on this seed: under the default 5
    api.close();
    api = mount({ threshold: 4, window: 50, kinds: ['volume'] });
    const loose = await body(await get(`${ops.url}/api/anomalies?symbol=AAPL`));
    expect(loose).toMatchObject({ threshold: 4, window: 50 });
    expect(loose.anomalies.map((a: ApiAnomaly) => [a.ts, a.kind])).toEqual([[T0 + 150 * 300_000, 'volume']]);
  });

  it('is behind the same auth and rate limits as /api/bars', async () => {
    const { url } = await startSpiky({ token: 'anomaly-token-1', ratePerSecond: 0.001, burst: 2 });
    expect((await get(`${url}/api/anomalies?symbol=AAPL`)).status).toBe(401);
    expect((await get(`${url}/api/anomalies?symbol=AAPL`, 'anomaly-token-1')).status).toBe(200);
    expect((await get(`${url}/api/anomalies?symbol=AAPL`, 'anomaly-token-1')).status).toBe(200);
    expect((await get(`${url}/api/anomalies?symbol=AAPL`, 'anomaly-token-1')).status).toBe(429);
  });

  it('streams an anomaly event after the bar event when a new final bar is one; calm and provisional bars send none', async () => {
    const { url, store, aapl } = await startSpiky();
    const res = await get(`${url}/api/stream?symbol=AAPL&interval=5m`);
    await new Promise((r) => setTimeout(r, 50));
    const events = readSse(res, 4);
    const last = aapl.at(-1) as (typeof aapl)[number];
    const next = (i: number, over: Partial<Bar> = {}) => ({ ...last, start: last.end + i * 300_000, end: last.end + (i + 1) * 300_000, ...over });
    store.upsert(next(0, { volume: 1000 }), true); // calm final bar
    store.upsert(next(1, { volume: 900_000 }), false); // provisional: not scored
    store.upsert(next(1, { volume: 1_000_000, close: last.close }), true); // final, 1000× volume
    const got = await events;
    // three bar events (sent at once), then the one anomaly, scored after the bars before it were read back
    expect(got.map((e) => e.name)).toEqual(['bar', 'bar', 'bar', 'anomaly']);
    const anomalies = got.filter((e) => e.name === 'anomaly').map((e) => e.data as ApiAnomaly);
    expect(anomalies.map((a) => [a.kind, a.ts, a.bar.volume])).toEqual([['volume', next(1).start, 1_000_000]]);
    expect(anomalies[0]?.score).toBeGreaterThan(10);
  });
});

describe('mountApi: health', () => {
  it('reports the pipeline counters and flags symbols without recent updates as stale', async () => {
    let now = 5_000_000;
    const health = { trades: 10, tradesPerSecond: 2.5, invalid: 1, late: 2, duplicates: 3, deadLettered: 1, lagMs: 5000 };
    const { url, store } = await start({}, { now: () => now, health: () => health, staleAfterMs: 10_000 });
    store.upsert(bar('AAPL', 6), false);
    now += 15_000;
    store.upsert(bar('MSFT', 1), false);
    now += 1_000;
    const h = await body(await get(`${url}/api/health`));
    expect(h.pipeline).toEqual(health);
    expect(h.symbols).toEqual([
      { symbol: 'AAPL', lastUpdate: 5_000_000, lastBarStart: T0 + 6 * 300_000, ageMs: 16_000, stale: true },
      { symbol: 'MSFT', lastUpdate: 5_015_000, lastBarStart: T0 + 300_000, ageMs: 1_000, stale: false },
    ]);
  });
});

describe('mountApi: the page', () => {
  it('says how to build the page when the build is missing, and serves it once built', async () => {
    const root = join(mkdtempSync(join(tmpdir(), 'tickflow-web-')), 'web');
    await start({}, { webRoot: root });
    const missing = await fetch(`${(ops as OpsServer).url}/`);
    expect(missing.status).toBe(503);
    expect(await missing.text()).toContain('npm run build');
    mkdirSync(join(root, 'assets'), { recursive: true });
    writeFileSync(join(root, 'index.html'), '<!doctype html><script type="module" src="/assets/app-1.js"></script>');
    writeFileSync(join(root, 'assets', 'app-1.js'), 'console.log(1)');
    const page = await fetch(`${(ops as OpsServer).url}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('app-1.js');
    const js = await fetch(`${(ops as OpsServer).url}/assets/app-1.js`);
    expect(js.headers.get('content-type')).toContain('javascript');
    expect(await js.text()).toBe('console.log(1)');
  });
});
