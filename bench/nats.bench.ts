/**
 * natsSink against the raw `nats` JetStream client doing the same writes in the same run: the
 * same JSON payloads, the same Nats-Msg-Id and correlation-id headers, the same number of
 * publishes awaiting a PubAck at once (a window of `maxInFlight`), into the same stream.
 *
 *   npx tsx bench/nats.bench.ts
 *   BENCH_NATS_MSGS=200000 BENCH_NATS_INFLIGHT=512 npx tsx bench/nats.bench.ts
 *
 * Needs nats-server with JetStream (node scripts/services.mjs up nats; NATS_URL overrides).
 * Rounds alternate (raw then sink, then sink then raw, …) so server-side drift hits both alike;
 * on a shared, loaded machine compare the median of the per-round ratios.
 */
import { randomUUID } from 'node:crypto';
import type { Quote } from '@tickflow/core';
import { connect, headers } from 'nats';
import { from, lastValueFrom } from 'rxjs';
import { ensureStream, natsSink } from '../packages/sinks/src/nats/index.js';

const MSGS = Number(process.env.BENCH_NATS_MSGS ?? 40_000);
const IN_FLIGHT = Number(process.env.BENCH_NATS_INFLIGHT ?? 256);
const ROUNDS = Number(process.env.BENCH_NATS_ROUNDS ?? 4);
const run = randomUUID().slice(0, 8);
const STREAM = `BENCH_${run}`;
const PREFIX = `bench${run}`;

const nc = await connect({ servers: process.env.NATS_URL ?? 'nats://127.0.0.1:4222' });
const js = nc.jetstream();
await ensureStream(nc, { name: STREAM, subjects: [`${PREFIX}.>`], storage: 'memory', maxMsgs: 1_000_000 });

const quotes = (n: number, tag: string): Quote[] =>
  Array.from({ length: n }, (_, i) => ({ symbol: `S${i % 100}`, price: 100 + (i % 997) / 100, ts: 1_700_000_000_000 + i, volume: 1000 + i, change: 0.1, changePercent: 0.1, source: tag }));

let cpu = { raw: 0, sink: 0 };
async function raw(n: number, tag: string): Promise<number> {
  const input = quotes(n, tag);
  const encoder = new TextEncoder();
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < input.length) {
      const q = input[next++]!;
      const h = headers();
      h.set('X-Correlation-Id', randomUUID());
      await js.publish(`${PREFIX}.${tag}.${q.symbol}`, encoder.encode(JSON.stringify(q)), { msgID: `${tag}|${q.symbol}|${q.ts}`, headers: h, timeout: 5000 });
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  const c = process.cpuUsage(c0);
  cpu.raw += c.user + c.system;
  return performance.now() - t0;
}

async function sink(n: number, tag: string): Promise<number> {
  const input = quotes(n, tag);
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await lastValueFrom(
    from(input).pipe(natsSink<Quote>({ client: nc, subject: `${PREFIX}.${tag}.{symbol}`, msgId: (q) => `${tag}|${q.symbol}|${q.ts}`, maxInFlight: IN_FLIGHT })),
  );
  const c = process.cpuUsage(c0);
  cpu.sink += c.user + c.system;
  return performance.now() - t0;
}

const rate = (n: number, ms: number) => Math.round((n / ms) * 1000);
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
try {
  await raw(2000, 'wr');
  await sink(2000, 'ws');
  const per = Math.ceil(MSGS / ROUNDS);
  cpu = { raw: 0, sink: 0 };
  let rawMs = 0;
  let sinkMs = 0;
  const ratios: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    // Alternate which goes first, so neither always runs on a warmer (or busier) server.
    const a = r % 2 === 0 ? await raw(per, `r${r}`) : 0;
    const b = await sink(per, `s${r}`);
    const a2 = r % 2 === 0 ? a : await raw(per, `r${r}`);
    rawMs += a2;
    sinkMs += b;
    ratios.push(a2 / b);
    console.log(`round ${r + 1}: raw js.publish ${rate(per, a2)} msg/s, natsSink ${rate(per, b)} msg/s, ratio ${(a2 / b).toFixed(3)}x`);
  }
  const total = per * ROUNDS;
  const rawRate = rate(total, rawMs);
  const sinkRate = rate(total, sinkMs);
  console.log(`\n${total} JetStream publishes each, ${IN_FLIGHT} awaiting PubAck at once`);
  console.log(`  raw nats js.publish (baseline): ${rawRate} msg/s`);
  console.log(`  natsSink:                       ${sinkRate} msg/s  ratio ${(sinkRate / rawRate).toFixed(3)}x  (goal >= 0.85x)`);
  console.log(`  median of per-round ratios: ${median(ratios).toFixed(3)}x`);
  console.log(`  client CPU per message: raw ${(cpu.raw / total).toFixed(1)} µs, natsSink ${(cpu.sink / total).toFixed(1)} µs`);
} finally {
  await (await nc.jetstreamManager()).streams.delete(STREAM).catch(() => {});
  await nc.close();
}
