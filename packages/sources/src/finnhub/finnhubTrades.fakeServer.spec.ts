import { existsSync } from 'node:fs';
import { ConfigurationError, memoryInstrumentation, type Trade } from '@tickflow/core';
import { dedupe } from '@tickflow/operators';
import type { Subscription } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { createFakeFinnhubServer, type FakeFinnhubServer, type FakeFinnhubTrade } from '../testing/fakeFinnhub/createFakeFinnhubServer.js';
import { finnhubTrades } from './finnhubTrades.js';

const TARDIS = '/work/shared/fixtures/trades/tardis-binance-futures-btcusdt-2020-02-22/trades.csv';

async function waitUntil(what: string, pred: () => boolean, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!pred()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const valueKey = (t: { symbol: string; price: number; size: number; ts: number }) => `${t.symbol}|${t.ts}|${t.price}|${t.size}`;
const rawKey = (t: FakeFinnhubTrade) => `${t.s}|${t.t}|${t.p}|${t.v}`;
const multiset = (keys: string[]) => {
  const m = new Map<string, number>();
  for (const k of keys) m.set(k, (m.get(k) ?? 0) + 1);
  return m;
};

describe('finnhubTrades against the fake Finnhub server', () => {
  let server: FakeFinnhubServer | undefined;
  let sub: Subscription | undefined;
  afterEach(async () => {
    sub?.unsubscribe();
    sub = undefined;
    await server?.close();
    server = undefined;
  });

  it('delivers every trade sent exactly once (after id dedupe) across drops, silences, garbage and redelivered frames', async () => {
    server = await createFakeFinnhubServer({ tokens: ['key-1'], pingIntervalMs: 100 });
    const s = server;
    const inst = memoryInstrumentation();
    const invalid: unknown[] = [];
    const received: Trade[] = [];
    const errors: unknown[] = [];
    const symbols = ['AAPL', 'BINANCE:BTCUSDT'];
    const trades$ = finnhubTrades({
      token: 'key-1',
      url: s.url,
      symbols,
      staleTimeoutMs: 1000,
      retry: { initialDelayMs: 10, maxDelayMs: 50 },
      instrumentation: inst,
      onInvalid: (r) => invalid.push(r),
    });
    sub = trades$.subscribe({ next: (t) => received.push(t), error: (e) => errors.push(e) });
    // a second subscriber shares the connection and runs the real dedupe operator
    const deduped: Trade[] = [];
    sub.add(trades$.pipe(dedupe()).subscribe((t) => deduped.push(t)));
    const freshConnection = async (n: number) => {
      await waitUntil(`connection #${n} subscribed`, () => s.connections().some((c) => c.id >= n && c.open && !c.silent && symbols.every((x) => c.symbols.includes(x))));
    };
    const uniqueIds = () => new Set(received.map((t) => t.id)).size;
    const settle = () => waitUntil('all sent trades to arrive', () => uniqueIds() === s.sentTrades().length).catch((e) => { throw new Error(`${e.message}: ${uniqueIds()} ids, ${received.length} received, ${s.sentTrades().length} sent`); });

    await freshConnection(0);
    // 1. distinct prints, identical prints within a frame, each frame delivered three times
    const batch = (base: number): FakeFinnhubTrade[] => [
      ...Array.from({ length: 60 }, (_, i) => ({ s: 'AAPL', p: 190 + i / 100, t: base + i, v: 1 + (i % 5), c: ['1'] })),
      { s: 'AAPL', p: 191, t: base + 100, v: 1, c: ['1'] },
      { s: 'AAPL', p: 191, t: base + 100, v: 1, c: ['1'] },
      { s: 'AAPL', p: 191, t: base + 100, v: 1, c: ['1'] },
      { s: 'MSFT', p: 1, t: base, v: 1 }, // not subscribed: never sent
    ];
    await s.publish(batch(1_000), { frameSize: 16, copies: 3 });
    await settle();
    // 2. garbage between frames
    s.sendGarbage();
    await s.publish(batch(2_000), { frameSize: 7 });
    await settle();
    // 3. abrupt drop, then trades on the new connection
    s.dropAll();
    await freshConnection(1);
    await s.publish(batch(3_000), { frameSize: 10, copies: 2 });
    await settle();
    // 4. silence with the socket open: the client must notice (no pings) and reconnect
    const before = s.connections().length;
    s.silence();
    await s.publish(batch(4_000)); // swallowed by the silent connection: not sent, not logged
    await freshConnection(before);
    await s.publish(batch(5_000), { frameSize: 9 });
    // 5. real recorded trades (Tardis BTCUSDT: 751 value-identical same-ms prints) in small frames, some duplicated
    if (existsSync(TARDIS)) await s.replayFile(TARDIS, { frameSize: 3, copies: 2, limit: 3000 });
    await settle();

    // exactly once: unique ids == sent trades, and their values match the sent log as a multiset
    const byId = new Map(received.map((t) => [t.id, t]));
    const sent = s.sentTrades();
    expect(byId.size).toBe(sent.length);
    expect(deduped.map((t) => t.id)).toEqual([...byId.keys()]);
    expect(multiset([...byId.values()].map(valueKey))).toEqual(multiset(sent.map(rawKey)));
    // redelivered copies carried the same ids (they were the only extra arrivals)
    const copies = s.sent.reduce((n, f) => n + f.trades.length * (f.copies - 1), 0);
    expect(received.length).toBe(sent.length + copies);
    expect(sent.some((t) => t.s === 'MSFT')).toBe(false);
    expect(errors).toEqual([]);
    expect(invalid.length).toBeGreaterThanOrEqual(10);
    expect(inst.total('finnhub_invalid_total')).toBe(invalid.length);
    expect(inst.total('finnhub_stale_total')).toBeGreaterThanOrEqual(1);
    expect(inst.total('finnhub_reconnects_total')).toBeGreaterThanOrEqual(2);
    // every connection subscribed every symbol after it opened
    for (const c of s.connections()) {
      const subs = c.received.map((m) => JSON.parse(m)).filter((m) => m.type === 'subscribe');
      expect(subs.map((m) => m.symbol).sort()).toEqual([...symbols].sort());
    }
  }, 30_000);

  it('closes the socket when the last subscriber leaves', async () => {
    server = await createFakeFinnhubServer({ pingIntervalMs: 0 });
    const s = server;
    sub = finnhubTrades({ token: 't', url: s.url, symbols: ['AAPL'] }).subscribe();
    await s.waitForSubscription(['AAPL']);
    sub.unsubscribe();
    await waitUntil('server to see the close', () => s.connections().every((c) => !c.open));
    expect(s.connections()).toHaveLength(1);
  });

  it('errors with ConfigurationError when the server refuses the token (HTTP 401)', async () => {
    server = await createFakeFinnhubServer({ tokens: ['good'] });
    const err = await new Promise<unknown>((resolve) => {
      sub = finnhubTrades({ token: 'bad', url: (server as FakeFinnhubServer).url, symbols: ['AAPL'] }).subscribe({ error: resolve });
    });
    expect(err).toBeInstanceOf(ConfigurationError);
    expect((err as Error).message).toMatch(/401/);
    expect((err as Error).message).not.toContain('bad');
  });

  it('reports the refused subscription set when the server has a lower symbol limit', async () => {
    server = await createFakeFinnhubServer({ maxSymbolsPerConnection: 2 });
    const reports: { message: string; symbols: string[] }[] = [];
    sub = finnhubTrades({ token: 't', url: server.url, symbols: ['A', 'B', 'C'], onServerError: (e) => reports.push(e) }).subscribe();
    await waitUntil('server error', () => reports.length > 0);
    expect(reports[0]).toEqual({ message: 'Subscribing to too many symbols', key: 0, symbols: ['A', 'B', 'C'] });
    expect(server.connections()[0]?.symbols).toEqual(['A', 'B']);
  });

  it('adds and removes symbols at run time on the same connection', async () => {
    server = await createFakeFinnhubServer({ pingIntervalMs: 0 });
    const s = server;
    const got: Trade[] = [];
    const trades$ = finnhubTrades({ token: 't', url: s.url, symbols: ['AAPL'] });
    sub = trades$.subscribe((t) => got.push(t));
    await s.waitForSubscription(['AAPL']);
    trades$.add('TSLA');
    trades$.remove('AAPL');
    await waitUntil('resubscription', () => s.connections()[0]?.symbols.join() === 'TSLA');
    await s.publish([
      { s: 'AAPL', p: 1, t: 1, v: 1 },
      { s: 'TSLA', p: 2, t: 2, v: 2 },
    ]);
    await waitUntil('TSLA trade', () => got.length === 1);
    expect(got[0]?.symbol).toBe('TSLA');
    expect(s.connections()).toHaveLength(1);
  });

  it('spreads symbols over one connection per key', async () => {
    server = await createFakeFinnhubServer({ tokens: ['k1', 'k2'], maxSymbolsPerConnection: 3, oneConnectionPerToken: true });
    const s = server;
    const symbols = ['A', 'B', 'C', 'D', 'E', 'F'];
    sub = finnhubTrades({ token: ['k1', 'k2'], url: s.url, symbols, maxSymbolsPerConnection: 3 }).subscribe();
    await waitUntil('both connections subscribed', () => s.connections().reduce((n, c) => n + c.symbols.length, 0) === 6);
    const conns = s.connections();
    expect(conns.map((c) => c.token).sort()).toEqual(['k1', 'k2']);
    expect(conns.every((c) => c.open && c.symbols.length === 3)).toBe(true);
  });
});
