import { backoff, ConfigurationError, memoryInstrumentation, RetriesExhaustedError, seededRandom, type Trade } from '@tickflow/core';
import fc from 'fast-check';
import { TestScheduler } from 'rxjs/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { fakeSocketClass } from './FakeSocket.testkit.js';
import { finnhubTrades } from './finnhubTrades.js';

function setup(extra: Partial<Parameters<typeof finnhubTrades>[0]> = {}) {
  const scheduler = new TestScheduler(() => {});
  const { WebSocket, sockets } = fakeSocketClass(scheduler);
  const inst = memoryInstrumentation();
  const trades: Trade[] = [];
  const errors: unknown[] = [];
  const stream = finnhubTrades({ token: 'secret-key', symbols: ['AAPL', 'MSFT'], WebSocket, scheduler, instrumentation: inst, ...extra });
  /** Moves virtual time to `t`, running every action due by then. */
  const advanceTo = (t: number) => {
    scheduler.schedule(() => {}, t - scheduler.now());
    scheduler.maxFrames = t;
    scheduler.flush();
  };
  const advanceBy = (ms: number) => advanceTo(scheduler.now() + ms);
  return { scheduler, sockets, inst, trades, errors, stream, advanceTo, advanceBy, subscribe: () => stream.subscribe({ next: (t) => trades.push(t), error: (e) => errors.push(e) }) };
}

const frame = (...data: object[]) => JSON.stringify({ type: 'trade', data });

describe('finnhubTrades configuration', () => {
  const saved = process.env.FINNHUB_API_KEY;
  afterEach(() => {
    if (saved === undefined) delete process.env.FINNHUB_API_KEY;
    else process.env.FINNHUB_API_KEY = saved;
  });

  it('throws a ConfigurationError naming token and FINNHUB_API_KEY when no key is given', () => {
    delete process.env.FINNHUB_API_KEY;
    expect(() => finnhubTrades({ symbols: ['AAPL'] })).toThrow(ConfigurationError);
    expect(() => finnhubTrades({ symbols: ['AAPL'] })).toThrow(/FINNHUB_API_KEY/);
    try {
      finnhubTrades({ symbols: ['AAPL'] });
    } catch (e) {
      expect((e as ConfigurationError).setting).toBe('token');
    }
  });

  it('reads the key from FINNHUB_API_KEY and puts it in the token query parameter', () => {
    process.env.FINNHUB_API_KEY = 'env-key';
    const scheduler = new TestScheduler(() => {});
    const { WebSocket, sockets } = fakeSocketClass(scheduler);
    const sub = finnhubTrades({ symbols: ['AAPL'], WebSocket, scheduler }).subscribe();
    expect(sockets).toHaveLength(1);
    expect(new URL(sockets[0]!.url).searchParams.get('token')).toBe('env-key');
    expect(sockets[0]!.url.startsWith('wss://ws.finnhub.io')).toBe(true);
    sub.unsubscribe();
  });

  it('refuses more symbols than one key allows, with a message saying what to do', () => {
    const symbols = Array.from({ length: 51 }, (_, i) => `S${i}`);
    expect(() => finnhubTrades({ token: 'k', symbols })).toThrow(/51 symbols are more than 1 Finnhub API key.*50 symbols per connection.*more API keys/);
    expect(() => finnhubTrades({ token: 'k', symbols: symbols.slice(0, 50) })).not.toThrow();
    expect(() => finnhubTrades({ token: ['k1', 'k2'], symbols })).not.toThrow();
  });

  it('rejects a non-websocket url and a zero stale timeout', () => {
    expect(() => finnhubTrades({ token: 'k', url: 'http://x' })).toThrow(ConfigurationError);
    expect(() => finnhubTrades({ token: 'k', staleTimeoutMs: 0 })).toThrow(/staleTimeoutMs/);
  });
});

describe('finnhubTrades with a scripted socket', () => {
  it('subscribes every symbol once the socket opens and emits normalised trades', () => {
    const s = setup();
    s.subscribe();
    const ws = s.sockets[0]!;
    expect(ws.sent).toEqual([]);
    ws.open();
    expect(ws.sent.map((m) => JSON.parse(m))).toEqual([
      { type: 'subscribe', symbol: 'AAPL' },
      { type: 'subscribe', symbol: 'MSFT' },
    ]);
    s.advanceTo(5);
    ws.message(frame({ s: 'AAPL', p: 190.5, t: 1700000000000, v: 0, c: ['1', '12'] }, { s: 'MSFT', p: 400, t: 1700000000001, v: 3, c: null }));
    expect(s.trades).toEqual([
      { symbol: 'AAPL', price: 190.5, size: 0, ts: 1700000000000, id: 'AAPL|1700000000000|190.5|0|0', conditions: ['1', '12'], source: 'finnhub', receivedAt: 5 },
      { symbol: 'MSFT', price: 400, size: 3, ts: 1700000000001, id: 'MSFT|1700000000001|400|3|0', source: 'finnhub', receivedAt: 5 },
    ]);
    expect(s.inst.total('finnhub_trades_total')).toBe(2);
  });

  it('counts malformed frames, reports them with the raw text and keeps going', () => {
    const invalid: { reason: string; input: unknown }[] = [];
    const s = setup({ onInvalid: (r) => invalid.push(r) });
    s.subscribe();
    const ws = s.sockets[0]!;
    ws.open();
    ws.message('not json');
    ws.message(frame({ s: 'AAPL', p: 'x', t: 1, v: 1 }, { s: 'AAPL', p: 2, t: 1, v: 1 }));
    ws.message('{"type":"ping"}');
    expect(s.trades.map((t) => t.price)).toEqual([2]);
    expect(invalid).toEqual([
      { reason: 'frame is not valid JSON', input: 'not json' },
      expect.objectContaining({ reason: expect.stringMatching(/^data\[0\]\.p: price/), field: 'data[0].p', input: expect.stringContaining('"p":"x"') }),
    ]);
    expect(s.inst.total('finnhub_invalid_total')).toBe(2);
    expect(s.inst.total('finnhub_pings_total')).toBe(1);
    expect(s.errors).toEqual([]);
  });

  it('reconnects with exponential backoff on the injected scheduler and resubscribes every symbol', () => {
    const policy = { initialDelayMs: 100, multiplier: 2, maxDelayMs: 1000, jitter: 0 };
    const s = setup({ retry: policy });
    s.subscribe();
    // five failed connects in a row: 100, 200, 400, 800, 1000 ms apart
    const failedAt: number[] = [];
    for (let i = 0; i < 5; i++) {
      s.advanceBy(3); // fail a little after the socket was created
      failedAt.push(s.scheduler.now());
      s.sockets[i]!.fail();
      s.advanceBy(5000);
    }
    const gaps = s.sockets.slice(1).map((w, i) => w.createdAt - failedAt[i]!);
    expect(gaps).toEqual([100, 200, 400, 800, 1000]);
    const last = s.sockets[5]!;
    last.open();
    expect(last.sent.map((m) => JSON.parse(m).symbol)).toEqual(['AAPL', 'MSFT']);
    expect(s.inst.total('finnhub_reconnects_total')).toBe(5);
    // a healthy connection (one message) resets the attempt count
    last.message('{"type":"ping"}');
    const before = s.scheduler.now();
    last.fail();
    s.advanceBy(5000);
    expect(s.sockets[6]!.createdAt - before).toBe(100);
  });

  it('applies jitter from the injected random source exactly as core backoff does', () => {
    const policy = { initialDelayMs: 100, multiplier: 2, maxDelayMs: 5000, jitter: 0.5 };
    const s = setup({ retry: policy, random: seededRandom(7) });
    s.subscribe();
    const failedAt: number[] = [];
    for (let i = 0; i < 4; i++) {
      failedAt.push(s.scheduler.now());
      s.sockets[i]!.fail();
      s.advanceBy(5000);
    }
    const rnd = seededRandom(7);
    const expected = [1, 2, 3, 4].map((n) => backoff(n, policy, rnd));
    const gaps = s.sockets.slice(1).map((w, i) => w.createdAt - failedAt[i]!);
    expect(gaps).toEqual(expected);
    expect(new Set(gaps).size).toBe(4);
  });

  it('ends with RetriesExhaustedError when the policy gives up', () => {
    const s = setup({ retry: { maxAttempts: 3, initialDelayMs: 10, jitter: 0 } });
    s.subscribe();
    for (let i = 0; i < 3; i++) {
      s.sockets[i]?.fail();
      s.advanceBy(5000);
    }
    expect(s.sockets).toHaveLength(3);
    expect(s.errors[0]).toBeInstanceOf(RetriesExhaustedError);
  });

  it('ends with a ConfigurationError when the server refuses the key (HTTP 401), without retrying', () => {
    const s = setup();
    s.subscribe();
    s.sockets[0]!.fail('Unexpected server response: 401');
    s.advanceTo(1_000_000);
    expect(s.sockets).toHaveLength(1);
    expect(s.errors[0]).toBeInstanceOf(ConfigurationError);
    expect(String((s.errors[0] as Error).message)).not.toContain('secret-key');
  });

  it('reconnects when nothing, not even a ping, arrives for staleTimeoutMs', () => {
    const s = setup({ staleTimeoutMs: 1000, retry: { initialDelayMs: 50, jitter: 0 } });
    s.subscribe();
    const ws = s.sockets[0]!;
    ws.open();
    s.advanceTo(900);
    ws.message('{"type":"ping"}'); // a ping at 900 moves the deadline to 1900 (+ a 100 ms second look)
    s.advanceTo(1999);
    expect(s.sockets).toHaveLength(1);
    expect(ws.terminated).toBe(false);
    s.advanceTo(2000);
    expect(ws.terminated).toBe(true);
    s.advanceTo(2050);
    expect(ws.terminated).toBe(true);
    expect(s.sockets).toHaveLength(2);
    expect(s.inst.total('finnhub_stale_total')).toBe(1);
    s.sockets[1]!.open();
    expect(s.sockets[1]!.sent.map((m) => JSON.parse(m).symbol)).toEqual(['AAPL', 'MSFT']);
  });

  it('takes a second look before declaring a connection stale, so frames waiting after a stall are kept', () => {
    const s = setup({ staleTimeoutMs: 1000 });
    s.subscribe();
    const ws = s.sockets[0]!;
    ws.open();
    s.advanceTo(1000); // first look: idle 1000 ms
    expect(ws.terminated).toBe(false);
    ws.message(frame({ s: 'AAPL', p: 1, t: 1, v: 1 })); // the frame that was waiting in the socket
    s.advanceTo(1100);
    expect(ws.terminated).toBe(false);
    expect(s.trades).toHaveLength(1);
    s.advanceTo(2100);
    expect(ws.terminated).toBe(true);
  });

  it('closes the socket on unsubscribe and schedules nothing more', () => {
    const s = setup();
    const sub = s.subscribe();
    s.sockets[0]!.open();
    sub.unsubscribe();
    expect(s.sockets[0]!.closed).toBe(true);
    s.advanceTo(10_000_000);
    expect(s.sockets).toHaveLength(1);
  });

  it('shares one connection per key between subscribers', () => {
    const s = setup();
    const a = s.subscribe();
    const b = s.subscribe();
    expect(s.sockets).toHaveLength(1);
    a.unsubscribe();
    expect(s.sockets[0]!.closed).toBe(false);
    b.unsubscribe();
    expect(s.sockets[0]!.closed).toBe(true);
  });

  it('adds and removes symbols at run time without reconnecting', () => {
    const s = setup();
    s.subscribe();
    const ws = s.sockets[0]!;
    ws.open();
    s.stream.add('TSLA', 'AAPL');
    s.stream.remove('MSFT');
    expect(ws.sent.slice(2).map((m) => JSON.parse(m))).toEqual([
      { type: 'subscribe', symbol: 'TSLA' },
      { type: 'unsubscribe', symbol: 'MSFT' },
    ]);
    expect(s.stream.symbols).toEqual(['AAPL', 'TSLA']);
    expect(s.sockets).toHaveLength(1);
    // after a reconnect the current set is subscribed
    ws.fail();
    s.advanceBy(5000);
    s.sockets[1]!.open();
    expect(s.sockets[1]!.sent.map((m) => JSON.parse(m).symbol)).toEqual(['AAPL', 'TSLA']);
  });

  it('opens a connection only once a key has symbols', () => {
    const s = setup({ symbols: [] });
    s.subscribe();
    expect(s.sockets).toHaveLength(0);
    s.stream.add('AAPL');
    expect(s.sockets).toHaveLength(1);
    s.sockets[0]!.open();
    expect(s.sockets[0]!.sent.map((m) => JSON.parse(m))).toEqual([{ type: 'subscribe', symbol: 'AAPL' }]);
  });

  it('refuses an add past the limit and keeps the set unchanged', () => {
    const s = setup({ symbols: Array.from({ length: 50 }, (_, i) => `S${i}`) });
    expect(() => s.stream.add('ONE_TOO_MANY')).toThrow(ConfigurationError);
    expect(s.stream.symbols).toHaveLength(50);
  });

  it('spreads symbols across one connection per key', () => {
    const symbols = Array.from({ length: 120 }, (_, i) => `S${i}`);
    const s = setup({ token: ['k1', 'k2', 'k3'], symbols });
    s.subscribe();
    expect(s.sockets.map((w) => new URL(w.url).searchParams.get('token'))).toEqual(['k1', 'k2', 'k3']);
    for (const w of s.sockets) w.open();
    const per = s.sockets.map((w) => w.sent.map((m) => JSON.parse(m).symbol as string));
    expect(per.map((p) => p.length)).toEqual([40, 40, 40]);
    expect(new Set(per.flat())).toEqual(new Set(symbols));
  });

  it('reports a server error with the refused subscription set', () => {
    const reports: unknown[] = [];
    const s = setup({ onServerError: (e) => reports.push(e) });
    s.subscribe();
    const ws = s.sockets[0]!;
    ws.open();
    ws.message('{"msg":"Subscribing to too many symbols","type":"error"}');
    expect(reports).toEqual([{ message: 'Subscribing to too many symbols', key: 0, symbols: ['AAPL', 'MSFT'] }]);
    const log = s.inst.logs.find((l) => l.event === 'finnhub_server_error');
    expect(log?.fields).toMatchObject({ message: 'Subscribing to too many symbols', symbols: ['AAPL', 'MSFT'], count: 2, limit: 50 });
    expect(s.errors).toEqual([]);
  });

  it('never logs the token', () => {
    const s = setup();
    s.subscribe();
    s.sockets[0]!.fail();
    s.advanceTo(100_000);
    expect(JSON.stringify(s.inst.logs)).not.toContain('secret-key');
  });

  it('survives arbitrary frame contents (fuzz): never errors, every frame is a trade, ping, error or invalid', () => {
    const jsonish = fc.oneof(
      fc.string(),
      fc.json(),
      fc.record({ type: fc.constantFrom('trade', 'ping', 'error', 'x'), data: fc.anything(), msg: fc.anything() }).map((o) => JSON.stringify(o)),
      fc
        .array(
          fc.record(
            { s: fc.oneof(fc.string(), fc.anything()), p: fc.oneof(fc.double(), fc.anything()), t: fc.oneof(fc.integer(), fc.anything()), v: fc.double(), c: fc.anything() },
            { requiredKeys: [] },
          ),
        )
        .map((data) => JSON.stringify({ type: 'trade', data })),
    );
    fc.assert(
      fc.property(fc.array(jsonish, { maxLength: 20 }), (frames) => {
        const invalid: unknown[] = [];
        const s = setup({ onInvalid: (r) => invalid.push(r) });
        s.subscribe();
        const ws = s.sockets[0]!;
        ws.open();
        for (const f of frames) ws.message(f);
        ws.message(frame({ s: 'AAPL', p: 1, t: 1, v: 1 }));
        expect(s.errors).toEqual([]);
        expect(s.trades.at(-1)?.id).toBe('AAPL|1|1|1|0');
        for (const t of s.trades) {
          expect(typeof t.symbol).toBe('string');
          expect(Number.isFinite(t.price) && Number.isFinite(t.size) && Number.isFinite(t.ts)).toBe(true);
        }
        expect(s.inst.total('finnhub_invalid_total')).toBe(invalid.length);
      }),
      { numRuns: 300 },
    );
  }, 60_000);
});
