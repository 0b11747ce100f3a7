/**
 * Finnhub source throughput: recorded trades replayed as Finnhub frames from a local ws server (in a
 * worker thread, so it does not share the client's thread) as fast as possible.
 *
 *   baseline: a bare `ws` client that only JSON.parses each frame
 *   ours:     finnhubTrades() — decode, normalise to Trade (ids, conditions, receivedAt), emit
 *
 * Both clocks start at the first frame received (connecting is not measured) and stop at the last.
 *
 * Run: npx tsx bench/finnhub.bench.ts   (env: BENCH_REPEAT=30 copies of the 9,999-trade recording,
 * BENCH_FRAME=20 trades per frame, BENCH_ROUNDS=5). Rounds alternate baseline and ours; the
 * report gives the best of each and the median of the per-round ratios (robust on a busy machine).
 */
import { existsSync, readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { finnhubTrades } from '@tickflow/sources';
import WebSocket from 'ws';

const REPEAT = Number(process.env.BENCH_REPEAT ?? 30);
const FRAME = Number(process.env.BENCH_FRAME ?? 20);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const TARDIS = new URL('../../shared/fixtures/trades/tardis-binance-futures-btcusdt-2020-02-22/trades.csv', import.meta.url);

type Raw = { s: string; p: number; t: number; v: number; c: null };
function recorded(): Raw[] {
  if (existsSync(TARDIS)) {
    return readFileSync(TARDIS, 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => {
        const f = l.split(',');
        return { s: 'BINANCE:BTCUSDT', p: Number(f[6]), t: Math.floor(Number(f[2]) / 1000), v: Number(f[7]), c: null };
      });
  }
  console.log('(recording not found: using a generated walk)');
  return Array.from({ length: 9999 }, (_, i) => ({ s: 'BINANCE:BTCUSDT', p: 9600 + (i % 97) / 10, t: 1582329602111 + i * 7, v: 0.001 * (1 + (i % 50)), c: null }));
}

const base = recorded();
const frames: string[] = [];
let total = 0;
for (let r = 0; r < REPEAT; r++) {
  const shift = r * 86_400_000; // each copy a day later: no frame repeats (no redelivery shortcuts)
  for (let i = 0; i < base.length; i += FRAME) {
    const data = base.slice(i, i + FRAME).map((t) => ({ c: t.c, p: t.p, s: t.s, t: t.t + shift, v: t.v }));
    frames.push(JSON.stringify({ data, type: 'trade' }));
    total += data.length;
  }
}

const serverCode = `
const { parentPort, workerData } = require('node:worker_threads');
const { WebSocketServer } = require('ws');
const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 }, () => parentPort.postMessage(wss.address().port));
wss.on('connection', (ws) => {
  ws.once('message', () => { for (const f of workerData.frames) ws.send(f); });
});
`;

async function startServer(): Promise<{ url: string; stop: () => Promise<number> }> {
  const worker = new Worker(serverCode, { eval: true, workerData: { frames } });
  const port = await new Promise<number>((resolve) => worker.once('message', resolve));
  return { url: `ws://127.0.0.1:${port}`, stop: () => worker.terminate() };
}

async function baseline(url: string): Promise<number> {
  const ws = new WebSocket(`${url}?token=bench`);
  await new Promise((r) => ws.once('open', r));
  let n = 0;
  let t0 = 0;
  await new Promise<void>((resolve) => {
    ws.on('message', (data) => {
      if (n === 0) t0 = performance.now();
      const msg = JSON.parse(data.toString());
      n += msg.data.length;
      if (n >= total) resolve();
    });
    ws.send(JSON.stringify({ type: 'subscribe', symbol: 'BINANCE:BTCUSDT' }));
  });
  const ms = performance.now() - t0;
  ws.close();
  return (total / ms) * 1000;
}

async function ours(url: string): Promise<number> {
  let n = 0;
  let t0 = 0;
  let sum = 0;
  await new Promise<void>((resolve, reject) => {
    const sub = finnhubTrades({ token: 'bench', url, symbols: ['BINANCE:BTCUSDT'], staleTimeoutMs: 60_000 }).subscribe({
      next: (t) => {
        if (n === 0) t0 = performance.now();
        sum += t.size;
        if (++n >= total) {
          sub.unsubscribe();
          resolve();
        }
      },
      error: reject,
    });
  });
  const ms = performance.now() - t0;
  if (!(sum > 0)) throw new Error('no trades');
  return (total / ms) * 1000;
}

async function main() {
  console.log(`finnhub bench: ${total.toLocaleString()} trades in ${frames.length.toLocaleString()} frames of ${FRAME}, ${ROUNDS} rounds`);
  const b: number[] = [];
  const o: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    for (const [name, fn, out] of [
      ['baseline', baseline, b],
      ['finnhubTrades', ours, o],
    ] as const) {
      const server = await startServer();
      const rate = await fn(server.url);
      await server.stop();
      out.push(rate);
      console.log(`  round ${r + 1} ${name.padEnd(14)} ${Math.round(rate).toLocaleString().padStart(12)} trades/s`);
    }
  }
  const best = (xs: number[]) => Math.max(...xs);
  const rb = best(b);
  const ro = best(o);
  const ratios = o.map((x, i) => x / (b[i] as number)).sort((x, y) => x - y);
  const median = ratios[Math.floor(ratios.length / 2)] as number;
  console.log(`baseline (ws + JSON.parse):       ${Math.round(rb).toLocaleString()} trades/s (best of ${ROUNDS})`);
  console.log(`finnhubTrades (decode+normalise): ${Math.round(ro).toLocaleString()} trades/s (best of ${ROUNDS})`);
  console.log(`ratio ours/baseline: best/best ${(ro / rb).toFixed(2)}x, median per-round ${median.toFixed(2)}x  (goal >= 0.75x and >= 300,000 trades/s)`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
