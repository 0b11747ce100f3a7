import type { Ack, InvalidRecord, Quote } from '@tickflow/core';
import { yahooQuotes } from '@tickflow/sources';
import type { Observable, OperatorFunction } from 'rxjs';
import type { CommandContext } from '../cli/CommandContext.js';
import { quotesPipeline } from '../pipelines/quotesPipeline.js';

/** Quote symbols: `yahoo.symbols`, else the configured symbols that are not `EXCHANGE:PAIR`. */
export const quoteSymbols = (ctx: CommandContext): string[] =>
  ctx.config.yahoo.symbols.length > 0 ? ctx.config.yahoo.symbols : ctx.config.symbols.filter((s) => !s.includes(':'));

/**
 * The Yahoo quote stream of the configured symbols, every `yahoo.intervalMs`.
 * @param ctx - command context
 * @param onInvalid - rejected quotes
 * @returns the raw quote stream (validated by the pipeline)
 */
export function quoteSource(ctx: CommandContext, onInvalid: (r: InvalidRecord) => void): Observable<unknown> {
  const { config, telemetry } = ctx;
  return yahooQuotes({
    symbols: quoteSymbols(ctx),
    intervalMs: config.yahoo.intervalMs,
    ...(config.yahoo.baseUrl ? { baseUrl: config.yahoo.baseUrl } : {}),
    instrumentation: telemetry.inst,
    onInvalid,
  });
}

/**
 * `tickflow quotes`: Yahoo Finance quotes → validate → NATS JetStream (`NATS_URL`), Redis latest
 * quote and earnings flags (`REDIS_URL`) and, with `--kafka`, `quotes_raw` (Avro). Uses
 * src/pipelines/quotesPipeline.ts. `--dry-run` prints the quotes.
 *
 * @param ctx - command context
 * @param kafkaLeg - the Kafka writer when called from `produce --quotes`
 * @returns when stopped
 * @example
 * ```ts
 * await quotes(ctx); // NATS_URL=nats://127.0.0.1:4222 tickflow quotes
 * ```
 */
export async function quotes(ctx: CommandContext, kafkaLeg?: OperatorFunction<Quote, Ack<Quote, unknown>>): Promise<void> {
  const { config, flags, telemetry, shutdown, out } = ctx;
  const onInvalid = (r: InvalidRecord) => telemetry.metrics.invalid.inc(1, { stage: 'quotes', symbol: 'other', field: r.field ?? 'record' });
  const quotes$ = quoteSource(ctx, onInvalid);
  if (flags.dryRun) {
    const sub = quotes$.subscribe((q) => out(`quote ${JSON.stringify(q)}`));
    shutdown.add('stop quotes', () => sub.unsubscribe());
    await shutdown.requested();
    return;
  }
  const closers: (() => Promise<unknown>)[] = [];
  let kafka = kafkaLeg;
  if (!kafka && flags.kafka) {
    const { kafkaSink } = await import('@tickflow/sinks/kafka');
    const { quoteAvroSchema } = await import('@tickflow/core');
    const { connectOrExplain, kafkaClients } = await import('../kafka/connectKafka.js');
    const { kafka: client, registry } = kafkaClients(config, telemetry);
    const producer = client.producer({ idempotent: true, maxInFlightRequests: 1 });
    await connectOrExplain('producer', config.kafka.brokers, () => producer.connect());
    closers.push(() => producer.disconnect());
    kafka = kafkaSink<Quote>({ producer, topic: config.kafka.topics.quotes, registry, schema: quoteAvroSchema, dlqTopic: config.kafka.topics.dlq, instrumentation: telemetry.inst });
  }
  let nats: Parameters<typeof quotesPipeline>[0]['nats'];
  if (config.nats.url) {
    const { connect } = await import('nats');
    const { ensureStream } = await import('@tickflow/sinks/nats');
    const nc = await connect({ servers: config.nats.url });
    await ensureStream(nc, { name: 'MARKET', subjects: ['data.market.>'], maxAgeMs: 86_400_000 });
    nats = nc;
    closers.push(() => nc.drain());
  }
  let redis: Parameters<typeof quotesPipeline>[0]['redis'];
  if (config.redis.url) {
    const { Redis } = await import('ioredis');
    const r = new Redis(config.redis.url);
    redis = r;
    closers.push(() => r.quit());
  }
  if (!nats && !redis && !kafka) {
    throw new Error('tickflow quotes needs a destination: set NATS_URL and/or REDIS_URL, pass --kafka, or use --dry-run');
  }
  let n = 0;
  let done!: () => void;
  const finished = new Promise<void>((r) => (done = r));
  const sub = quotesPipeline({ quotes$, nats, redis, kafka, onInvalid, instrumentation: telemetry.inst }).subscribe({
    next: () => n++,
    error: (error: unknown) => {
      telemetry.log('error', 'quotes_failed', { error });
      process.exitCode = 1;
      done();
    },
    complete: () => done(),
  });
  shutdown.add('stop quotes and close clients', async () => {
    sub.unsubscribe();
    for (const c of closers.reverse()) await c().catch(() => {});
    out(`quotes: ${n} writes acknowledged`);
  });
  await Promise.race([finished, shutdown.requested()]);
}
