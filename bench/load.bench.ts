/**
 * Load: a synthetic trade stream through the full pipeline — generator → kafkaSink (Avro, schema
 * registry) → Kafka → `tickflow process` (a child process: Bronze, dedupe → Silver, watermark → 5m
 * Gold, 1h rollup) → Cassandra. Reports the offered and sustained rates, trade-to-Gold latency
 * p50/p99 measured from the moment a window could close (the generator's event time passed its end
 * + the out-of-orderness bound) until its bar is readable in Cassandra, the consumer lag, and the
 * processor's RSS over time. Baseline in the same run: a plain kafkajs consumer reading the same
 * records (no decode, no writes); the ratio is pipeline rate / raw consume rate.
 *
 *   npm run bench:load                                  # 60 s, 50k trades/s offered, 5,000 symbols
 *   LOAD_SECONDS=300 npm run bench:load                 # the 5-minute run
 *   LOAD_RATE=5000 LOAD_SYMBOLS=500 LOAD_SECONDS=30 npm run bench:load
 *   LOAD_PROCESSOR_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" npm run bench:load   # profile the processor
 *   LOAD_PROCESSOR_NODE_OPTIONS="" npm run bench:load   # the processor without the deployed NODE_OPTIONS
 *
 * The processor runs with NODE_OPTIONS="--max-semi-space-size=64", the flag docker-compose runs it with
 * (a larger young generation: less garbage-collector time per record, ADR 0100).
 *
 * Event time runs LOAD_SPEEDUP (default 10) × faster than the wall clock, starting two hours ago,
 * so 5-minute windows close every 30 s of a run. Needs Kafka, the schema registry and Cassandra
 * (node scripts/services.mjs up kafka schema-registry cassandra).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import type { Trade } from '@tickflow/core';
import cassandra from 'cassandra-driver';
import { Kafka, logLevel } from 'kafkajs';
import { lastValueFrom, Observable, tap } from 'rxjs';
import { readBars } from '../packages/sinks/src/cassandra/index.js';
import { kafkaSink } from '../packages/sinks/src/kafka/index.js';

process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';
const RATE = Number(process.env.LOAD_RATE ?? 50_000);
const SYMBOLS = Number(process.env.LOAD_SYMBOLS ?? 5_000);
const SECONDS = Number(process.env.LOAD_SECONDS ?? 60);
const SPEEDUP = Number(process.env.LOAD_SPEEDUP ?? 10);
const BOUND_MS = 5_000; // event-time out-of-orderness bound given to the processor
const SAMPLE = 20; // symbols whose Gold bars are polled for latency
const M5 = 300_000;
const ROOT = join(import.meta.dirname, '..');
const run = `load${Date.now().toString(36)}`;
const brokers = process.env.KAFKA_BROKERS ?? '127.0.0.1:9092';
const registryUrl = process.env.SCHEMA_REGISTRY_URL ?? 'http://127.0.0.1:8081';
const contactPoints = process.env.CASSANDRA_CONTACT_POINTS ?? '127.0.0.1:9042';
const env: Record<string, string> = {
  ...(process.env as Record<string, string>),
  KAFKA_BROKERS: brokers,
  SCHEMA_REGISTRY_URL: registryUrl,
  CASSANDRA_CONTACT_POINTS: contactPoints,
  CASSANDRA_KEYSPACE: run,
  KAFKA_TOPIC_TRADES: `${run}_trades`,
  KAFKA_TOPIC_CRYPTO: `${run}_crypto`,
  KAFKA_TOPIC_QUOTES: `${run}_quotes`,
  KAFKA_TOPIC_DLQ: `${run}_dlq`,
  KAFKA_GROUP_ID: `${run}_processor`,
  TICKFLOW_LOG_LEVEL: 'warn',
  TICKFLOW_MAX_OUT_OF_ORDERNESS_MS: String(BOUND_MS),
  TICKFLOW_IDLE_TIMEOUT_MS: '10000',
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pct = (xs: number[], p: number) => {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] as number;
};
async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}
function tickflow(args: string[], port = 0, nodeArgs: string[] = [], extraEnv: Record<string, string> = {}): { proc: ChildProcess; exit: Promise<number | null>; out: () => string } {
  const proc = spawn(process.execPath, [...nodeArgs, join(ROOT, 'examples/reference-app/bin/tickflow.mjs'), ...args], { cwd: ROOT, env: { ...env, ...extraEnv, TICKFLOW_METRICS_PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout?.on('data', (d) => (out = (out + d).slice(-20_000)));
  proc.stderr?.on('data', (d) => (out = (out + d).slice(-20_000)));
  return { proc, exit: new Promise((r) => proc.on('exit', (c) => r(c))), out: () => out };
}
async function cli(args: string[]): Promise<void> {
  const c = tickflow(args);
  if ((await c.exit) !== 0) throw new Error(`tickflow ${args.join(' ')} failed:\n${c.out()}`);
}
async function metric(port: number, name: string, match = ''): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  let sum = 0;
  for (const line of text.split('\n')) if (line.startsWith(name) && line.includes(match)) sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  return sum;
}
const rssMiB = (pid: number) => {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Math.round(Number(m[1]) / 1024) : 0;
};

console.log(`load: ${RATE} trades/s offered over ${SYMBOLS} symbols for ${SECONDS} s (event time ×${SPEEDUP}); run ${run}; processor NODE_OPTIONS="${process.env.LOAD_PROCESSOR_NODE_OPTIONS ?? '--max-semi-space-size=64'}"`);
await Promise.all([cli(['topics', 'create']), cli(['schemas', 'register']), cli(['cassandra', 'init'])]);
const port = await freePort();
// LOAD_PROCESSOR_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the processor (Node refuses --cpu-prof in NODE_OPTIONS)
const processorNodeOptions = process.env.LOAD_PROCESSOR_NODE_OPTIONS ?? '--max-semi-space-size=64'; // as docker-compose runs it
const processor = tickflow(['process', '--from-beginning'], port, (process.env.LOAD_PROCESSOR_NODE_ARGS ?? '').split(' ').filter(Boolean), { NODE_OPTIONS: processorNodeOptions });
process.on('exit', () => processor.proc.kill('SIGKILL'));
for (let i = 0; ; i++) {
  if (i > 240) throw new Error(`processor not ready:\n${processor.out()}`);
  if (await fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.ok, () => false)) break;
  await sleep(500);
}

const kafka = new Kafka({ clientId: 'tickflow-load', brokers: brokers.split(','), logLevel: logLevel.ERROR });
const registry = new SchemaRegistry({ host: registryUrl });
const producer = kafka.producer({ idempotent: true });
await producer.connect();
const client = new cassandra.Client({ contactPoints: contactPoints.split(','), localDataCenter: process.env.CASSANDRA_LOCAL_DC ?? 'datacenter1' });
await client.connect();

// The generator: every 20 ms, RATE/50 trades round-robin over the symbols; event time accelerated.
const T0 = Math.floor((Date.now() - 2 * 3_600_000) / M5) * M5;
const start = Date.now();
const eventNow = () => T0 + (Date.now() - start) * SPEEDUP;
const closable = new Map<number, number>(); // window start → wall time the generator passed its end + bound
let offered = 0;
let acked = 0;
let sinkAcked = 0;
let shedTicks = 0;
let k = 0;
const gen = new Observable<Trade>((sub) => {
  const perTick = Math.max(1, Math.round(RATE / 50));
  const timer = setInterval(() => {
    if (Date.now() - start >= SECONDS * 1000) {
      clearInterval(timer);
      sub.complete();
      return;
    }
    // The sink fails past maxBuffered (it cannot pause a push source): hold back while Kafka is behind.
    if (offered - sinkAcked > 60_000) {
      shedTicks++;
      return;
    }
    const ts = eventNow();
    const w = Math.floor((ts - BOUND_MS) / M5) * M5 - M5; // the newest window whose end + bound has passed
    if (!closable.has(w)) closable.set(w, Date.now());
    for (let i = 0; i < perTick; i++, k++) {
      const s = k % SYMBOLS;
      sub.next({ symbol: `L${s}`, price: 100 + (s % 97) + ((k >> 7) % 13) / 100, size: 1 + (k % 9), ts: ts - (i % 50), id: `L${s}|${k}` });
      offered++;
    }
  }, 20);
  return () => clearInterval(timer);
});
const sending = lastValueFrom(
  gen.pipe(
    kafkaSink<Trade>({ producer, topic: env.KAFKA_TOPIC_TRADES!, key: (t) => t.symbol, registry, batchSize: 2000, maxInFlightBatches: 1 }),
    tap(() => sinkAcked++),
  ),
  { defaultValue: undefined },
).then(
  () => undefined,
  (e: unknown) => console.error('generator sink failed:', e),
);
// acks are counted from the sink's metric-free path: count via a tap-like subscription
const ackCounter = setInterval(async () => {
  try {
    const admin = kafka.admin();
    await admin.connect();
    acked = (await admin.fetchTopicOffsets(env.KAFKA_TOPIC_TRADES!)).reduce((a, p) => a + Number(p.high), 0);
    await admin.disconnect();
  } catch {}
}, 5000);

// Latency: poll the sampled symbols' Gold 5m bars.
const latencies: number[] = [];
const seenBars = new Set<string>();
let polling = true;
const poller = (async () => {
  while (polling) {
    for (let s = 0; s < SAMPLE && polling; s++) {
      const symbol = `L${Math.floor((s * SYMBOLS) / SAMPLE)}`;
      const bars = await readBars(client, { symbol, interval: '5m', from: T0 - M5, to: eventNow() + M5, keyspace: run }).catch(() => []);
      for (const b of bars) {
        const key = `${symbol}|${b.start}`;
        if (seenBars.has(key)) continue;
        seenBars.add(key);
        const c = closable.get(b.start);
        if (c !== undefined) latencies.push(Date.now() - c);
      }
    }
    await sleep(250);
  }
})();

// Samples every 5 s: offered, acked by Kafka, read by the processor, RSS.
console.log('   t s |  offered/s |  in Kafka | processed |  lag (records) | RSS MiB');
const samples: { t: number; ingested: number; rss: number; lag: number }[] = [];
let lastIngested = 0;
for (let tick = 1; ; tick++) {
  await sleep(Math.max(0, start + tick * 5000 - Date.now()));
  const t = Math.round((Date.now() - start) / 1000);
  const ingested = await metric(port, 'tickflow_trades_ingested_total', 'stage="process"').catch(() => lastIngested);
  const rss = rssMiB(processor.proc.pid!);
  const lag = Math.max(0, acked - ingested);
  samples.push({ t, ingested, rss, lag });
  console.log(`${String(t).padStart(6)} | ${String(Math.round(offered / Math.min(t, SECONDS))).padStart(10)} | ${String(acked).padStart(9)} | ${String(ingested).padStart(9)} | ${String(lag).padStart(14)} | ${rss}`);
  lastIngested = ingested;
  // after the input ends: wait for the lag to drain and the sampled symbols' closable bars to appear
  if (t >= SECONDS && lag === 0 && ingested > 0 && latencies.length >= SAMPLE) break;
  if (t >= SECONDS + 90) break;
}
await sending;
clearInterval(ackCounter);
polling = false;
await poller;
const ended = samples[samples.length - 1]!;
const during = samples.filter((s) => s.t <= SECONDS);
const sustained = (during[during.length - 1]?.ingested ?? 0) / Math.min(SECONDS, during[during.length - 1]?.t ?? SECONDS);

// Baseline: a plain kafkajs consumer reading the same records, no decode, no writes.
const total = acked;
const baseline = kafka.consumer({ groupId: `${run}_baseline` });
await baseline.connect();
await baseline.subscribe({ topics: [env.KAFKA_TOPIC_TRADES!], fromBeginning: true });
let read = 0;
const b0 = Date.now();
await baseline.run({ eachBatch: async ({ batch }) => void (read += batch.messages.length) });
while (read < total && Date.now() - b0 < 120_000) await sleep(50);
const rawRate = read / ((Date.now() - b0) / 1000);
await baseline.disconnect();

processor.proc.kill('SIGINT');
await processor.exit;
await producer.disconnect();
const rssSeries = samples.map((s) => s.rss);
console.log(`
offered            ${Math.round(offered / SECONDS)} trades/s (target ${RATE}; ${shedTicks} of ${SECONDS * 50} 20-ms ticks held back while Kafka was behind), ${offered} trades over ${SYMBOLS} symbols
written to Kafka   ${acked} (${Math.round(acked / SECONDS)} trades/s)
pipeline sustained ${Math.round(sustained)} trades/s read, deduped, written to Bronze/Silver and windowed (processor, first ${SECONDS} s)
consumer lag       ${during[during.length - 1]?.lag ?? 0} records at the end of generation, ${ended.lag} at the end (${ended.t} s)
trade→Gold latency p50 ${(pct(latencies, 50) / 1000).toFixed(1)} s, p99 ${(pct(latencies, 99) / 1000).toFixed(1)} s after the window could close (${latencies.length} bars of ${SAMPLE} sampled symbols)
processor RSS      min ${Math.min(...rssSeries)} MiB, max ${Math.max(...rssSeries)} MiB, last ${rssSeries[rssSeries.length - 1]} MiB
baseline           raw kafkajs consume of the same ${read} records: ${Math.round(rawRate)} msgs/s
ratio              pipeline / raw consume = ${(sustained / rawRate).toFixed(3)}
`);
await client.execute(`DROP KEYSPACE IF EXISTS ${run}`).catch(() => {});
await client.shutdown();
const admin = kafka.admin();
await admin.connect();
await admin.deleteTopics({ topics: [env.KAFKA_TOPIC_TRADES!, env.KAFKA_TOPIC_CRYPTO!, env.KAFKA_TOPIC_QUOTES!, env.KAFKA_TOPIC_DLQ!] }).catch(() => {});
await admin.disconnect();
process.exit(0);
