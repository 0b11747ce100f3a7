// Shared bits of the Cassandra integration tests.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Bar, Trade } from '@tickflow/core';
import cassandra from 'cassandra-driver';

const run = promisify(execFile);

/** A client for the test server (CASSANDRA_CONTACT_POINTS, default 127.0.0.1:9042, DC datacenter1). */
export function testClient(): cassandra.Client {
  return new cassandra.Client({
    contactPoints: (process.env.CASSANDRA_CONTACT_POINTS ?? '127.0.0.1:9042').split(','),
    localDataCenter: process.env.CASSANDRA_LOCAL_DC ?? 'datacenter1',
    // Reconnect every second once a node is back (the default backs off up to 10 minutes).
    policies: { reconnection: new cassandra.policies.reconnection.ConstantReconnectionPolicy(1000) },
    socketOptions: { readTimeout: 30_000, connectTimeout: 5_000 },
    protocolOptions: { maxSchemaAgreementWaitSeconds: 30 },
  });
}

/** A keyspace name unique to this run, so reruns and parallel runs never collide. */
export const uniqueKeyspace = (prefix: string) => `${prefix}_${Date.now().toString(36)}_${Math.floor(Math.random() * 1e6).toString(36)}`;

/** Runs `node scripts/services.mjs <cmd> cassandra` under the shared services lock. */
export async function servicesCassandra(cmd: 'up' | 'down'): Promise<string> {
  const env = { ...process.env };
  delete env.CASSANDRA_CONTACT_POINTS; // set by globalSetup; would make `up` treat the server as external
  const { stdout } = await run('flock', ['/tmp/services.lock', 'node', 'scripts/services.mjs', cmd, 'cassandra'], {
    env,
    timeout: 600_000,
  });
  return stdout;
}

/** Deterministic pseudo-random trades over several symbols and days, with identical-value pairs. */
export function makeTrades(n: number, seed: number, start: number, spanMs: number): Trade[] {
  let s = seed >>> 0;
  const rnd = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const symbols = ['AAPL', 'MSFT', 'BINANCE:BTCUSDT'];
  const out: Trade[] = [];
  for (let i = 0; i < n; i++) {
    const symbol = symbols[i % symbols.length] as string;
    const ts = start + Math.floor((i / n) * spanMs);
    const t: Trade = { symbol, ts, price: Math.round((100 + rnd() * 50) * 100) / 100, size: Math.ceil(rnd() * 500), id: `${seed}-${i}` };
    out.push(t);
    if (i % 1000 === 1) out.push({ ...t, id: `${seed}-${i}-twin` }); // a distinct print with identical values
  }
  return out.slice(0, n);
}

/** Bars computed the obvious way, for comparison. */
export function barsOf(trades: Trade[], interval: '5m' | '1h'): Bar[] {
  const size = interval === '5m' ? 300_000 : 3_600_000;
  const map = new Map<string, Bar & { pv: number }>();
  for (const t of [...trades].sort((a, b) => a.ts - b.ts)) {
    const start = Math.floor(t.ts / size) * size;
    const k = `${t.symbol}|${start}`;
    const b = map.get(k);
    if (!b) {
      map.set(k, {
        symbol: t.symbol, interval, start, end: start + size,
        open: t.price, high: t.price, low: t.price, close: t.price, volume: t.size, count: 1, vwap: t.price, pv: t.price * t.size,
      });
    } else {
      b.high = Math.max(b.high, t.price);
      b.low = Math.min(b.low, t.price);
      b.close = t.price;
      b.volume += t.size;
      b.count++;
      b.pv += t.price * t.size;
      b.vwap = b.pv / b.volume;
    }
  }
  return [...map.values()].map(({ pv: _pv, ...b }) => b);
}
