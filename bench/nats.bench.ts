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
import { compareRounds } from './lib/compareRounds.js';
import { type Measured, measure } from './lib/measure.js';
import { printRatio } from './lib/printRatio.js';

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

async function raw(n: number, tag: string): Promise<Measured> {
  const input = quotes(n, tag);
  const encoder = new TextEncoder();
  let next = 0;
  const worker = async () => {
    while (next < input.length) {
      const q = input[next++]!;
      const h = headers();
      h.set('X-Correlation-Id', randomUUID());
      await js.publish(`${PREFIX}.${tag}.${q.symbol}`, encoder.encode(JSON.stringify(q)), { msgID: `${tag}|${q.symbol}|${q.ts}`, headers: h, timeout: 5000 });
    }
  };
  return measure(() => Promise.all(Array.from({ length: IN_FLIGHT }, worker)));
}

async function sink(n: number, tag: string): Promise<Measured> {
  const input = quotes(n, tag);
  return measure(() =>
    lastValueFrom(
      from(input).pipe(natsSink<Quote>({ client: nc, subject: `${PREFIX}.${tag}.{symbol}`, msgId: (q) => `${tag}|${q.symbol}|${q.ts}`, maxInFlight: IN_FLIGHT })),
    ),
  );
}

try {
  await raw(2000, 'wr');
  await sink(2000, 'ws');
  const result = await compareRounds({ total: MSGS, rounds: ROUNDS, labels: { baseline: 'raw js.publish', ours: 'natsSink', unit: 'msg' }, baseline: raw, ours: sink });
  const { total } = result;
  console.log(`\n${total} JetStream publishes each, ${IN_FLIGHT} awaiting PubAck at once`);
  printRatio(result, { baseline: 'raw nats js.publish (baseline)', ours: 'natsSink', unit: 'msg', goal: '>= 0.85x' });
  console.log(`  client CPU per message: raw ${(result.baseline.cpuUs / total).toFixed(1)} µs, natsSink ${(result.ours.cpuUs / total).toFixed(1)} µs`);
} finally {
  await (await nc.jetstreamManager()).streams.delete(STREAM).catch(() => {});
  await nc.close();
}
