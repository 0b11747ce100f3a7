import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createFakeFinnhubServer, type FakeFinnhubServer } from './createFakeFinnhubServer.js';

/** A bare ws client that records every text frame. */
async function client(url: string) {
  const ws = new WebSocket(url);
  const frames: string[] = [];
  ws.on('message', (d) => frames.push(d.toString()));
  await once(ws, 'open');
  return { ws, frames, send: (o: object) => ws.send(JSON.stringify(o)) };
}

async function waitUntil(pred: () => boolean, timeoutMs = 3000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!pred()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('createFakeFinnhubServer', () => {
  let server: FakeFinnhubServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('listens on 127.0.0.1 on a free port and refuses a bad or missing token with HTTP 401', async () => {
    server = await createFakeFinnhubServer({ tokens: ['good'] });
    expect(server.url).toBe(`ws://127.0.0.1:${server.port}`);
    for (const url of [`${server.url}?token=bad`, server.url]) {
      const ws = new WebSocket(url);
      const [err] = await once(ws, 'error');
      expect(String((err as Error).message)).toMatch(/401/);
    }
    const ok = await client(`${server.url}?token=good`);
    expect(server.connections()[0]?.token).toBe('good');
    ok.ws.close();
  });

  it('sends trade frames only for subscribed symbols and stops after unsubscribe', async () => {
    server = await createFakeFinnhubServer({ pingIntervalMs: 0 });
    const c = await client(`${server.url}?token=t`);
    c.send({ type: 'subscribe', symbol: 'AAPL' });
    await server.waitForSubscription(['AAPL']);
    expect(await server.publish([{ s: 'AAPL', p: 1, t: 1, v: 1, c: ['1'] }, { s: 'MSFT', p: 2, t: 2, v: 2 }])).toBe(1);
    await waitUntil(() => c.frames.length === 1);
    expect(JSON.parse(c.frames[0] as string)).toEqual({ data: [{ s: 'AAPL', p: 1, t: 1, v: 1, c: ['1'] }], type: 'trade' });
    c.send({ type: 'unsubscribe', symbol: 'AAPL' });
    await waitUntil(() => server?.connections()[0]?.symbols.length === 0);
    expect(await server.publish([{ s: 'AAPL', p: 1, t: 3, v: 1 }])).toBe(0);
    expect(server.sentTrades()).toHaveLength(1);
    c.ws.close();
  });

  it('answers "Subscribing to too many symbols" past the limit', async () => {
    server = await createFakeFinnhubServer({ maxSymbolsPerConnection: 2, pingIntervalMs: 0 });
    const c = await client(`${server.url}?token=t`);
    for (const s of ['A', 'B', 'C']) c.send({ type: 'subscribe', symbol: s });
    await waitUntil(() => c.frames.length === 1);
    expect(JSON.parse(c.frames[0] as string)).toEqual({ msg: 'Subscribing to too many symbols', type: 'error' });
    expect(server.connections()[0]?.symbols).toEqual(['A', 'B']);
    c.ws.close();
  });

  it('pings at the configured interval, and stays quiet when silenced', async () => {
    server = await createFakeFinnhubServer({ pingIntervalMs: 20 });
    const c = await client(`${server.url}?token=t`);
    await waitUntil(() => c.frames.length >= 2);
    expect(c.frames.every((f) => f === '{"type":"ping"}')).toBe(true);
    server.silence();
    const n = c.frames.length;
    await new Promise((r) => setTimeout(r, 100));
    expect(c.frames.length).toBeLessThanOrEqual(n + 1); // at most one in flight
    expect(c.ws.readyState).toBe(WebSocket.OPEN);
    c.ws.close();
  });

  it('duplicates frames, bursts, sends garbage and drops connections abruptly on demand', async () => {
    server = await createFakeFinnhubServer({ pingIntervalMs: 0 });
    const c = await client(`${server.url}?token=t`);
    c.send({ type: 'subscribe', symbol: 'X' });
    await server.waitForSubscription(['X']);
    expect(await server.burst('X', 250, { frameSize: 100, copies: 3 })).toBe(250);
    await waitUntil(() => c.frames.length === 9);
    expect(server.sent.map((f) => [f.trades.length, f.copies])).toEqual([
      [100, 3],
      [100, 3],
      [50, 3],
    ]);
    server.sendGarbage(3);
    await waitUntil(() => c.frames.length === 12);
    const closed = once(c.ws, 'close');
    server.dropAll();
    const [code] = await closed;
    expect(code).toBe(1006); // no close frame: an abrupt drop
  });

  it('replays recorded trades as frames and logs what it sent', async () => {
    server = await createFakeFinnhubServer({ pingIntervalMs: 0 });
    const c = await client(`${server.url}?token=t`);
    c.send({ type: 'subscribe', symbol: 'BINANCE:BTCUSDT' });
    await server.waitForSubscription(['BINANCE:BTCUSDT']);
    const csv = 'exchange,symbol,timestamp,local_timestamp,id,side,price,amount\nbinance-futures,BTCUSDT,1582329602111000,1,42377944,buy,9682,0.132\nbinance-futures,BTCUSDT,1582329602116000,1,42377945,buy,9682,0.412\n';
    const { writeFileSync, mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const path = `${mkdtempSync(`${tmpdir()}/fakefinnhub-`)}/trades.csv`;
    writeFileSync(path, csv);
    expect(await server.replayFile(path)).toBe(2);
    await waitUntil(() => c.frames.length === 1);
    expect(JSON.parse(c.frames[0] as string).data).toEqual([
      { s: 'BINANCE:BTCUSDT', p: 9682, t: 1582329602111, v: 0.132, c: null },
      { s: 'BINANCE:BTCUSDT', p: 9682, t: 1582329602116, v: 0.412, c: null },
    ]);
    expect(server.sentTrades()).toHaveLength(2);
    c.ws.close();
  });

  it('replays at a pace: trades due together share a frame, later ones come later', async () => {
    server = await createFakeFinnhubServer({ pingIntervalMs: 0 });
    const c = await client(`${server.url}?token=t`);
    c.send({ type: 'subscribe', symbol: 'A' });
    await server.waitForSubscription(['A']);
    const { writeFileSync, mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const path = `${mkdtempSync(`${tmpdir()}/fakefinnhub-`)}/paced.csv`;
    writeFileSync(path, 'symbol,price,size,ts\nA,1,1,1700000000000\nA,2,1,1700000000000\nA,3,1,1700000000400\n');
    const t0 = Date.now();
    expect(await server.replayFile(path, { speed: 2 })).toBe(3);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(190); // 400 ms of market time at 2×
    await waitUntil(() => c.frames.length === 2);
    expect(c.frames.map((f) => JSON.parse(f).data.map((t: { p: number }) => t.p))).toEqual([[1, 2], [3]]);
    c.ws.close();
  });

  it('closes both connections when a key connects twice, if asked to', async () => {
    server = await createFakeFinnhubServer({ oneConnectionPerToken: true, pingIntervalMs: 0 });
    const a = await client(`${server.url}?token=same`);
    const closedA = once(a.ws, 'close');
    const b = new WebSocket(`${server.url}?token=same`);
    const closedB = once(b, 'close');
    const [[codeA], [codeB]] = await Promise.all([closedA, closedB]);
    expect([codeA, codeB]).toEqual([1008, 1008]);
  });
});
