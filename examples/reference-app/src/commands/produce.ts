import type { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { type InvalidRecord, type Quote, quoteAvroSchema, type Trade, TradeSchema } from '@tickflow/core';
import { validate } from '@tickflow/operators';
import { jsonEncoder, type KafkaAckMeta, kafkaSink, trackingPartitioner } from '@tickflow/sinks/kafka';
import { Partitioners, type Producer } from 'kafkajs';
import { EMPTY, finalize, lastValueFrom, map, merge, type Observable, share, Subject, takeUntil, tap } from 'rxjs';
import type { CommandContext } from '../cli/CommandContext.js';
import { connectOrExplain, kafkaClients } from '../kafka/connectKafka.js';
import { type DeadLetterRecord, deadLetterRecord } from '../kafka/deadLetterRecord.js';
import { startOpsServerWithFallback } from '../ops/startOpsServerWithFallback.js';
import { createTradeSource } from '../sources/createTradeSource.js';

/** `EXCHANGE:PAIR` symbols (Finnhub's crypto and forex form) go to the crypto topic. */
export const isCrypto = (symbol: string): boolean => symbol.includes(':');

/**
 * `tickflow produce`: trades (Finnhub, or `--source replay|synthetic|fake-finnhub`) → validate →
 * Kafka (`trades_raw`, or `crypto_raw` for `EXCHANGE:PAIR` symbols; Avro through the schema
 * registry), every rejected record → the dead-letter topic as JSON with the reason in the
 * `x-tickflow-reason` header. `--dry-run` prints instead of writing. `--once`, or a finite input,
 * ends the run once every write is acknowledged. `--quotes` also runs the Yahoo quotes pipeline.
 *
 * @param ctx - command context
 * @returns when the input has ended and everything is acknowledged, or after shutdown
 * @example
 * ```ts
 * await produce(ctx); // tickflow produce --source replay --once
 * ```
 */
export async function produce(ctx: CommandContext): Promise<void> {
  const { config, flags, telemetry, shutdown, out } = ctx;
  const m = telemetry.metrics;
  const topics = config.kafka.topics;
  const invalid$ = new Subject<InvalidRecord>();
  const stop$ = new Subject<void>();
  const known = new Set(config.symbols);
  const label = (s: unknown) => (typeof s === 'string' && (known.has(s) || isCrypto(s)) && s.length < 40 ? s : 'other');
  const onInvalid = (r: InvalidRecord) => {
    const sym = (r.input as { symbol?: unknown } | null)?.symbol;
    m.invalid.inc(1, { stage: 'produce', symbol: label(sym), field: r.field ?? 'record' });
    invalid$.next(r);
  };
  const source = await createTradeSource(ctx, 'produce', onInvalid);
  let ready: true | string = 'connecting to Kafka';
  const ops = await startOpsServerWithFallback(config, telemetry, () => ready, false);
  shutdown.add('close ops server', () => ops.close());

  const valid$: Observable<Trade> = source.trades.pipe(
    takeUntil(stop$),
    tap((t) => m.ingested.inc(1, { stage: 'produce', symbol: label((t as { symbol?: unknown })?.symbol) })),
    validate(TradeSchema, { onInvalid, maxFutureMs: config.pipeline.maxFutureMs, instrumentation: telemetry.inst }),
    tap((t) => m.lastEventTime.set(t.ts / 1000, { symbol: label(t.symbol) })),
    // The dead-letter stream ends with the trade stream (rejections are reported synchronously).
    finalize(() => invalid$.complete()),
    share(),
  );
  const dlqUntilDone$: Observable<DeadLetterRecord> = invalid$.pipe(map((r) => deadLetterRecord(r, 'produce', Date.now())));

  let producer: { disconnect(): Promise<void> } | undefined;
  let producerClient: Producer | undefined;
  let registryClient: SchemaRegistry | undefined;
  let quotes: Observable<unknown> = EMPTY;
  let run: Observable<unknown>;
  /** Newest acknowledged offset per `topic/partition` (from the acks' meta). */
  const newest = new Map<string, string>();
  let notePlace: (meta: KafkaAckMeta | undefined) => void = () => {};
  if (flags.dryRun) {
    run = merge(
      valid$.pipe(tap((t) => out(`${isCrypto(t.symbol) ? topics.crypto : topics.trades} ${JSON.stringify(t)}`))),
      dlqUntilDone$.pipe(tap((d) => out(`${topics.dlq} ${JSON.stringify(d)}`))),
    );
  } else {
    const { kafka, registry } = kafkaClients(config, telemetry);
    // kafkajs's default partitioner (murmur2 of the key, as before), watched so every ack carries its partition and offset (ADR 0097)
    const p = kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: trackingPartitioner(Partitioners.DefaultPartitioner) });
    await connectOrExplain('producer', config.kafka.brokers, () => p.connect());
    producer = p;
    producerClient = p;
    registryClient = registry;
    const sentAt = new WeakMap<object, number>();
    notePlace = (meta) => {
      if (meta?.partition === undefined || meta.offset === undefined || meta.deadLetter !== undefined) return;
      newest.set(`${meta.topic}/${meta.partition}`, meta.offset);
      m.producedOffset.set(Number(meta.offset), { topic: meta.topic, partition: String(meta.partition) });
    };
    const latency = (target: string) => (ack: { record: object }) => {
      const t0 = sentAt.get(ack.record);
      if (t0 !== undefined) m.writeLatency.observe((Date.now() - t0) / 1000, { target });
    };
    run = merge(
      valid$.pipe(
        tap((t) => sentAt.set(t, Date.now())),
        kafkaSink<Trade>({
          producer: p,
          topic: (t) => (isCrypto(t.symbol) ? topics.crypto : topics.trades),
          registry,
          dlqTopic: topics.dlq,
          onInvalid: () => m.deadLettered.inc(1, { stage: 'produce' }),
          instrumentation: telemetry.inst,
        }),
        tap((ack) => notePlace(ack.meta)),
        tap(latency('kafka')),
      ),
      dlqUntilDone$.pipe(
        kafkaSink<DeadLetterRecord>({
          producer: p,
          topic: topics.dlq,
          key: (d) => d.symbol ?? null,
          headers: (d) => ({ 'x-tickflow-reason': d.reason, 'x-tickflow-stage': d.stage }),
          encoder: jsonEncoder(),
          instrumentation: telemetry.inst,
        }),
        tap(() => m.deadLettered.inc(1, { stage: 'produce' })),
      ),
    );
  }
  if (flags.quotes) quotes = await quotesToKafka(ctx, producerClient, registryClient);
  ready = true;
  telemetry.log('info', 'produce_started', { source: source.description, brokers: config.kafka.brokers, dryRun: flags.dryRun });

  let acked = 0;
  shutdown.add('disconnect producer', async () => {
    await producer?.disconnect();
  });
  shutdown.add('stop source and flush Kafka writes', async () => {
    stop$.next(); // the source stops; the sinks flush what they hold, then complete
    await finished.catch(() => {});
    await source.close();
  });
  const finished = lastValueFrom(merge(run, quotes).pipe(tap(() => acked++)), { defaultValue: undefined });
  await Promise.race([finished, shutdown.requested()]);
  if (!shutdown.stopping) {
    const places = [...newest].sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true })).map(([place, offset]) => `${place}@${offset}`);
    out(`produce: input ended; ${acked} records acknowledged${places.length ? `; newest offsets ${places.join(' ')}` : ''}`);
    await source.close();
    await producer?.disconnect();
    await ops.close();
  }
}

/** `--quotes`: the Yahoo quotes pipeline (src/pipelines/quotesPipeline.ts) with a Kafka leg to quotes_raw. */
async function quotesToKafka(ctx: CommandContext, producer: Producer | undefined, registry: SchemaRegistry | undefined): Promise<Observable<unknown>> {
  const { quoteSource } = await import('./quotes.js');
  const { quotesPipeline } = await import('../pipelines/quotesPipeline.js');
  const onInvalid = (r: InvalidRecord) => ctx.telemetry.metrics.invalid.inc(1, { stage: 'quotes', symbol: 'other', field: r.field ?? 'record' });
  const quotes$ = quoteSource(ctx, onInvalid);
  if (!producer || !registry) return quotes$.pipe(tap((q) => ctx.out(`${ctx.config.kafka.topics.quotes} ${JSON.stringify(q)}`)));
  const kafka = kafkaSink<Quote>({ producer, topic: ctx.config.kafka.topics.quotes, registry, schema: quoteAvroSchema, dlqTopic: ctx.config.kafka.topics.dlq, instrumentation: ctx.telemetry.inst });
  return quotesPipeline({ quotes$, kafka, onInvalid, instrumentation: ctx.telemetry.inst });
}
