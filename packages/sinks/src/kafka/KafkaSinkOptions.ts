import type { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import type { Instrumentation, InvalidRecord, RetryPolicy } from '@tickflow/core';
import type { CompressionTypes, Kafka, Producer } from 'kafkajs';
import type { SchedulerLike } from 'rxjs';
import type { KafkaProducerAdapter } from './KafkaProducerAdapter.js';
import type { KafkaValueEncoder } from './KafkaValueEncoder.js';

/**
 * A record {@link kafkaSink} could not write, as passed to `onInvalid`.
 *
 * @example
 * ```ts
 * import type { KafkaDeadLetter } from '@tickflow/sinks/kafka';
 * const onInvalid = (d: KafkaDeadLetter) => console.warn(`${d.kind} for ${d.topic}: ${d.reason}`);
 * ```
 */
export interface KafkaDeadLetter extends InvalidRecord {
  /** The topic the record was meant for. */
  topic: string;
  /** Why: `'encode'` (the encoder rejected it), `'too_large'`, or `'rejected'` (the broker refused it). */
  kind: 'encode' | 'too_large' | 'rejected';
}

/**
 * Options of {@link kafkaSink}.
 *
 * @example
 * ```ts
 * import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
 * import type { Trade } from '@tickflow/core';
 * import { type KafkaSinkOptions, kafkaSink } from '@tickflow/sinks/kafka';
 * import { Kafka } from 'kafkajs';
 * const options: KafkaSinkOptions<Trade> = {
 *   producer: new Kafka({ brokers: ['127.0.0.1:9092'] }),
 *   topic: (t) => (t.symbol.includes(':') ? 'crypto_raw' : 'trades_raw'),
 *   registry: new SchemaRegistry({ host: 'http://127.0.0.1:8081' }),
 *   lingerMs: 10,
 * };
 * const writeTrades = kafkaSink(options);
 * ```
 */
export interface KafkaSinkOptions<T> {
  /**
   * The caller's connected kafkajs `Producer` (create it with `idempotent: true` for exactly-once
   * writes per partition), a kafkajs `Kafka` (the sink then creates, connects and on teardown
   * disconnects its own idempotent producer), or any {@link KafkaProducerAdapter}.
   * The sink never disconnects a client it did not create. For each ack's exact partition and
   * offset, create your producer with `createPartitioner: trackingPartitioner(Partitioners.DefaultPartitioner)`
   * (see `KafkaAckMeta`); the sink's own producer does so already.
   */
  producer: Producer | Kafka | KafkaProducerAdapter;
  /** Destination topic, or a function choosing it per record (e.g. `BINANCE:*` → `crypto_raw`). */
  topic: string | ((record: T) => string);
  /** Message key (default: the record's `symbol`, so one symbol stays in one partition, in order). */
  key?: (record: T) => string | null | undefined;
  /** Extra headers per record. */
  headers?: (record: T) => Record<string, string> | undefined;
  /** Value encoder (default: Avro through `registry` when given, see {@link avroEncoder}; else required). */
  encoder?: KafkaValueEncoder<T>;
  /** Schema registry client for the default Avro encoder. */
  registry?: SchemaRegistry;
  /** Avro schema for the default encoder (default core's `tradeAvroSchema`). */
  schema?: object | ((topic: string) => object);
  /** Records per batch (default 1000). */
  batchSize?: number;
  /** How long a partial batch waits for more records, ms (default 5). */
  lingerMs?: number;
  /** Batches sent concurrently (default 1). More than 1 needs `preserveOrder: false`. */
  maxInFlightBatches?: number;
  /**
   * Keep each key's records in order even across retries (default true). Requires
   * `maxInFlightBatches: 1`: with two batches in flight, a retried first batch can land after the
   * second.
   */
  preserveOrder?: boolean;
  /** Most records held (waiting, batched, in flight) before the sink errors with a backpressure error (default 100000). */
  maxBuffered?: number;
  /** Broker acks: -1 all in-sync replicas (default), 1 leader, 0 none (needs a non-idempotent producer). */
  acks?: -1 | 0 | 1;
  /** Broker ack timeout, ms (default 30000). */
  timeoutMs?: number;
  /** kafkajs compression codec (default none). */
  compression?: CompressionTypes;
  /** Largest encoded value accepted, bytes (default 1000000, the broker default `message.max.bytes` minus headroom). */
  maxMessageBytes?: number;
  /** Retry policy for retriable send and registry errors (default core's `defaultRetryPolicy`). */
  retry?: Partial<RetryPolicy>;
  /** Dead-letter topic for records that can never be written (default none: `onInvalid` + log + counter only). */
  dlqTopic?: string;
  /** Called for every dead-lettered record, with the reason. */
  onInvalid?: (dead: KafkaDeadLetter) => void;
  /** Metrics and logs (default none). */
  instrumentation?: Instrumentation;
  /** Scheduler for linger timers and retry waits (default `asyncScheduler`). */
  scheduler?: SchedulerLike;
  /** Random source for retry jitter. */
  random?: () => number;
}
