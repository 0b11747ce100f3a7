import type { Ack, Bar, InvalidRecord, Trade } from '@tickflow/core';
import { type CassandraClient, cassandraSink, readBars } from '@tickflow/sinks/cassandra';
import { kafkaSource } from '@tickflow/sources/kafka';
import { concat, map, NEVER, Observable, type OperatorFunction, Subject, type Subscription, takeUntil, tap } from 'rxjs';
import type { CommandContext } from '../cli/CommandContext.js';
import { type Checkpoint, CheckpointStore } from '../cassandra/checkpoints.js';
import { cassandraBarReader } from '../api/cassandraBarReader.js';
import { buildWebInBackground } from '../api/buildWebInBackground.js';
import { connectCassandra } from '../cassandra/connectCassandra.js';
import { CommitTracker } from '../commit/CommitTracker.js';
import { connectOrExplain, kafkaClients } from '../kafka/connectKafka.js';
import { deadLetterRecord } from '../kafka/deadLetterRecord.js';
import { startOpsServerWithFallback } from '../ops/startOpsServerWithFallback.js';
import { mountProcessApi, type ProcessApi } from '../process/mountProcessApi.js';
import { type ProcessorRecord, type ProcessorSinks, processorPipeline } from '../process/processorPipeline.js';
import { assignmentGate } from '../process/assignmentGate.js';
import { partitionKeys } from '../process/partitionKeys.js';
import type { FineBarReader } from '../process/SeededRollup.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * `tickflow process`: Kafka (`trades_raw` and `crypto_raw`) → Cassandra `trades_bronze`; dedupe →
 * `trades_silver`; per-partition watermark → 5m bars → `trades_gold_5m`; 1h rollup →
 * `trades_gold_1h`. Offsets are committed only after Cassandra acknowledged every write of a
 * record and never past the first record of a still-open hour (ADR 0070); each commit's
 * `closedThrough` is stored in `processor_checkpoints` first. SIGINT/SIGTERM: stop reading, drain
 * in-flight writes, commit, close. `--exit-when-idle <ms>` treats a quiet input as its end: every
 * window is flushed, everything committed, exit 0 (backfills, tests). `--dry-run` prints.
 *
 * @param ctx - command context
 * @returns when stopped
 * @example
 * ```ts
 * await processCommand(ctx); // tickflow process
 * ```
 */
export async function processCommand(ctx: CommandContext): Promise<void> {
  const { config, flags, telemetry, shutdown, out } = ctx;
  const m = telemetry.metrics;
  const topics = [config.kafka.topics.trades, config.kafka.topics.crypto];
  const { kafka, registry } = kafkaClients(config, telemetry);
  let ready: true | string = 'connecting to Kafka and Cassandra';
  const ops = await startOpsServerWithFallback(config, telemetry, () => ready, false);
  shutdown.add('close ops server', () => ops.close());

  // Partitions of the input topics: each holds the watermark until it delivers or goes idle.
  const admin = kafka.admin();
  await connectOrExplain('admin client', config.kafka.brokers, () => admin.connect());
  const meta = await admin.fetchTopicMetadata({ topics }).catch((cause: unknown) => {
    throw new Error(`topics ${topics.join(', ')} are missing (${(cause as Error).message}); run \`tickflow topics create\` first`);
  });
  const partitions = meta.topics.flatMap((t) => t.partitions.map((p) => `${t.name}|${p.partitionId}`));
  // Where each partition's backlog ends now: until the consumer has read up to it, the partition
  // is not idle (it holds the watermark), however long the consumer takes to reach it.
  const backlogEnd = new Map<string, number>();
  const committedAtStart = await admin.fetchOffsets({ groupId: config.kafka.groupId, topics }).catch(() => []);
  const endOffsets = new Map<string, { low: number; high: number; committed: number }>();
  for (const topic of topics) {
    const committedOf = new Map(committedAtStart.find((c) => c.topic === topic)?.partitions.map((p) => [p.partition, Number(p.offset)]) ?? []);
    for (const p of await admin.fetchTopicOffsets(topic)) {
      const high = Number(p.high);
      const committedOffset = committedOf.get(p.partition) ?? -1;
      endOffsets.set(`${topic}|${p.partition}`, { low: Number(p.low), high, committed: committedOffset });
      const start = committedOffset >= 0 ? committedOffset : flags.fromBeginning ? Number(p.low) : high;
      if (start < high) backlogEnd.set(`${topic}|${p.partition}`, high - 1);
    }
  }

  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  let sinks: ProcessorSinks;
  let checkpoints: CheckpointStore | undefined;
  let cassandraClient: { shutdown(): Promise<void> } | undefined;
  /** Gold 5m reader that seeds the 1h rollup (5-minute replay unit, ADR 0105); none in a dry run. */
  let readFine: FineBarReader | undefined;
  let page: ProcessApi | undefined;
  // write_latency_seconds samples one record in 16: a WeakMap entry and a labelled observation per
  // record cost the processor more than the write's own bookkeeping; the quantiles stay the same.
  const latencyOf = <T extends object>(target: string, op: OperatorFunction<T, Ack<T>>): OperatorFunction<T, Ack<T>> => {
    const started = new WeakMap<object, number>();
    let n = 0;
    return (src) =>
      src.pipe(
        tap((r) => {
          if ((n++ & 15) === 0) started.set(r, Date.now());
        }),
        op,
        tap((a) => {
          const t0 = started.get(a.record);
          if (t0 !== undefined) m.writeLatency.observe((Date.now() - t0) / 1000, { target });
        }),
      );
  };
  if (flags.dryRun) {
    const print =
      <T>(table: string): OperatorFunction<T, Ack<T>> =>
      (src) =>
        src.pipe(
          map((r) => {
            out(`${table} ${JSON.stringify(r)}`);
            return { record: r };
          }),
        );
    sinks = {
      bronze: print<Trade>('trades_bronze'),
      silver: print<Trade>('trades_silver'),
      gold5m: print<Bar>('trades_gold_5m'),
      gold1h: print<Bar>('trades_gold_1h'),
      deadLetter: async (r) => out(`${config.kafka.topics.dlq} ${JSON.stringify(deadLetterRecord(r, 'process', Date.now()))}`),
    };
  } else {
    const client = await connectCassandra(config);
    cassandraClient = client;
    const keyspace = config.cassandra.keyspace;
    readFine = (symbol, from, to) => readBars(client as CassandraClient, { symbol, interval: '5m', from, to, keyspace });
    // The page at `/`, the query API over the Gold tables and a live stream of the Gold bars written (docs/guides/dashboard.md).
    page = mountProcessApi(ops, { api: config.api, reader: cassandraBarReader(client, { keyspace: config.cassandra.keyspace, symbols: config.symbols }), registry: telemetry.registry, watermark: () => tracker.watermark, pipeline: config.pipeline, log: telemetry.log });
    for (const line of page.api.banner) out(line);
    buildWebInBackground(out);
    checkpoints = new CheckpointStore(client, config.cassandra.keyspace, config.kafka.groupId);
    await checkpoints.ensure();
    await connectOrExplain('producer', config.kafka.brokers, () => producer.connect());
    const table = <T extends object>(name: 'trades_bronze' | 'trades_silver' | 'trades_gold_5m' | 'trades_gold_1h') =>
      latencyOf<T>(name, cassandraSink<T>({ client, table: name, keyspace: config.cassandra.keyspace, instrumentation: telemetry.inst }));
    sinks = {
      bronze: table<Trade>('trades_bronze'),
      silver: table<Trade>('trades_silver'),
      gold5m: table<Bar>('trades_gold_5m'),
      gold1h: table<Bar>('trades_gold_1h'),
      deadLetter: async (r: InvalidRecord) => {
        const d = deadLetterRecord(r, 'process', Date.now());
        await producer.send({
          topic: config.kafka.topics.dlq,
          acks: -1,
          messages: [{ key: d.symbol ?? null, value: JSON.stringify(d), headers: { 'x-tickflow-reason': d.reason, 'x-tickflow-stage': 'process' } }],
        });
      },
    };
  }
  const stored = checkpoints ? await checkpoints.load() : new Map<string, Checkpoint>();
  for (const c of stored.values()) telemetry.log('info', 'checkpoint_loaded', { ...c });
  // Kafka has no committed offset for a partition the checkpoints know (a broker killed before it
  // persisted the group's commits loses them): start at the checkpoint, which is written before
  // every Kafka commit — never at "latest", which would skip everything not yet processed.
  for (const c of stored.values()) {
    const key = `${c.topic}|${c.partition}`;
    const e = endOffsets.get(key);
    if (!e || e.committed >= 0 || !(c.offset >= e.low)) continue;
    try {
      await admin.setOffsets({ groupId: config.kafka.groupId, topic: c.topic, partitions: [{ partition: c.partition, offset: String(c.offset) }] });
      telemetry.log('warn', 'offsets_restored_from_checkpoint', { topic: c.topic, partition: c.partition, offset: c.offset });
      if (c.offset < e.high) backlogEnd.set(key, e.high - 1);
    } catch (error) {
      telemetry.log('warn', 'offsets_restore_failed', { topic: c.topic, partition: c.partition, error });
    }
  }
  await admin.disconnect();

  // Manual commits: a record is acknowledged to the source (its buffer slot freed) as soon as its
  // writes are durable and it is folded into the windows; the commit itself stops at the first record
  // of the oldest unreleased hour (CommitTracker, ADR 0070/0094). Memory no longer grows with the
  // open hour: maxBuffered only bounds writes in flight (e.g. while Cassandra is down).
  // The consumer is ours so the processor sees its assignments: a partition gained mid-run waits for
  // a fresh checkpoint read (assignmentGate), and checkpoints are stored only for owned partitions
  // (one that moved away would otherwise keep growing its closedThrough without its records).
  const consumer = kafka.consumer({ groupId: config.kafka.groupId });
  const owned = new Set<string>();
  const source = kafkaSource<Trade>({
    consumer,
    topics,
    registry,
    fromBeginning: flags.fromBeginning,
    commitMode: 'manual',
    maxBuffered: config.pipeline.maxInFlightRecords,
    instrumentation: telemetry.inst,
    onInvalid: (inv) => {
      m.invalid.inc(1, { stage: 'process', symbol: 'other', field: 'value' });
      telemetry.log('warn', 'undecodable_record', { reason: inv.reason, topic: inv.input.topic, partition: inv.input.partition, offset: inv.input.offset });
    },
  });

  const lastOffset = new Map<string, number>();
  const tracker = new CommitTracker({
    fineWindowMs: 300_000,
    coarseWindowMs: 3_600_000,
    // 5m: a crash re-reads about five minutes of each partition, the 1h rollup is seeded from Gold (ADR 0105)
    replayUnit: config.pipeline.replayUnit === '5m' && readFine ? 'fine' : 'coarse',
    allowedLatenessMs: config.pipeline.allowedLatenessMs,
    // a restart's low watermark must not store a smaller closedThrough beside a newer offset
    initialClosedThrough: (topic, partition) => stored.get(`${topic}|${partition}`)?.closedThrough ?? Number.NEGATIVE_INFINITY,
    onDurable: (pos) => source.ack({ topic: pos.topic, partition: pos.partition, offset: String(pos.offset) }),
  });
  for (const c of stored.values()) tracker.restore(c.topic, c.partition, c.closedThrough);
  const gate = assignmentGate({
    reload: async () => {
      if (!checkpoints) return;
      for (const c of (await checkpoints.load()).values()) {
        const key = `${c.topic}|${c.partition}`;
        const had = stored.get(key);
        if (had === undefined || c.closedThrough > had.closedThrough) stored.set(key, c);
        tracker.restore(c.topic, c.partition, c.closedThrough);
      }
    },
    onError: (error) => telemetry.log('warn', 'checkpoint_reload_failed', { error }),
  });
  consumer.on(consumer.events.GROUP_JOIN, (e) => {
    const parts = Object.entries(e.payload.memberAssignment).flatMap(([topic, ps]) => ps.map((p) => `${topic}|${p}`));
    owned.clear();
    for (const part of parts) owned.add(part);
    gate.assigned(parts);
  });
  let stopping = false;
  let lastInput = Date.now();
  const partOf = partitionKeys();
  const end$ = new Subject<void>();
  const input$: Observable<ProcessorRecord> = (flags.idleExitMs !== undefined ? source.pipe(takeUntil(end$)) : concat(source, NEVER)).pipe(
    // first: a partition's records held for a checkpoint read do not count as read yet (backlog, idleness)
    gate.operator,
    tap((r) => {
      lastInput = Date.now();
      if (!stopping) lastOffset.set(partOf(r.topic, r.partition), Number(r.offset));
    }),
    // after a shutdown request nothing new enters: what is not tracked is read again after restart
    (src) => new Observable<ProcessorRecord>((sub) => src.subscribe({ next: (r) => !stopping && sub.next(r), error: (e) => sub.error(e), complete: () => sub.complete() })),
  );

  let committing = Promise.resolve();
  const committed = new Map<string, number>();
  const committedCt = new Map<string, number>();
  const commit = (final: boolean): Promise<void> =>
    (committing = committing.then(async () => {
      const points = tracker.commitPoints().filter((p) => owned.has(`${p.topic}|${p.partition}`));
      m.openWindows.set(tracker.stats().openWindows);
      // store a checkpoint when the offset or closedThrough moved (closedThrough can grow while an
      // open hour holds the offset)
      const moved = points.filter((p) => {
        const key = `${p.topic}|${p.partition}`;
        return (committed.get(key) ?? -1) < p.offset || (committedCt.get(key) ?? Number.NEGATIVE_INFINITY) < p.closedThrough;
      });
      if (moved.length === 0 && !final) return;
      await checkpoints?.save(moved);
      for (const p of moved) {
        const key = `${p.topic}|${p.partition}`;
        committed.set(key, p.offset);
        committedCt.set(key, p.closedThrough);
        m.committedOffset.set(p.offset, { topic: p.topic, partition: String(p.partition) });
      }
      await source.commitOffsets(final ? points : moved);
    }).catch((error: unknown) => telemetry.log('warn', 'commit_failed', { error })));

  const movedSymbols = new Set<string>();
  let resolveDone!: () => void;
  const done = new Promise<void>((r) => (resolveDone = r));
  let failed: unknown;
  let written = 0;
  const sub: Subscription = processorPipeline({
    records: input$,
    sinks,
    tracker,
    closedThrough: (topic, partition) => stored.get(partOf(topic, partition))?.closedThrough ?? Number.NEGATIVE_INFINITY,
    maxOutOfOrdernessMs: config.pipeline.maxOutOfOrdernessMs,
    idleTimeoutMs: config.pipeline.idleTimeoutMs,
    allowedLatenessMs: config.pipeline.allowedLatenessMs,
    maxFutureMs: config.pipeline.maxFutureMs,
    partitions,
    canIdle: (part) => {
      const end = backlogEnd.get(part);
      return end === undefined || (lastOffset.get(part) ?? -1) >= end;
    },
    ...(readFine && tracker.replayUnitMs < 3_600_000 ? { readFine } : {}),
    onSeedError: (error, symbol, start) => telemetry.log('warn', 'rollup_seed_read_failed', { error, symbol, hour: new Date(start).toISOString() }),
    onSymbolMoved: (symbol, from, to) => movedSymbols.size < 1000 && !movedSymbols.has(symbol) && movedSymbols.add(symbol) && telemetry.log('warn', 'symbol_on_several_partitions', { symbol, from, to, hint: 'one partition per symbol is assumed (key = symbol); were partitions added to a live topic?' }),
    instrumentation: telemetry.inst,
    metrics: m,
  }).subscribe({
    next: (event) => {
      written++;
      page?.onWrite(event); // Gold bars reach the live stream once Cassandra acknowledged them
    },
    error: (e: unknown) => {
      failed = e;
      resolveDone();
    },
    complete: () => resolveDone(),
  });
  const loop = setInterval(() => {
    void commit(false);
    // the end of input: everything that was there at start has been read, and nothing new came
    const caughtUp = [...backlogEnd].every(([part, end]) => (lastOffset.get(part) ?? -1) >= end);
    if (flags.idleExitMs !== undefined && caughtUp && Date.now() - lastInput >= flags.idleExitMs) end$.next();
  }, 1_000);
  ready = true;
  telemetry.log('info', 'process_started', { topics, groupId: config.kafka.groupId, partitions: partitions.length, dryRun: flags.dryRun });

  const closeAll = async () => {
    clearInterval(loop);
    page?.close();
    await source.close({ drainTimeoutMs: 0 }).catch((error: unknown) => telemetry.log('warn', 'source_close_failed', { error }));
    sub.unsubscribe();
    await consumer.disconnect().catch(() => {});
    await producer.disconnect().catch(() => {});
    await cassandraClient?.shutdown().catch(() => {});
  };
  shutdown.add('stop reading, drain writes, commit, close clients', async () => {
    stopping = true;
    // drain: wait until every record read has all its writes acknowledged (bounded)
    const t0 = Date.now();
    while (tracker.stats().pendingRecords > 0 && Date.now() - t0 < 15_000) await sleep(50);
    await commit(true);
    await closeAll();
    out(`process: stopped; ${written} writes acknowledged; offsets committed up to the first record of each open hour`);
  });

  await Promise.race([done, shutdown.requested()]);
  if (shutdown.stopping) return;
  // The input ended (--exit-when-idle) or the pipeline failed.
  if (!failed) {
    await commit(true);
    out(`process: input idle for ${flags.idleExitMs} ms; all windows flushed; ${written} writes acknowledged and committed`);
  }
  await closeAll();
  await ops.close();
  if (failed) throw failed;
}
