/**
 * `tickflow process` serves the dashboard: against the real Kafka, schema registry and Cassandra
 * (started by globalSetup), `tickflow produce` replays an NDJSON file of trades into Kafka and a
 * running `tickflow process` (its API behind a static token) must serve the page at `/`, stream
 * every Gold bar it writes over `/api/stream` — each one already readable from Cassandra when its
 * event arrives, equal to the stored row — and report its own counters on `/api/health`. When
 * Debian's chromium is installed, the page itself is loaded from the processor and must draw the
 * stored candles and add the next batch's bars live.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Bar } from '@tickflow/core';
import { readBars } from '@tickflow/sinks/cassandra';
import cassandra from 'cassandra-driver';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { appEnv } from '../../support/appEnv.js';
import { sseEventsByChunk } from '../../../examples/reference-app/src/testing/readSse.js';
import { freePort } from '../../support/freePort.js';
import { metricLines } from '../../support/metric.js';
import { sleep } from '../../support/sleep.js';
import { runTickflow, startTickflow, type TickflowProcess } from '../../support/tickflowProcess.js';
import { until } from '../../support/until.js';

const root = join(import.meta.dirname, '..', '..', '..');
const APP = join(root, 'examples', 'reference-app');
const CHROMIUM = '/usr/bin/chromium';
const services = inject('services');
const run = `pp${Date.now().toString(36)}`;
const TOKEN = 'process-page-token';
const T0 = Date.UTC(2020, 1, 24, 15, 0);
const M = 60_000;
const SYMBOLS = ['AAPL', 'MSFT'];

const env: Record<string, string> = {
  ...appEnv(services, run),
  TICKFLOW_SYMBOLS: SYMBOLS.join(','),
  TICKFLOW_MAX_OUT_OF_ORDERNESS_MS: '1000',
  TICKFLOW_IDLE_TIMEOUT_MS: '2000',
  TICKFLOW_API_TOKEN: TOKEN,
  TICKFLOW_METRICS_HOST: '127.0.0.1',
  TICKFLOW_LOG_LEVEL: 'warn',
  TICKFLOW_NO_WEB_BUILD: '1',
};
/** Polls every 500 ms: `settled` compares two polls. */
const POLL = { everyMs: 500 };

/** Trades of both symbols every 10 s in [from, to) (minutes after T0), prices wandering apart. */
function trades(fromMin: number, toMin: number): { symbol: string; price: number; size: number; ts: number }[] {
  const out = [];
  for (let ts = T0 + fromMin * M; ts < T0 + toMin * M; ts += 10_000) {
    const k = (ts - T0) / 10_000;
    out.push({ symbol: 'AAPL', price: Math.round((180 + 3 * Math.sin(k / 17) + (k % 5) / 10) * 100) / 100, size: 1 + (k % 7), ts });
    out.push({ symbol: 'MSFT', price: Math.round((400 - 5 * Math.cos(k / 23) + (k % 3) / 10) * 100) / 100, size: 2 + (k % 4), ts: ts + 3_000 });
  }
  return out;
}

interface StreamedBar {
  name: string;
  event: { bar: Bar & { final?: boolean }; revision: number; restatement: boolean; final: boolean };
  /** The Cassandra row of the same window, read the moment the event arrived. */
  stored: Bar | undefined;
}
const key = (b: Pick<Bar, 'symbol' | 'interval' | 'start'>) => `${b.symbol}|${b.interval}|${b.start}`;

const newestSource = (dir: string): number =>
  Math.max(...readdirSync(dir, { withFileTypes: true }).map((e) => (e.isDirectory() ? newestSource(join(dir, e.name)) : statSync(join(dir, e.name)).mtimeMs)));

describe.skipIf(!services.kafka || !services.cassandra || !services['schema-registry'])('tickflow process serves the live dashboard', () => {
  let client: cassandra.Client;
  let kafka: Kafka;
  let dir = '';
  let processor: TickflowProcess | undefined;
  let stopStream = () => {};

  beforeAll(async () => {
    const built = join(APP, 'dist/web/index.html');
    if (!existsSync(built) || statSync(built).mtimeMs < newestSource(join(APP, 'web'))) {
      execFileSync('npm', ['run', 'build', '-w', '@tickflow/reference-app'], { cwd: root, stdio: 'inherit' });
    }
    dir = mkdtempSync(join(tmpdir(), 'tickflow-process-page-'));
    client = new cassandra.Client({ contactPoints: env.CASSANDRA_CONTACT_POINTS!.split(','), localDataCenter: process.env.CASSANDRA_LOCAL_DC ?? 'datacenter1' });
    await client.connect();
    kafka = new Kafka({ brokers: env.KAFKA_BROKERS!.split(','), logLevel: logLevel.NOTHING });
  });
  afterAll(async () => {
    stopStream();
    processor?.proc.kill('SIGKILL');
    await client?.execute(`DROP KEYSPACE IF EXISTS ${run}`, [], { readTimeout: 60_000 }).catch(() => {});
    await client?.shutdown();
    const admin = kafka?.admin();
    await admin?.connect().then(() => admin.deleteTopics({ topics: [`${run}_trades`, `${run}_crypto`, `${run}_quotes`, `${run}_dlq`] })).catch(() => {});
    await admin?.disconnect().catch(() => {});
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('page at /, Gold bars on /api/stream after Cassandra has them, health from the processor’s metrics', async () => {
    expect(await runTickflow(['topics', 'create'], env)).toContain(`${run}_trades`);
    expect(await runTickflow(['schemas', 'register'], env)).toContain(`${run}_trades-value`);
    expect(await runTickflow(['cassandra', 'init'], env)).toContain('processor_checkpoints ready');

    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const auth = { authorization: `Bearer ${TOKEN}` };
    processor = startTickflow(['process', '--from-beginning'], env, { metricsPort: port });
    const p = processor;
    await until('the processor to be ready', async () => (await fetch(`${base}/readyz`)).status === 200, 120_000, { ...POLL, output: p.output });
    expect(p.output()).toContain(`dashboard on ${base}/`);

    // The page and its assets, without a token (the page asks for it); the API needs the token.
    const index = await fetch(`${base}/`);
    expect(index.status).toBe(200);
    const html = await index.text();
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script, html).toBeDefined();
    const asset = await fetch(`${base}${script}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toContain('javascript');
    expect((await asset.text()).length).toBeGreaterThan(10_000);
    expect((await fetch(`${base}/api/stream?interval=5m`)).status).toBe(401);
    expect((await fetch(`${base}/api/symbols`)).status).toBe(401);
    expect(await (await fetch(`${base}/api/symbols`, { headers: auth })).json()).toEqual({ symbols: SYMBOLS });

    // The live stream of every series (as the page opens it: the token as access_token). Each bar
    // event is checked against Cassandra the moment it arrives.
    const streamed: StreamedBar[] = [];
    const controller = new AbortController();
    stopStream = () => controller.abort();
    const res = await fetch(`${base}/api/stream?access_token=${TOKEN}`, { signal: controller.signal });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    let received = 0; // bar events off the wire, before their Cassandra check
    const reading = (async () => {
      for await (const batch of sseEventsByChunk<StreamedBar['event']>(res, 'bar')) {
        for (const { name, data: event } of batch) {
          received++;
          const b = event.bar;
          const rows = await readBars(client, { symbol: b.symbol, interval: b.interval as '5m' | '1h', from: b.start, to: b.start + 1, keyspace: run });
          streamed.push({ name, event, stored: rows.find((r) => r.start === b.start) });
        }
      }
    })().catch((e: unknown) => {
      if (!controller.signal.aborted) throw e;
    });

    // Batch 1: 80 minutes of trades through the producer (acks carry their offsets now).
    const batch1 = trades(0, 80);
    const file1 = join(dir, 'batch1.ndjson');
    writeFileSync(file1, `${batch1.map((t) => JSON.stringify(t)).join('\n')}\n`);
    const produced = await runTickflow(['produce', '--source', 'replay', '--file', file1], env);
    expect(produced).toContain(`${batch1.length} records acknowledged`);
    // the newest offsets the producer reports are the partitions' last records in Kafka
    const places = /newest offsets (.+)$/m.exec(produced)?.[1]?.split(' ') ?? [];
    expect(places.length, produced).toBeGreaterThan(0);
    const admin = kafka.admin();
    await admin.connect();
    const highs = new Map((await admin.fetchTopicOffsets(`${run}_trades`)).map((o) => [o.partition, Number(o.high)]));
    await admin.disconnect();
    let inKafka = 0;
    for (const [partition, high] of highs) {
      inKafka += high;
      if (high > 0) expect(places, `partition ${partition}`).toContain(`${run}_trades/${partition}@${high - 1}`);
    }
    expect(inKafka).toBe(batch1.length);
    expect(places.length).toBe([...highs.values()].filter((h) => h > 0).length);

    // The closed windows' bars arrive on the stream: 15 closed 5m windows per symbol at least, and hour 0.
    const have = (interval: string, symbol: string) => streamed.filter((s) => s.event.bar.interval === interval && s.event.bar.symbol === symbol).length;
    // On a timeout the error also shows what the stream carried and the processor's counters.
    await until('the Gold bars of batch 1 on the stream', async () => SYMBOLS.every((s) => have('5m', s) >= 15 && have('1h', s) >= 1), 120_000, { ...POLL, output: p.output }).catch(async (e: Error) => {
      const seen = SYMBOLS.map((s) => `${s}: ${have('5m', s)}×5m ${have('1h', s)}×1h`).join(', ');
      const counters = await metricLines(port, /^tickflow_(trades_|bars_|open_|committed|kafka_source|rollup_|watermark|last_event|cassandra_(rows|write_(errors|retries)_total|in_flight|buffered))/);
      throw new Error(`${e.message}\nreceived ${received} bar events, checked ${streamed.length} (${seen})\n${counters}`);
    });
    const settled = async (what: string) => {
      let n = -1;
      await until(what, async () => {
        const same = streamed.length === n;
        n = streamed.length;
        return same;
      }, 60_000, { ...POLL, output: p.output });
      await sleep(2_000);
    };
    await settled('the stream to settle after batch 1');

    // Health: the processor's own counters.
    const health = await until(
      'the health panel to count every trade',
      async () => {
        const h = (await (await fetch(`${base}/api/health`, { headers: auth })).json()) as {
          pipeline: { trades: number; tradesPerSecond: number; invalid: number; late: number; deadLettered: number; lagMs: number | null; consumerLag: number | null };
          symbols: { symbol: string; stale: boolean; lastBarStart: number | null }[];
        };
        return h.pipeline.trades >= batch1.length && h.pipeline.consumerLag === 0 ? h : undefined;
      },
      30_000,
      { ...POLL, output: p.output },
    );
    expect(health.pipeline).toMatchObject({ trades: batch1.length, invalid: 0, late: 0, deadLettered: 0, consumerLag: 0 });
    expect(health.pipeline.lagMs).toBeGreaterThanOrEqual(0);
    expect(health.symbols.map((s) => [s.symbol, s.stale])).toEqual(SYMBOLS.map((s) => [s, false]));
    for (const s of health.symbols) expect(s.lastBarStart).toBeGreaterThanOrEqual(T0 + 70 * M);

    // Batch 2 while the page is open in a browser (when there is one): its bars are drawn live.
    let browser: { close(): Promise<void> } | undefined;
    let pageCheck: (() => Promise<void>) | undefined;
    if (existsSync(CHROMIUM)) {
      const { chromium } = await import('playwright-core');
      const b = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
      browser = b;
      const page = await b.newPage({ viewport: { width: 1280, height: 720 } });
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(`${base}/?symbol=AAPL&interval=5m#token=${TOKEN}`);
      await page.waitForFunction('window.__tickflowChart?.ready && window.__tickflowChart.bars().length >= 15', undefined, { timeout: 30_000, polling: 100 });
      const drawn = (await page.evaluate('window.__tickflowChart.bars()')) as { time: number; open: number; high: number; low: number; close: number }[];
      const stored = await readBars(client, { symbol: 'AAPL', interval: '5m', from: T0 - M, to: T0 + 3 * 60 * M, keyspace: run });
      expect(drawn.map((d) => [d.time * 1000, d.open, d.high, d.low, d.close])).toEqual(stored.map((s) => [s.start, s.open, s.high, s.low, s.close]));
      expect(page.url()).not.toContain(TOKEN);
      const before = drawn.at(-1)?.time ?? 0;
      pageCheck = async () => {
        await page.waitForFunction(`(window.__tickflowChart.bars().at(-1)?.time ?? 0) >= ${before + 3 * 300} && window.__tickflowChart.liveUpdates >= 3`, undefined, { timeout: 60_000, polling: 200 });
        expect(await page.textContent('#status')).toBe('live');
        await page.waitForSelector('#symbols tbody tr', { timeout: 10_000 });
        expect(await page.textContent('#counters')).toContain('consumer lag');
        const after = (await page.evaluate('window.__tickflowChart.bars()')) as { time: number; close: number }[];
        const storedNow = await readBars(client, { symbol: 'AAPL', interval: '5m', from: T0 - M, to: T0 + 3 * 60 * M, keyspace: run });
        const byStart = new Map(storedNow.map((s) => [s.start / 1000, s.close]));
        for (const a of after) expect(byStart.get(a.time), `candle at ${a.time}`).toBe(a.close);
        expect(errors).toEqual([]);
      };
    }
    try {
      const batch2 = trades(80, 100);
      const file2 = join(dir, 'batch2.ndjson');
      writeFileSync(file2, `${batch2.map((t) => JSON.stringify(t)).join('\n')}\n`);
      expect(await runTickflow(['produce', '--source', 'replay', '--file', file2], env)).toContain(`${batch2.length} records acknowledged`);
      await until('the Gold bars of batch 2 on the stream', async () => SYMBOLS.every((s) => have('5m', s) >= 18), 120_000, { ...POLL, output: p.output });
      await pageCheck?.();
    } finally {
      await browser?.close();
    }
    await settled('the stream to settle after batch 2');

    // Every streamed bar was already in Cassandra when its event arrived, equal to the row; the
    // stream carried each stored bar, once (a first write: no restatements), and nothing else.
    for (const s of streamed) {
      expect(s.stored, `${key(s.event.bar)} not in Cassandra when streamed`).toBeDefined();
      const { final, ...bar } = s.event.bar;
      expect(bar).toEqual(s.stored);
      expect(final).toBe(true);
      expect([s.event.final, s.event.revision, s.event.restatement]).toEqual([true, 0, false]);
    }
    const storedKeys: string[] = [];
    for (const symbol of SYMBOLS) {
      for (const interval of ['5m', '1h'] as const) {
        for (const b of await readBars(client, { symbol, interval, from: T0 - 60 * M, to: T0 + 3 * 60 * M, keyspace: run })) storedKeys.push(key(b));
      }
    }
    expect(streamed.map((s) => key(s.event.bar)).sort()).toEqual(storedKeys.sort());
    expect(storedKeys.filter((k) => k.includes('|1h|')).length).toBe(2); // hour 0 of each symbol (hour 1 is still open)

    // The query API serves the same bars the stream delivered.
    const api = (await (await fetch(`${base}/api/bars?symbol=MSFT&interval=5m&from=${T0}&to=${T0 + 2 * 60 * M}`, { headers: auth })).json()) as { bars: Bar[] };
    expect(api.bars.map((b) => b.start)).toEqual(streamed.filter((s) => s.event.bar.symbol === 'MSFT' && s.event.bar.interval === '5m').map((s) => s.event.bar.start).sort((a, b) => a - b));

    stopStream();
    await reading;
    p.proc.kill('SIGINT');
    expect(await p.exit, p.output()).toBe(0);
    expect(p.output()).not.toContain(TOKEN); // the token is never logged
  }, 600_000);
});
