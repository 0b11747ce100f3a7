/**
 * The fault driver: runs the reference app's `tickflow produce` (Finnhub source) and `tickflow
 * process` as child processes against a fake Finnhub server replaying a seeded stream, lets a
 * scenario inject one fault mid-stream, drains, and compares Kafka, Cassandra Bronze/Silver/Gold
 * and the DLQ with the oracle (./oracle.ts). See docs/guides/guarantees.md.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { tradeAvroSchema } from '@tickflow/core';
import { readBars, readTrades } from '@tickflow/sinks/cassandra';
import { createFakeFinnhubServer, type FakeFinnhubServer, type FakeFinnhubTrade } from '@tickflow/sources/testing';
import avro from 'avsc';
import type cassandra from 'cassandra-driver';
import type { Kafka } from 'kafkajs';
import { runNames } from '../support/appEnv.js';
import { freePort } from '../support/freePort.js';
import { compareMultisets, multiset, type OTrade, oracleBars, printKey, type StoredBar, wrongBars } from '../support/oracle.js';
import { sleep } from '../support/sleep.js';
import { runTickflow, startTickflow, stopTickflow, type TickflowProcess } from '../support/tickflowProcess.js';
import { until } from '../support/until.js';
import { buildStream, type FaultStream } from './stream.js';

export const ROOT = join(import.meta.dirname, '..', '..');
const M = 60_000;
const H = 3_600_000;
/** Scale knob: TICKFLOW_FAULT_SCALE=4 sends four times as many trades, more slowly. */
export const SCALE = Number(process.env.TICKFLOW_FAULT_SCALE ?? 1) || 1;
/** Output kept per child in a fault run (past it the older half is dropped): debug logs of long runs stay bounded. */
const MAX_OUTPUT_CHARS = 200_000;
/** How much of a child's output (its tail, in characters) the fault suite's timeout errors quote. */
export const OUTPUT_TAIL = 4000;

/** A fault-run `tickflow` child: the whole `env`, metrics on `port` (0: any), output bounded. */
export function tickflow(args: string[], env: Record<string, string>, port = 0): TickflowProcess {
  return startTickflow(args, env, { metricsPort: port, maxOutputChars: MAX_OUTPUT_CHARS });
}

/** Runs a `tickflow` command of a fault run to its end (as {@link tickflow}); throws with its output unless it exits 0. */
export function runToEnd(args: string[], env: Record<string, string>): Promise<string> {
  return runTickflow(args, env, { metricsPort: 0, maxOutputChars: MAX_OUTPUT_CHARS });
}

/** Runs `node serverFault.mjs name mode downMs` under `flock /tmp/services.lock`; resolves with its timestamps. */
export async function serverFault(name: 'kafka' | 'cassandra', mode: 'kill' | 'stop', downMs: number): Promise<{ downAt: number; upAt: number; readyAt: number }> {
  const proc = spawn('flock', ['/tmp/services.lock', process.execPath, join(import.meta.dirname, 'serverFault.mjs'), name, mode, String(downMs)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout.on('data', (d) => (out += d));
  proc.stderr.on('data', (d) => (out += d));
  const code = await new Promise<number | null>((r) => proc.on('exit', r));
  const line = out.trim().split('\n').pop() ?? '';
  if (code !== 0 || !line.startsWith('{')) throw new Error(`serverFault ${name} ${mode} exited ${code}: ${out}`);
  return JSON.parse(line);
}

/** What one fault run measured. */
export interface FaultResult {
  fault: string;
  /** Trades the scenario handed to the fake server (valid + invalid, redelivered copies once). */
  published: number;
  /** Trades the fake server actually wrote to a producer connection (its sent log). */
  sent: number;
  /** Valid sent trades that never reached Kafka (upstream: Finnhub has no replay). */
  lostUpstream: number;
  /** Trades that reached Kafka but are not in Silver. */
  lost: number;
  /** Silver rows beyond the oracle's count of each print. */
  duplicated: number;
  /** Bronze rows missing (vs Kafka). */
  bronzeLost: number;
  /** Gold 5m/1h bars that differ from the oracle, are missing or extra. */
  wrongBars: number;
  wrongBarDetails: string[];
  /** Invalid records sent but not on the DLQ. */
  dlqMissing: number;
  /** Worst time from the fault being cleared until a trade published afterwards is in Silver. */
  recoveryMs: number;
  /** Peak RSS over every processor process. */
  peakRssMiB: number;
  /**
   * Per processor kill: records the restarted processor has to read again — Σ over the input
   * partitions of (end offset − committed offset) right after the kill (the killed processor was
   * live, so that is what it had read and not yet committed).
   */
  replayed: number[];
  /** Processor / producer exits the driver did not ask for (it restarts them, like a supervisor). */
  unexpectedExits: number;
  barsChecked: number;
  notes: string[];
}

/** Shared context of a fault suite run. */
export interface Shared {
  run: string;
  keyspace: string;
  env: Record<string, string>;
  client: cassandra.Client;
  kafka: Kafka;
}

const tradeType = avro.Type.forSchema(tradeAvroSchema as unknown as avro.Schema);

/** The handle a scenario's `inject` gets. */
export class Scenario {
  readonly env: Record<string, string>;
  readonly stream: FaultStream;
  server!: FakeFinnhubServer;
  producer!: TickflowProcess;
  readonly processors = new Map<string, TickflowProcess>();
  private readonly retired: TickflowProcess[] = [];
  /** Newest event time published so far (late trades excluded). */
  publishedTs = 0;
  published = 0;
  recoveries: number[] = [];
  replayed: number[] = [];
  unexpectedExits = 0;
  notes: string[] = [];
  private stopping = false;
  private readonly expectedExit = new WeakSet<TickflowProcess>();
  readonly paceMs: number;
  /** Output of the final `process --exit-when-idle` (shown when bars are wrong). */
  finalOutput: () => string = () => '';

  constructor(
    readonly shared: Shared,
    readonly name: string,
    readonly index: number,
    seed: number,
  ) {
    const symbols = Array.from({ length: 6 }, (_, i) => `F${index}S${i}`);
    const n = Math.round(2400 * SCALE);
    this.paceMs = 40;
    this.stream = buildStream({ seed, symbols, n, t0: Date.UTC(2020, 1, 24, 14, 0) });
    const p = `${shared.run}_${index}`;
    this.env = {
      ...shared.env,
      ...runNames(p, null),
      TICKFLOW_SYMBOLS: symbols.join(','),
    };
  }

  async setup(): Promise<void> {
    this.server = await createFakeFinnhubServer({ port: 0 });
    this.env.FINNHUB_URL = this.server.url;
    await Promise.all([runToEnd(['topics', 'create'], this.env), runToEnd(['schemas', 'register'], this.env)]);
  }

  /** Starts the producer (supervised: an unexpected exit is counted and it is restarted). */
  async startProducer(): Promise<TickflowProcess> {
    const c = tickflow(['produce', '--source', 'finnhub'], this.env, await freePort());
    this.producer = c;
    this.supervise(c, () => this.startProducer());
    await this.server.waitForSubscription(this.stream.symbols, 90_000);
    return c;
  }

  /** Starts a processor under `label` (supervised). */
  async startProcessor(label = 'p1'): Promise<TickflowProcess> {
    const c = tickflow(['process', '--from-beginning'], this.env, await freePort());
    this.processors.set(label, c);
    this.supervise(c, () => this.startProcessor(label));
    await until(`processor ${label} ready`, async () => (await fetch(`http://127.0.0.1:${c.port}/readyz`)).ok, 90_000, { output: c.output, outputTail: OUTPUT_TAIL });
    return c;
  }

  private supervise(c: TickflowProcess, restart: () => Promise<TickflowProcess>): void {
    void c.exit.then(async (code) => {
      if (this.stopping || this.expectedExit.has(c)) return;
      this.unexpectedExits++;
      this.notes.push(`unexpected exit ${code}: ${c.output().slice(-600).replace(/\s+/g, ' ')}`);
      await sleep(1000);
      if (!this.stopping) await restart();
    });
  }

  /** kill -9 a processor and forget it (its replacement is started by the caller). */
  async killProcessor(label = 'p1'): Promise<void> {
    const c = this.processors.get(label);
    if (!c) return;
    this.expectedExit.add(c);
    this.retired.push(c);
    c.proc.kill('SIGKILL');
    await c.exit;
    this.replayed.push(await this.uncommitted().catch(() => -1));
  }

  /** Σ over the input partitions of end offset − the processor group's committed offset. */
  async uncommitted(): Promise<number> {
    const topics = [this.env.KAFKA_TOPIC_TRADES!, this.env.KAFKA_TOPIC_CRYPTO!];
    const admin = this.shared.kafka.admin();
    await admin.connect();
    try {
      const committed = await admin.fetchOffsets({ groupId: this.env.KAFKA_GROUP_ID!, topics });
      let n = 0;
      for (const topic of topics) {
        const at = new Map((committed.find((c) => c.topic === topic)?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
        for (const p of await admin.fetchTopicOffsets(topic)) n += Number(p.high) - Math.max(Number(p.low), at.get(p.partition) ?? -1);
      }
      return n;
    } finally {
      await admin.disconnect();
    }
  }

  /** Graceful stop (SIGINT) of a processor. */
  async stopProcessor(label: string): Promise<void> {
    const c = this.processors.get(label);
    if (!c) return;
    this.expectedExit.add(c);
    this.retired.push(c);
    this.processors.delete(label);
    const code = await stopTickflow(c);
    if (code !== 0) this.notes.push(`processor ${label} exited ${code} on SIGINT`);
  }

  async killProducer(): Promise<void> {
    this.expectedExit.add(this.producer);
    this.producer.proc.kill('SIGKILL');
    await this.producer.exit;
  }

  /** While true, frames past 70 % trickle out (one per 1.5 s) so trades keep arriving until the fault is over. */
  injecting = false;
  /** Index of the next frame to publish. */
  next = 0;

  /** Publishes frames [from, to) at the scenario's pace. */
  async pump(from: number, to: number): Promise<void> {
    for (let i = from; i < to && i < this.stream.frames.length; i++) {
      this.next = i + 1;
      const f = this.stream.frames[i]!;
      await this.server.publish(f.trades, { frameSize: f.trades.length, copies: f.copies });
      this.published += f.trades.length;
      for (const t of f.trades) if (!this.stream.late.has(`${t.s}|${t.t}|${t.p}|${t.v}`)) this.publishedTs = Math.max(this.publishedTs, t.t);
      await sleep(this.injecting && i >= this.frameAt(0.7) ? 1500 : this.paceMs);
    }
  }

  frameAt(fraction: number): number {
    return Math.floor(this.stream.frames.length * fraction);
  }

  /** Milliseconds from now until Silver holds a trade newer than every trade published before now. */
  async recovery(timeoutMs = 240_000): Promise<number> {
    const t0 = Date.now();
    const since = this.publishedTs;
    const { client, keyspace } = this.shared;
    await until(
      'a trade published after the fault to reach Silver',
      async () => {
        for (const symbol of this.stream.symbols) if ((await readTrades(client, { symbol, from: since + 1, to: this.stream.to, keyspace })).length > 0) return true;
        return false;
      },
      timeoutMs,
    );
    const ms = Date.now() - t0;
    this.recoveries.push(ms);
    return ms;
  }

  /** Drains: producer acks settle, producer and processors stop, a final `process --exit-when-idle` flushes. */
  async finish(): Promise<void> {
    const admin = this.shared.kafka.admin();
    await admin.connect();
    const topics = [this.env.KAFKA_TOPIC_TRADES!, this.env.KAFKA_TOPIC_CRYPTO!];
    const inKafka = async () => {
      let n = 0;
      for (const topic of topics) for (const p of await admin.fetchTopicOffsets(topic)) n += Number(p.high);
      return n;
    };
    let prev = -1;
    let same = 0;
    await until(
      'the producer to settle',
      async () => {
        const n = await inKafka();
        same = n === prev ? same + 1 : 0;
        prev = n;
        return same >= 8 ? n : undefined;
      },
      120_000,
    );
    await admin.disconnect();
    this.stopping = true;
    const code = await stopTickflow(this.producer);
    if (code !== 0) this.notes.push(`producer exited ${code} on SIGINT`);
    for (const label of [...this.processors.keys()]) {
      const c = this.processors.get(label)!;
      this.retired.push(c);
      const pc = await stopTickflow(c);
      if (pc !== 0) this.notes.push(`processor ${label} exited ${pc} on SIGINT: ${c.output().slice(-400)}`);
    }
    this.processors.clear();
    const last = tickflow(['process', '--exit-when-idle', '4000'], { ...this.env, TICKFLOW_LOG_LEVEL: 'info' });
    this.finalOutput = last.output;
    this.retired.push(last);
    const lc = await last.exit;
    if (lc !== 0) throw new Error(`final process --exit-when-idle exited ${lc}:\n${last.output().slice(-4000)}`);
    await this.server.close();
  }

  /** Every distinct record in the input topics, decoded independently (Avro body after the 5-byte header). */
  async kafkaTrades(): Promise<{ symbol: string; ts: number; price: number; size: number; id: string }[]> {
    const topics = [this.env.KAFKA_TOPIC_TRADES!, this.env.KAFKA_TOPIC_CRYPTO!];
    const admin = this.shared.kafka.admin();
    await admin.connect();
    // retried: right after a broker restart, metadata can briefly point at a stale leader
    const total = await until(
      'the input topics’ end offsets',
      async () => {
        let n = 0;
        for (const topic of topics) for (const p of await admin.fetchTopicOffsets(topic)) n += Number(p.high);
        return n;
      },
      60_000,
    );
    await admin.disconnect();
    const byId = new Map<string, { symbol: string; ts: number; price: number; size: number; id: string }>();
    let read = 0;
    const consumer = this.shared.kafka.consumer({ groupId: `${this.env.KAFKA_GROUP_ID}_audit` });
    await consumer.connect();
    await consumer.subscribe({ topics, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        read++;
        const v = message.value ?? Buffer.alloc(0);
        if (v[0] !== 0) return;
        const t = tradeType.fromBuffer(v.subarray(5)) as { symbol: string; ts: number; price: number; size: number; id: string };
        byId.set(t.id, { symbol: t.symbol, ts: Number(t.ts), price: t.price, size: t.size, id: t.id });
      },
    });
    await until('the audit consumer to read the input topics', async () => read >= total, 120_000);
    await consumer.disconnect();
    return [...byId.values()];
  }

  async dlqInputs(expected: number): Promise<string[]> {
    const consumer = this.shared.kafka.consumer({ groupId: `${this.env.KAFKA_GROUP_ID}_dlq_audit` });
    const keys: string[] = [];
    await consumer.connect();
    await consumer.subscribe({ topic: this.env.KAFKA_TOPIC_DLQ!, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        const d = JSON.parse(String(message.value)) as { reason: string; input: string };
        if (!d.reason) return;
        try {
          const i = JSON.parse(d.input) as { symbol?: string; s?: string; ts?: number; t?: number; price?: number; p?: number; size?: number; v?: number };
          keys.push(`${i.symbol ?? i.s}|${i.ts ?? i.t}|${i.price ?? i.p}|${i.size ?? i.v}`);
        } catch {
          keys.push(String(d.input));
        }
      },
    });
    await until('the DLQ', async () => keys.length >= expected, 20_000).catch(() => {});
    await sleep(1000);
    await consumer.disconnect();
    return keys;
  }

  /** Compares everything with the oracle. */
  async verify(): Promise<FaultResult> {
    const { client, keyspace } = this.shared;
    const sentLog = this.server.sentTrades();
    const seqOf = new Map<string, number>();
    sentLog.forEach((t, i) => {
      const k = `${t.s}|${t.t}|${t.p}|${t.v}`;
      if (!seqOf.has(k)) seqOf.set(k, i);
    });
    const asO = (t: FakeFinnhubTrade) => ({ symbol: t.s, ts: t.t, price: t.p, size: t.v });
    const validSent = sentLog.filter((t) => !this.stream.invalid.has(`${t.s}|${t.t}|${t.p}|${t.v}`)).map(asO);
    const invalidSent = sentLog.filter((t) => this.stream.invalid.has(`${t.s}|${t.t}|${t.p}|${t.v}`));
    const inKafka = await this.kafkaTrades();
    const upstream = compareMultisets(multiset(validSent), multiset(inKafka));
    const silver: { symbol: string; ts: number; price: number; size: number }[] = [];
    const bronze: { symbol: string; ts: number; price: number; size: number }[] = [];
    for (const symbol of this.stream.symbols) {
      for (const r of await readTrades(client, { symbol, layer: 'silver', from: this.stream.from, to: this.stream.to, keyspace })) silver.push({ symbol, ts: r.ts, price: r.price, size: r.size });
      for (const r of await readTrades(client, { symbol, layer: 'bronze', from: this.stream.from, to: this.stream.to, keyspace })) bronze.push({ symbol, ts: r.ts, price: r.price, size: r.size });
    }
    const kafkaSet = multiset(inKafka);
    const processor = compareMultisets(kafkaSet, multiset(silver));
    const bronzeCmp = compareMultisets(kafkaSet, multiset(bronze));
    // Oracle bars from what reached Kafka, minus the late trades.
    const barInput: OTrade[] = inKafka.filter((t) => !this.stream.late.has(printKey(t))).map((t) => ({ ...t, seq: seqOf.get(printKey(t)) ?? 0 }));
    const wrong: string[] = [];
    let barsChecked = 0;
    for (const [interval, size] of [['5m', 5 * M], ['1h', H]] as const) {
      const want = oracleBars(barInput, size);
      const got: StoredBar[] = [];
      for (const symbol of this.stream.symbols) for (const b of await readBars(client, { symbol, interval, from: this.stream.from, to: this.stream.to, keyspace })) got.push({ ...b, symbol });
      barsChecked += want.size;
      wrong.push(...wrongBars(want, got).map((w) => `${interval} ${w}`));
    }
    const dlq = await this.dlqInputs(invalidSent.length);
    const dlqCmp = compareMultisets(multiset(invalidSent.map(asO)), new Map(Object.entries(Object.fromEntries(dlq.map((k) => [k, dlq.filter((x) => x === k).length])))));
    const all = [...this.retired, ...this.processors.values()];
    const logs = this.saveOutputs();
    return {
      fault: this.name,
      published: this.published,
      sent: sentLog.length,
      lostUpstream: upstream.lost,
      lost: processor.lost,
      duplicated: processor.duplicated,
      bronzeLost: bronzeCmp.lost,
      wrongBars: wrong.length,
      wrongBarDetails: wrong.slice(0, 10),
      dlqMissing: dlqCmp.lost,
      recoveryMs: this.recoveries.length ? Math.max(...this.recoveries) : 0,
      replayed: this.replayed,
      peakRssMiB: Math.round(Math.max(0, ...all.map((c) => c.peakRssMiB))),
      unexpectedExits: this.unexpectedExits,
      barsChecked,
      notes: [...this.notes, ...(wrong.length ? [`processor output in ${logs}`] : []), ...(upstream.duplicated ? [`${upstream.duplicated} prints in Kafka beyond the sent log`] : [])],
    };
  }

  /** Writes every processor's output to test-results/faults-<index>.log; returns the path. */
  saveOutputs(): string {
    const path = join(ROOT, 'test-results', `faults-${this.index}.log`);
    mkdirSync(dirname(path), { recursive: true });
    const parts = [...this.retired, ...this.processors.values()].map((c, i) => `=== processor ${i} (exit ${c.proc.exitCode})\n${c.output()}`);
    writeFileSync(path, `${parts.join('\n')}\n=== final\n${this.finalOutput()}\n=== producer\n${this.producer?.output() ?? ''}`);
    return path;
  }

  async dispose(): Promise<void> {
    this.stopping = true;
    for (const c of [this.producer, ...this.processors.values()]) if (c && !c.exited) c.proc.kill('SIGKILL');
    await this.server?.close().catch(() => {});
  }
}

/** The results table the suite prints. */
export function table(results: readonly FaultResult[]): string {
  const head = ['fault', 'published', 'sent', 'lost upstream', 'lost', 'duplicated', 'wrong bars', 'bars checked', 'DLQ missing', 'recovery s', 'replayed after kill', 'peak RSS MiB', 'unexpected exits'];
  const rows = results.map((r) =>
    [r.fault, r.published, r.sent, r.lostUpstream, r.lost, r.duplicated, r.wrongBars, r.barsChecked, r.dlqMissing, (r.recoveryMs / 1000).toFixed(1), r.replayed.length ? r.replayed.join(' ') : '–', r.peakRssMiB, r.unexpectedExits].map(String),
  );
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}
