import type { Ack, Instrumentation, InvalidRecord, Quote } from '@tickflow/core';
import { QuoteSchema } from '@tickflow/core';
import { validate } from '@tickflow/operators';
import { natsSink } from '@tickflow/sinks/nats';
import { redisFlags, redisLatest } from '@tickflow/sinks/redis';
import type { Cluster, Redis } from 'ioredis';
import type { JetStreamClient, NatsConnection } from 'nats';
import { connect, map, merge, type Observable, type OperatorFunction } from 'rxjs';

/** Which leg of the quote pipeline acknowledged a quote. */
export type QuotesPipelineSink = 'nats' | 'redis' | 'flags' | 'kafka';

/** One acknowledgement out of {@link quotesPipeline}: which sink stored which quote. */
export interface QuotesPipelineAck {
  sink: QuotesPipelineSink;
  ack: Ack<Quote, unknown>;
}

/** Options of {@link quotesPipeline}. Every sink is optional; give at least one. */
export interface QuotesPipelineOptions {
  /** Raw quotes, e.g. `yahooQuotes({ symbols })` from `@tickflow/sources/yahoo`. They are validated here. */
  quotes$: Observable<unknown>;
  /** NATS connection (or JetStream client): quotes are published to `natsSubject`. */
  nats?: NatsConnection | JetStreamClient;
  /** NATS subject or template (default `'data.market.quote'`). */
  natsSubject?: string;
  /** ioredis client: latest quote per symbol (`market:{symbol}`) and earnings flags (`earnings_flag:{symbol}`). */
  redis?: Redis | Cluster;
  /** Prefix of every Redis key (default none: `market:{symbol}`, `earnings_flag:{symbol}`). */
  redisKeyPrefix?: string;
  /** TTL of `market:{symbol}`, seconds (default 60). */
  latestTtlSeconds?: number;
  /** TTL of `earnings_flag:{symbol}`, seconds (default 86400). */
  flagTtlSeconds?: number;
  /** Write earnings flags when `redis` is given (default true). */
  earningsFlags?: boolean;
  /** A Kafka sink operator for the `quotes_raw` topic, e.g. `kafkaSink({ producer, topic: 'quotes_raw', … })`. */
  kafka?: OperatorFunction<Quote, Ack<Quote, unknown>>;
  /** Rejected quotes (dead-letter hook), with the reason. */
  onInvalid?: (rejected: InvalidRecord) => void;
  /** Metrics and logs for every stage. */
  instrumentation?: Instrumentation;
}

/**
 * The reference app's quote pipeline: quotes → `validate(QuoteSchema)` → fan-out to NATS JetStream
 * (`natsSink`), the Redis latest-quote cache (`redisLatest`), Redis earnings flags (`redisFlags`)
 * and, when given, a Kafka sink for `quotes_raw`. Each valid quote reaches every configured sink;
 * the result emits one {@link QuotesPipelineAck} per sink and quote once that sink has it durably.
 * The sinks share one subscription to the source (`connect`), so a cold source is polled once.
 *
 * @param options - the quote source and the clients of the sinks to use
 * @returns the acknowledgements of all sinks, merged
 * @example
 * ```ts
 * import { Redis } from 'ioredis';
 * import { connect as natsConnect } from 'nats';
 * import { yahooQuotes } from '@tickflow/sources/yahoo';
 * import { ensureStream } from '@tickflow/sinks/nats';
 * import { quotesPipeline } from './quotesPipeline.js';
 *
 * const nats = await natsConnect({ servers: process.env.NATS_URL ?? 'nats://127.0.0.1:4222' });
 * await ensureStream(nats, { name: 'MARKET', subjects: ['data.market.>'], maxAgeMs: 86_400_000 });
 * const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
 * quotesPipeline({ quotes$: yahooQuotes({ symbols: ['AAPL', 'MSFT'] }), nats, redis })
 *   .subscribe(({ sink, ack }) => console.log(sink, ack.record.symbol));
 * ```
 */
export function quotesPipeline(options: QuotesPipelineOptions): Observable<QuotesPipelineAck> {
  const { nats, redis, kafka, instrumentation } = options;
  if (!nats && !redis && !kafka) {
    throw new Error('quotesPipeline needs at least one sink: pass nats, redis or kafka');
  }
  const inst = instrumentation ? { instrumentation } : {};
  const prefix = options.redisKeyPrefix ?? '';
  const tag =
    (sink: QuotesPipelineSink) =>
    (ack: Ack<Quote, unknown>): QuotesPipelineAck => ({ sink, ack });
  return options.quotes$.pipe(
    validate(QuoteSchema, { ...(options.onInvalid ? { onInvalid: options.onInvalid } : {}), ...inst }),
    connect((quotes) => {
      const legs: Observable<QuotesPipelineAck>[] = [];
      if (nats) legs.push(quotes.pipe(natsSink<Quote>({ client: nats, subject: options.natsSubject ?? 'data.market.quote', ...inst }), map(tag('nats'))));
      if (redis) {
        legs.push(quotes.pipe(redisLatest<Quote>({ client: redis, key: `${prefix}market:{symbol}`, ttlSeconds: options.latestTtlSeconds ?? 60, ...inst }), map(tag('redis'))));
        if (options.earningsFlags !== false) {
          legs.push(quotes.pipe(redisFlags<Quote>({ client: redis, key: `${prefix}earnings_flag:{symbol}`, ttlSeconds: options.flagTtlSeconds ?? 86_400, ...inst }), map(tag('flags'))));
        }
      }
      if (kafka) legs.push(quotes.pipe(kafka, map(tag('kafka'))));
      return merge(...legs);
    }),
  );
}
