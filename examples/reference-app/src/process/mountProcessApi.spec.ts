import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Bar } from '@tickflow/core';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiConfigSchema } from '../api/ApiConfigSchema.js';
import type { ApiAnomaly } from '../api/ApiAnomaly.js';
import type { ApiBar, BarReader } from '../api/BarReader.js';
import type { BarEvent } from '../api/BarStream.js';
import { calmBars } from '../api/calmBars.js';
import { createTelemetry } from '../ops/createTelemetry.js';
import { type OpsServer, startOpsServer } from '../ops/startOpsServer.js';
import { readSse } from '../testing/readSse.js';
import { mountProcessApi, type ProcessApi } from './mountProcessApi.js';

const T0 = Date.UTC(2024, 0, 2, 14, 30);
const TOKEN = 'process-token-1';
const bar = (i: number, over: Partial<Bar> = {}): Bar => ({ symbol: 'AAPL', interval: '5m', start: T0 + i * 300_000, end: T0 + (i + 1) * 300_000, open: 100, high: 102, low: 99, close: 101, volume: 10, count: 3, vwap: 100.5, ...over });

let ops: OpsServer | undefined;
let page: ProcessApi | undefined;
afterEach(async () => {
  page?.close();
  await ops?.close();
  ops = page = undefined;
});

/** A reader over an array standing in for Cassandra's Gold tables (what was acknowledged). */
function arrayReader(stored: ApiBar[]): BarReader {
  return {
    bars: async (q) => stored.filter((b) => b.symbol === q.symbol && b.interval === q.interval && (q.from === undefined || b.start >= q.from) && (q.to === undefined || b.start < q.to)).slice(-q.limit),
    symbols: async () => ['AAPL', 'MSFT'],
  };
}

async function start(stored: ApiBar[] = [], reader: BarReader = arrayReader(stored)) {
  const telemetry = createTelemetry({ logLevel: 'error', write: () => {} });
  const webRoot = mkdtempSync(join(tmpdir(), 'tickflow-web-'));
  writeFileSync(join(webRoot, 'index.html'), '<!doctype html><title>tickflow</title><div id="chart"></div>');
  ops = await startOpsServer({ host: '127.0.0.1', port: 0, registry: telemetry.registry });
  let wm = Number.NEGATIVE_INFINITY;
  page = mountProcessApi(ops, {
    api: ApiConfigSchema.parse({ token: TOKEN }),
    reader,
    registry: telemetry.registry,
    watermark: () => wm,
    pipeline: { maxOutOfOrdernessMs: 600_000, allowedLatenessMs: 0, idleTimeoutMs: 60_000 },
    webRoot,
    sampleEveryMs: 0,
  });
  return { url: ops.url, telemetry, page, setWatermark: (v: number) => (wm = v) };
}

const connected = async (p: ProcessApi, n: number) => {
  for (let i = 0; i < 100 && (p.api.stream?.clients ?? 0) < n; i++) await new Promise((r) => setTimeout(r, 10));
};

describe('mountProcessApi', () => {
  it('serves the page at / and keeps /api/* behind the API token (the page passes it to EventSource as access_token)', async () => {
    const { url } = await start();
    const index = await fetch(`${url}/`);
    expect(index.status).toBe(200);
    expect(await index.text()).toContain('<div id="chart">');
    expect((await fetch(`${url}/api/stream?interval=5m`)).status).toBe(401);
    expect((await fetch(`${url}/api/symbols`, { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(200);
    const res = await fetch(`${url}/api/stream?interval=5m&access_token=${TOKEN}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    await res.body?.cancel();
  });

  it('streams each acknowledged Gold bar as final, marks a rewritten window as a restatement, ignores other writes', async () => {
    const { url, page } = await start();
    const five = await fetch(`${url}/api/stream?symbol=AAPL&interval=5m&access_token=${TOKEN}`);
    const hour = await fetch(`${url}/api/stream?symbol=AAPL&interval=1h&access_token=${TOKEN}`);
    await connected(page, 2);
    const got5 = readSse(five, 3);
    const got1h = readSse(hour, 1);
    page.onWrite({ kind: 'silver', trade: { symbol: 'AAPL', price: 1, size: 1, ts: T0 } });
    page.onWrite({ kind: 'bar', bar: bar(0) });
    page.onWrite({ kind: 'bar', bar: bar(1) });
    page.onWrite({ kind: 'bar', bar: { ...bar(0), interval: '1h', end: T0 + 3_600_000 } });
    page.onWrite({ kind: 'bar', bar: bar(0, { close: 100.5 }) }); // the same window written again
    const events = (await got5).map((e) => e.data as BarEvent);
    expect(events.map((e) => [e.bar.start, e.bar.close, e.revision, e.restatement, e.final])).toEqual([
      [T0, 101, 0, false, true],
      [T0 + 300_000, 101, 0, false, true],
      [T0, 100.5, 1, true, true],
    ]);
    expect(((await got1h)[0]?.data as BarEvent | undefined)?.bar).toMatchObject({ interval: '1h', start: T0, final: true });
    expect(page.hub.published).toBe(4);
    // a symbol outside the configured list is listed once it has a bar
    page.onWrite({ kind: 'bar', bar: bar(0, { symbol: 'BINANCE:BTCUSDT' }) });
    const listed = await (await fetch(`${url}/api/symbols`, { headers: { authorization: `Bearer ${TOKEN}` } })).json();
    expect(listed).toEqual({ symbols: ['AAPL', 'BINANCE:BTCUSDT', 'MSFT'] });
  });

  it('sends an anomaly event after a Gold bar that is one, scored against the bars Cassandra holds', async () => {
    const history = calmBars({ symbol: 'AAPL', n: 150, start: T0 });
    const last = history.at(-1) as ApiBar;
    const spike: Bar = { ...last, start: last.end, end: last.end + 300_000, volume: last.volume * 1000 };
    const stored = [...history];
    const { url, page } = await start(stored);
    const res = await fetch(`${url}/api/stream?symbol=AAPL&interval=5m&access_token=${TOKEN}`);
    await connected(page, 1);
    const events = readSse(res, 2);
    stored.push({ ...spike, final: true }); // acknowledged by Cassandra, then reported
    page.onWrite({ kind: 'bar', bar: spike });
    const got = await events;
    expect(got.map((e) => e.name)).toEqual(['bar', 'anomaly']);
    const anomaly = got[1]?.data as ApiAnomaly | undefined;
    expect([anomaly?.kind, anomaly?.ts]).toEqual(['volume', spike.start]);
  });

  it('a bar query without a range reads up to the newest bar written (a replayed older day), with a range as asked', async () => {
    const asked: unknown[] = [];
    const spy: BarReader = {
      bars: async (q) => {
        asked.push({ ...q });
        return [];
      },
      symbols: async () => ['AAPL'],
    };
    const { url, page } = await start([], spy);
    const get = (qs: string) => fetch(`${url}/api/bars?${qs}`, { headers: { authorization: `Bearer ${TOKEN}` } });
    await get('symbol=AAPL&interval=5m');
    page.onWrite({ kind: 'bar', bar: bar(3) });
    page.onWrite({ kind: 'bar', bar: bar(1) }); // an older window written later does not move the anchor
    await get('symbol=AAPL&interval=5m&limit=10');
    await get('symbol=AAPL&interval=1h'); // no 1h bar written yet
    await get(`symbol=AAPL&interval=5m&from=${T0}`);
    expect(asked).toEqual([
      { symbol: 'AAPL', interval: '5m', limit: 1000 },
      { symbol: 'AAPL', interval: '5m', limit: 10, to: T0 + 4 * 300_000 },
      { symbol: 'AAPL', interval: '1h', limit: 1000 },
      { symbol: 'AAPL', interval: '5m', limit: 1000, from: T0 },
    ]);
  });

  it('/api/health shows the processor’s metrics and each symbol’s last Gold bar', async () => {
    const { url, page, telemetry, setWatermark } = await start();
    telemetry.metrics.ingested.inc(40, { stage: 'process', symbol: 'AAPL' });
    telemetry.metrics.invalid.inc(2, { stage: 'process', symbol: 'other', field: 'price' });
    telemetry.metrics.deadLettered.inc(2, { stage: 'process' });
    telemetry.metrics.late.inc(1, { stage: 'process', symbol: 'AAPL' });
    telemetry.metrics.lastEventTime.set((T0 + 700_000) / 1000, { symbol: 'AAPL' });
    setWatermark(T0 + 100_000);
    await page.health.sample();
    page.onWrite({ kind: 'bar', bar: bar(0) });
    const h = (await (await fetch(`${url}/api/health`, { headers: { authorization: `Bearer ${TOKEN}` } })).json()) as {
      staleAfterMs: number;
      pipeline: Record<string, unknown>;
      symbols: { symbol: string; stale: boolean; lastBarStart: number | null }[];
    };
    expect(h.pipeline).toMatchObject({ trades: 40, invalid: 2, deadLettered: 2, late: 1, duplicates: 0, lagMs: 600_000 });
    expect(h.staleAfterMs).toBe(300_000 + 600_000 + 60_000 + 60_000);
    expect(h.symbols).toEqual([
      expect.objectContaining({ symbol: 'AAPL', stale: false, lastBarStart: T0 }),
      expect.objectContaining({ symbol: 'MSFT', stale: true, lastBarStart: null }),
    ]);
  });
});
