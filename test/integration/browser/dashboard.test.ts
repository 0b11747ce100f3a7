/**
 * The dashboard in a real browser: Debian's chromium driven by playwright-core, against the
 * `tickflow demo` CLI (synthetic trades on a 600× clock, so a 5m bar closes every half second
 * and a 1h bar every six) started as a child process with its HTTP server on a free port, and
 * against the app's API mounted in this process over a store holding a seeded calm series with
 * injected spikes (the anomaly markers).
 * Skips only when /usr/bin/chromium is absent (CI installs it in .ci/run).
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Bar } from '@tickflow/core';
import { cassandraSink, ensureSchema } from '@tickflow/sinks/cassandra';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { Registry } from 'prom-client';
import { from, lastValueFrom, toArray } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiAnomaly } from '../../../examples/reference-app/src/api/ApiAnomaly.js';
import { ApiConfigSchema } from '../../../examples/reference-app/src/api/ApiConfigSchema.js';
import { cassandraBarReader } from '../../../examples/reference-app/src/api/cassandraBarReader.js';
import { calmBars } from '../../../examples/reference-app/src/api/calmBars.js';
import { findAnomalies } from '../../../examples/reference-app/src/api/findAnomalies.js';
import { mountApi } from '../../../examples/reference-app/src/api/mountApi.js';
import { storeBarReader } from '../../../examples/reference-app/src/api/storeBarReader.js';
import { BarStore } from '../../../examples/reference-app/src/demo/BarStore.js';
import { startOpsServer } from '../../../examples/reference-app/src/ops/startOpsServer.js';
import { testClient, uniqueKeyspace } from '../cassandra/helpers.js';

const CHROMIUM = '/usr/bin/chromium';
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const APP = join(ROOT, 'examples/reference-app');
const SYMBOLS = ['AAPL', 'MSFT', 'BINANCE:BTCUSDT'];
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`[browser] skipping the dashboard test: ${CHROMIUM} not found (apt-get install -y chromium)`);

interface ProbeBar {
  time: number;
  open: number;
  high: number;
  low: number;
  close: number;
}
type Probe = {
  symbol: string;
  interval: string;
  ready: boolean;
  liveUpdates: number;
  liveAnomalies: number;
  bars(): ProbeBar[];
  volumes(): { time: number; value: number }[];
  markers(): { time: number; position: string; shape: string; text: string; id: string }[];
  anomalies(): { time: number; kind: string; score: number }[];
  x(time: number): number | null;
};
declare const window: { __tickflowChart?: Probe };

let demo: ChildProcess | undefined;
let securedDemo: ChildProcess | undefined;
let context: BrowserContext | undefined;
let page: Page;
let base = '';
let profile = '';
const output: string[] = [];

async function startDemo(env: Record<string, string> = {}): Promise<{ child: ChildProcess; base: string }> {
  const child = spawn(
    process.execPath,
    [join(APP, 'bin/tickflow.mjs'), 'demo', '--source', 'synthetic', '--symbols', SYMBOLS.join(','), '--speed', '600', '--rate', '1', '--metrics-port', '0'],
    { cwd: APP, env: { ...process.env, TICKFLOW_PLAIN: '1', TICKFLOW_METRICS_HOST: '127.0.0.1', TICKFLOW_LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const seen: string[] = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`demo did not print its dashboard URL within 60 s:\n${seen.join('')}`)), 60_000);
    const onData = (chunk: Buffer) => {
      seen.push(chunk.toString());
      output.push(chunk.toString());
      if (output.length > 200) output.splice(0, output.length - 200);
      const m = /dashboard on (http:\/\/[^\s/]+)\//.exec(seen.join(''));
      if (m) {
        clearTimeout(timer);
        resolve({ child, base: m[1] as string });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`demo exited with ${code}:\n${seen.join('')}`)));
  });
}

/** Runs `fn` in the page with the chart probe (its source is sent, so it must not close over anything). */
const probe = <T>(fn: (p: Probe) => T) => page.evaluate(`(${fn.toString()})(window.__tickflowChart)`) as Promise<T>;
const waitFor = (pred: string, timeout = 30_000) => page.waitForFunction(pred, undefined, { timeout, polling: 100 });

async function apiBars(symbol: string, interval: string): Promise<{ start: number; open: number; high: number; low: number; close: number; volume: number }[]> {
  const res = await fetch(`${base}/api/bars?symbol=${encodeURIComponent(symbol)}&interval=${interval}&limit=1500`);
  expect(res.status).toBe(200);
  return ((await res.json()) as { bars: Awaited<ReturnType<typeof apiBars>> }).bars;
}

/** The newest modification time of the page's sources (a build older than this is rebuilt). */
const newestSource = (dir: string): number =>
  Math.max(...readdirSync(dir, { withFileTypes: true }).map((e) => (e.isDirectory() ? newestSource(join(dir, e.name)) : statSync(join(dir, e.name)).mtimeMs)));

/** Counts pixels of the chart's canvases close to a colour. */
async function colourPixels(r: number, g: number, b: number): Promise<number> {
  return page.evaluate(`(() => {
    let n = 0;
    for (const c of document.querySelectorAll('#chart canvas')) {
      const ctx = c.getContext('2d');
      if (!ctx || c.width === 0 || c.height === 0) continue;
      const d = ctx.getImageData(0, 0, c.width, c.height).data;
      for (let i = 0; i < d.length; i += 4) if (Math.abs(d[i] - ${r}) + Math.abs(d[i + 1] - ${g}) + Math.abs(d[i + 2] - ${b}) < 40) n++;
    }
    return n;
  })()`) as Promise<number>;
}

/** Counts pixels of the chart's canvases close to the up/down candle colours. */
async function candlePixels(): Promise<{ up: number; down: number; painted: number; total: number }> {
  // A string, so the node-side type check needs no DOM types.
  return page.evaluate(`(() => {
    const near = (d, i, r, g, b) => Math.abs((d[i] ?? 0) - r) + Math.abs((d[i + 1] ?? 0) - g) + Math.abs((d[i + 2] ?? 0) - b) < 40;
    let up = 0;
    let down = 0;
    let painted = 0;
    let total = 0;
    for (const c of document.querySelectorAll('#chart canvas')) {
      const ctx = c.getContext('2d');
      if (!ctx || c.width === 0 || c.height === 0) continue;
      const d = ctx.getImageData(0, 0, c.width, c.height).data;
      for (let i = 0; i < d.length; i += 4) {
        total++;
        if ((d[i + 3] ?? 0) > 0 && !near(d, i, 0x0f, 0x14, 0x20)) painted++;
        if (near(d, i, 0x26, 0xa6, 0x9a)) up++;
        else if (near(d, i, 0xef, 0x53, 0x50)) down++;
      }
    }
    return { up, down, painted, total };
  })()`) as Promise<{ up: number; down: number; painted: number; total: number }>;
}

describe.skipIf(!hasChromium)('dashboard in chromium', () => {
  beforeAll(async () => {
    const built = join(APP, 'dist/web/index.html');
    if (!existsSync(built) || statSync(built).mtimeMs < newestSource(join(APP, 'web'))) {
      execFileSync('npm', ['run', 'build', '-w', '@tickflow/reference-app'], { cwd: ROOT, stdio: 'inherit' });
    }
    ({ child: demo, base } = await startDemo());
    profile = mkdtempSync(join(tmpdir(), 'tickflow-chromium-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      viewport: { width: 1280, height: 720 },
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on('pageerror', (e) => output.push(`[page error] ${e.message}\n`));
  });

  afterAll(async () => {
    await context?.close();
    demo?.kill('SIGTERM');
    securedDemo?.kill('SIGTERM');
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  it('draws the candles the API serves for the first symbol', async () => {
    await page.goto(`${base}/?symbol=AAPL`);
    await waitFor('window.__tickflowChart?.ready && window.__tickflowChart.bars().length >= 3');
    const drawn = await probe((p) => ({ symbol: p.symbol, interval: p.interval, bars: p.bars(), volumes: p.volumes() }));
    expect(drawn.symbol).toBe('AAPL');
    expect(drawn.interval).toBe('5m');
    for (const b of drawn.bars) {
      expect(b.low).toBeLessThanOrEqual(Math.min(b.open, b.close));
      expect(b.high).toBeGreaterThanOrEqual(Math.max(b.open, b.close));
      expect(b.time % 300).toBe(0);
    }
    expect(drawn.volumes.length).toBe(drawn.bars.length);
    // The chart holds what /api/bars serves (the newest bar may have moved on since: compare the closed ones).
    const served = await apiBars('AAPL', '5m');
    const byTime = new Map(served.map((b) => [b.start / 1000, b]));
    const closed = drawn.bars.slice(0, -1);
    expect(closed.length).toBeGreaterThanOrEqual(2);
    for (const b of closed) expect(byTime.get(b.time)).toMatchObject({ open: b.open, high: b.high, low: b.low, close: b.close });
    // And the canvas is not blank: candle-coloured pixels are painted.
    const px = await candlePixels();
    expect(px.total).toBeGreaterThan(100_000);
    expect(px.up + px.down).toBeGreaterThan(200);
    expect(px.painted).toBeGreaterThan(px.up + px.down);
  });

  it('adds a new bar live, without reloading', async () => {
    const before = await probe((p) => p.bars().at(-1)?.time ?? 0);
    await page.evaluate(() => {
      (window as unknown as { __marker: number }).__marker = 42;
    });
    await waitFor(`(window.__tickflowChart.bars().at(-1)?.time ?? 0) > ${before}`, 20_000);
    const after = await probe((p) => ({ last: p.bars().at(-1)?.time ?? 0, live: p.liveUpdates }));
    expect(after.last).toBeGreaterThan(before);
    expect(after.live).toBeGreaterThan(0);
    // same page: the marker survived, so the new bar came over the stream, not a reload
    expect(await page.evaluate(() => (window as unknown as { __marker?: number }).__marker)).toBe(42);
    expect(await page.textContent('#status')).toBe('live');
  });

  it('switches symbol with the picker', async () => {
    await page.selectOption('#symbol', 'MSFT');
    await waitFor("window.__tickflowChart.symbol === 'MSFT' && window.__tickflowChart.ready && window.__tickflowChart.bars().length >= 2");
    const bars = await probe((p) => p.bars());
    const served = await apiBars('MSFT', '5m');
    const first = served.find((b) => b.start / 1000 === bars[0]?.time);
    expect(first).toMatchObject({ open: bars[0]?.open, close: bars[0]?.close });
    expect(page.url()).toContain('symbol=MSFT');
    // AAPL and MSFT are different series (synthetic prices start near 100 and wander apart)
    const aapl = await apiBars('AAPL', '5m');
    expect(served.map((b) => b.close)).not.toEqual(aapl.slice(0, served.length).map((b) => b.close));
  });

  it('switches to 1h bars and back', async () => {
    await page.click('[data-interval="1h"]');
    await waitFor("window.__tickflowChart.interval === '1h' && window.__tickflowChart.ready && window.__tickflowChart.bars().length >= 1", 30_000);
    const hourly = await probe((p) => p.bars());
    for (const b of hourly) expect(b.time % 3600).toBe(0);
    expect(await page.getAttribute('[data-interval="1h"]', 'class')).toContain('active');
    await page.click('[data-interval="5m"]');
    await waitFor("window.__tickflowChart.interval === '5m' && window.__tickflowChart.ready && window.__tickflowChart.bars().length >= 3");
    expect(await probe((p) => p.bars().some((b) => b.time % 3600 !== 0))).toBe(true);
  });

  it('shows pipeline health and saves a screenshot', async () => {
    await page.selectOption('#symbol', 'AAPL');
    await waitFor("window.__tickflowChart.symbol === 'AAPL' && window.__tickflowChart.ready");
    await page.waitForSelector('#symbols tbody tr', { timeout: 10_000 });
    const counters = await page.textContent('#counters');
    expect(counters).toMatch(/trades\/s[\d.]+/);
    expect(counters).toContain('DLQ');
    expect(counters).toContain('lag');
    const rows = await page.$$eval('#symbols tbody tr', (trs) => trs.map((tr) => ({ symbol: tr.getAttribute('data-symbol'), stale: tr.classList.contains('stale') })));
    expect(rows.map((r) => r.symbol).sort()).toEqual([...SYMBOLS].sort());
    expect(rows.every((r) => !r.stale)).toBe(true);
    await new Promise((r) => setTimeout(r, 1500)); // a few more live candles for the picture
    mkdirSync(join(ROOT, 'test-results'), { recursive: true });
    const file = join(ROOT, 'test-results/dashboard.png');
    await page.screenshot({ path: file });
    expect(existsSync(file)).toBe(true);
    expect(output.join('')).not.toContain('[page error]');
  });

  it('marks anomalies on the candles (kind and score), lists them, and adds one live', async () => {
    // A calm seeded AAPL series with a 2.5 % jump on a 30× volume bar at 150 and a 2.5 % drop at 200.
    const store = new BarStore({ maxPerSeries: 5000 });
    const t0 = Date.UTC(2024, 0, 2, 14, 30);
    const aapl = calmBars({ symbol: 'AAPL', n: 240, start: t0, seed: 21, spikes: [{ at: 150, price: 1.025, volume: 30 }, { at: 200, price: 0.975 }] });
    const msft = calmBars({ symbol: 'MSFT', n: 240, start: t0, seed: 22 });
    for (const b of [...aapl, ...msft.filter((_, i) => i !== 230)]) store.upsert(b, true); // MSFT has a gap at 230
    const ops = await startOpsServer({ host: '127.0.0.1', port: 0, registry: new Registry() });
    const health = { trades: 48_000, tradesPerSecond: 120, invalid: 0, late: 0, duplicates: 0, deadLettered: 0, lagMs: 850 };
    const mounted = mountApi(ops, { api: ApiConfigSchema.parse({}), reader: storeBarReader(store), feed: store, health: () => health });
    const secs = (i: number) => (aapl[i]?.start as number) / 1000;
    try {
      await page.goto(`${ops.url}/?symbol=AAPL&interval=5m`);
      await waitFor("window.__tickflowChart?.symbol === 'AAPL' && window.__tickflowChart.ready && window.__tickflowChart.bars().length === 240");
      const drawn = await probe((p) => ({ markers: p.markers(), anomalies: p.anomalies() }));
      // exactly the spiked bars carry markers: both kinds on 150, the drop on 200
      expect(drawn.markers.map((m) => [m.time, m.text.split(' ')[0], m.position, m.shape])).toEqual([
        [secs(150), 'ret', 'aboveBar', 'arrowDown'],
        [secs(150), 'vol', 'belowBar', 'circle'],
        [secs(200), 'ret', 'belowBar', 'arrowUp'],
      ]);
      // the text carries the score the API computed
      const served = (await (await fetch(`${ops.url}/api/anomalies?symbol=AAPL&interval=5m&limit=1500`)).json()) as { anomalies: ApiAnomaly[] };
      expect(served.anomalies.map((a) => [a.ts / 1000, a.kind])).toEqual(drawn.anomalies.map((a) => [a.time, a.kind]));
      for (const [i, m] of drawn.markers.entries()) {
        const score = served.anomalies[i]?.score as number;
        expect(m.text).toContain(`${score >= 0 ? '+' : '−'}${Math.abs(score).toFixed(1)}σ`);
      }
      expect(served.anomalies[2]?.score).toBeLessThan(-5);
      // painted: marker-coloured pixels on the canvas (return amber, volume purple)
      expect(await colourPixels(0xff, 0xb7, 0x4d)).toBeGreaterThan(20);
      expect(await colourPixels(0xb3, 0x88, 0xff)).toBeGreaterThan(20);
      // the side panel lists them, newest first
      const listed = await page.$$eval('#anomalies li[data-ts]', (lis) => lis.map((li) => [Number(li.getAttribute('data-ts')), li.getAttribute('data-kind')]));
      expect(listed).toEqual([
        [aapl[200]?.start, 'return'],
        [aapl[150]?.start, 'volume'],
        [aapl[150]?.start, 'return'],
      ]);
      expect(await page.textContent('#anomaly-count')).toBe('(3)');
      // hovering the spiked candle shows what was unusual about it
      const box = await page.locator('#chart').boundingBox();
      const x = await page.evaluate(`window.__tickflowChart.x(${secs(150)})`);
      expect(typeof x).toBe('number');
      await page.mouse.move((box?.x ?? 0) + (x as number), (box?.y ?? 0) + (box?.height ?? 0) / 2);
      await page.waitForSelector('#anomaly-tip:not([hidden])', { timeout: 5_000 });
      const tipText = await page.textContent('#anomaly-tip');
      expect(tipText).toContain(`return z=+${served.anomalies[0]?.score.toFixed(1)}σ`);
      expect(tipText).toContain(`volume z=+${served.anomalies[1]?.score.toFixed(1)}σ`);
      await page.mouse.move((box?.x ?? 0) + (await page.evaluate(`window.__tickflowChart.x(${secs(100)})`) as number), (box?.y ?? 0) + 100);
      await page.waitForSelector('#anomaly-tip[hidden]', { state: 'attached', timeout: 5_000 });
      // live: a new final bar with 40× the volume gets its marker over the stream, without a reload
      const last = aapl.at(-1) as (typeof aapl)[number];
      store.upsert({ ...last, start: last.end, end: last.end + 300_000, open: last.close, volume: last.volume * 40 }, true);
      await waitFor('window.__tickflowChart.markers().length === 4 && window.__tickflowChart.liveAnomalies === 1', 10_000);
      const liveMarker = await probe((p) => p.markers().at(-1));
      expect(liveMarker).toMatchObject({ time: last.end / 1000, position: 'belowBar', shape: 'circle' });
      expect(liveMarker?.text).toMatch(/^vol \+\d+\.\dσ$/);
      expect(await page.getAttribute('#anomalies li[data-ts]', 'data-ts')).toBe(String(last.end));
      // a calm symbol has none
      await page.selectOption('#symbol', 'MSFT');
      await waitFor("window.__tickflowChart.symbol === 'MSFT' && window.__tickflowChart.ready");
      expect(await probe((p) => p.markers().length)).toBe(0);
      expect(await page.textContent('#anomalies')).toContain('none among these bars');
      // a bar arriving for the older window the chart has no candle for (the gap) is inserted in order
      expect(await probe((p) => p.bars().length)).toBe(239);
      store.upsert(msft[230] as (typeof msft)[number], true);
      await waitFor('window.__tickflowChart.bars().length === 240', 10_000);
      const times = await probe((p) => p.bars().map((b) => b.time));
      expect(times).toEqual(msft.map((b) => b.start / 1000));
      expect(await probe((p) => p.volumes().map((v) => v.time))).toEqual(times);
      await page.selectOption('#symbol', 'AAPL');
      await waitFor("window.__tickflowChart.symbol === 'AAPL' && window.__tickflowChart.ready && window.__tickflowChart.markers().length === 4");
      await page.waitForSelector('#symbols tbody tr', { timeout: 10_000 });
      await page.mouse.move(1200, 600); // over the side panel: no crosshair in the picture
      mkdirSync(join(ROOT, 'test-results'), { recursive: true });
      await page.screenshot({ path: join(ROOT, 'test-results/dashboard-anomalies.png') });
      expect(output.join('')).not.toContain('[page error]');
    } finally {
      mounted.close();
      await ops.close();
    }
  });

  it('draws the same markers when the API reads Cassandra without a live feed (tickflow process: e2e/processPage.test.ts)', async () => {
    // The spiked series written to a real Cassandra's Gold table (spanning midnight: two day partitions).
    const t0 = Date.UTC(2024, 0, 2, 14, 30);
    const aapl = calmBars({ symbol: 'AAPL', n: 240, start: t0, seed: 21, spikes: [{ at: 150, price: 1.025, volume: 30 }, { at: 200, price: 0.975 }] });
    const keyspace = uniqueKeyspace('tf_it_anomalies');
    const client = testClient();
    await client.connect();
    const ops = await startOpsServer({ host: '127.0.0.1', port: 0, registry: new Registry() });
    try {
      await ensureSchema(client, { keyspace });
      const rows: Bar[] = aapl.map(({ final: _final, ...bar }) => bar);
      await lastValueFrom(from(rows).pipe(cassandraSink<Bar>({ client, table: 'trades_gold_5m', keyspace, concurrency: 32 }), toArray()));
      const reader = cassandraBarReader(client, { keyspace, symbols: ['AAPL'], now: () => t0 + 241 * 300_000 });
      const mounted = mountApi(ops, { api: ApiConfigSchema.parse({}), reader });
      try {
        // the same anomalies as from the in-memory store, warm-up included (read across the partitions)
        const store = new BarStore({ maxPerSeries: 5000 });
        for (const b of aapl) store.upsert(b, true);
        const fromStore = await findAnomalies(storeBarReader(store), { symbol: 'AAPL', interval: '5m', from: aapl[140]?.start, limit: 1000 });
        const res = await fetch(`${ops.url}/api/anomalies?symbol=AAPL&interval=5m&from=${aapl[140]?.start}`);
        expect(res.status).toBe(200);
        const fromCassandra = (await res.json()) as { bars: number; warmupBars: number; anomalies: ApiAnomaly[] };
        expect(fromCassandra).toMatchObject({ bars: 100, warmupBars: 101 });
        expect(fromCassandra.anomalies.map((a) => [a.ts, a.kind, a.score.toFixed(6)])).toEqual(fromStore.anomalies.map((a) => [a.ts, a.kind, a.score.toFixed(6)]));
        expect(fromCassandra.anomalies.map((a) => a.ts)).toEqual([aapl[150]?.start, aapl[150]?.start, aapl[200]?.start]);
        // and the page draws them (no stream in this mode: it answers 503 and the page still shows the history)
        await page.goto(`${ops.url}/?symbol=AAPL&interval=5m`);
        await waitFor("window.__tickflowChart?.symbol === 'AAPL' && window.__tickflowChart.ready && window.__tickflowChart.bars().length === 240");
        const markers = await probe((p) => p.markers());
        expect(markers.map((m) => [m.time * 1000, m.text.split(' ')[0]])).toEqual([
          [aapl[150]?.start, 'ret'],
          [aapl[150]?.start, 'vol'],
          [aapl[200]?.start, 'ret'],
        ]);
      } finally {
        mounted.close();
      }
    } finally {
      await ops.close();
      await client.execute(`DROP KEYSPACE IF EXISTS ${keyspace}`, [], { readTimeout: 60_000 }).catch(() => {});
      await client.shutdown();
    }
  }, 180_000);

  it('with TICKFLOW_API_TOKEN set, asks for the token, and takes it from #token=', async () => {
    const secured = await startDemo({ TICKFLOW_API_TOKEN: 'browser-test-token' });
    securedDemo = secured.child;
    const p = await (context as BrowserContext).newPage();
    try {
      expect((await fetch(`${secured.base}/api/symbols`)).status).toBe(401);
      await p.goto(`${secured.base}/`);
      await p.waitForSelector('#login:not([hidden])', { timeout: 10_000 });
      expect(await p.textContent('#login-error')).toContain('missing token');
      await p.fill('#token', 'browser-test-token');
      await p.click('#login button');
      await p.waitForFunction('window.__tickflowChart?.ready && window.__tickflowChart.bars().length >= 1', undefined, { timeout: 30_000 });
      // a fresh tab: the token in the fragment is used and removed from the address bar
      const q = await (context as BrowserContext).newPage();
      await q.goto(`${secured.base}/#token=browser-test-token`);
      await q.waitForFunction('window.__tickflowChart?.ready && window.__tickflowChart.bars().length >= 1', undefined, { timeout: 30_000 });
      expect(q.url()).not.toContain('browser-test-token');
      expect(await q.isHidden('#login')).toBe(true);
      await q.close();
    } finally {
      await p.close();
    }
  });
});
