import type { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import type { Ack, Instrumentation, InvalidRecord, RetryPolicy } from '@tickflow/core';
import type { Consumer, ConsumerConfig, Kafka } from 'kafkajs';
import type { Observable, SchedulerLike } from 'rxjs';
import type { KafkaRecord, KafkaRecordRef } from './KafkaRecord.js';
import type { KafkaValueDecoder } from './KafkaValueDecoder.js';

/**
 * A message {@link kafkaSource} could not decode, as passed to `onInvalid`.
 *
 * @example
 * ```ts
 * import { Kafka } from 'kafkajs';
 * import { type KafkaInvalidMessage, kafkaSource } from '@tickflow/sources/kafka';
 * const onInvalid = (bad: KafkaInvalidMessage) =>
 *   console.warn(`${bad.input.topic}[${bad.input.partition}]@${bad.input.offset}: ${bad.reason}`);
 * const source = kafkaSource({ kafka: new Kafka({ brokers: ['127.0.0.1:9092'] }), groupId: 'processor', topic: 'trades', onInvalid });
 * ```
 */
export interface KafkaInvalidMessage extends InvalidRecord {
  /** The raw message: topic, partition, offset, key, headers and the undecodable value. */
  input: Omit<KafkaRecord<Buffer | null>, 'value'> & { value: Buffer | null };
}

/**
 * Options of {@link kafkaSource}.
 *
 * @example
 * ```ts
 * import { Kafka } from 'kafkajs';
 * import { type KafkaSourceOptions, kafkaSource } from '@tickflow/sources/kafka';
 * const options: KafkaSourceOptions<{ symbol: string; price: number }> = {
 *   kafka: new Kafka({ brokers: ['127.0.0.1:9092'] }),
 *   groupId: 'processor',
 *   topics: ['trades'],
 *   fromBeginning: true,
 *   maxBuffered: 5000,
 *   commitIntervalMs: 500,
 * };
 * const source = kafkaSource(options);
 * ```
 */
export interface KafkaSourceOptions<T> {
  /**
   * The caller's kafkajs `Consumer` (created with its `groupId`; the source subscribes and runs it,
   * and stops it on teardown, but never disconnects it), or leave it out and pass `kafka` + `groupId`.
   */
  consumer?: Consumer;
  /** A kafkajs `Kafka`: the source creates, connects and on teardown disconnects its own consumer. */
  kafka?: Kafka;
  /** Consumer group id when the source creates the consumer. */
  groupId?: string;
  /** Extra kafkajs consumer settings when the source creates the consumer. */
  consumerConfig?: Omit<ConsumerConfig, 'groupId'>;
  /** Topic or topics to read. */
  topics?: string | readonly string[];
  /** One topic to read (the same as `topics: topic`). */
  topic?: string;
  /** Start from the earliest offset when the group has no committed offset (default false: latest). */
  fromBeginning?: boolean;
  /** Value decoder (default: Avro through `registry` when given, else JSON). */
  decoder?: KafkaValueDecoder<T>;
  /** Schema registry client for the default Avro decoder. */
  registry?: SchemaRegistry;
  /** Most delivered-but-unacknowledged records (default 10000): at that point the source stops taking records until acknowledgements bring it down to half. */
  maxBuffered?: number;
  /** How often acknowledged offsets are committed, ms (default 1000); also on close and before rebalances. */
  commitIntervalMs?: number;
  /**
   * `'acked'` (default): commit = the highest contiguous acknowledged offset + 1, on a timer.
   * `'manual'`: acknowledgements only free buffer room (`maxBuffered`); a partition is committed
   * only as far as {@link KafkaSourceControls.commitOffsets} allows, and never past an
   * unacknowledged record. For state that outlives records (open windows): acknowledge a record
   * once it is folded in, commit up to the first record of the oldest open window.
   */
  commitMode?: 'acked' | 'manual';
  /** Acknowledgements from downstream (records, `Ack`s of records, or anything with topic/partition/offset). */
  acks$?: Observable<KafkaRecordRef | Ack<KafkaRecordRef>>;
  /** Called for each message that cannot be decoded (it is counted and committed past, never re-read). */
  onInvalid?: (invalid: KafkaInvalidMessage) => void;
  /** Retry policy for registry lookups and commits (default core's `defaultRetryPolicy`). */
  retry?: Partial<RetryPolicy>;
  /** Metrics and logs (default none). */
  instrumentation?: Instrumentation;
  /** Scheduler for the commit timer (default `asyncScheduler`). */
  scheduler?: SchedulerLike;
}

/**
 * A commit the caller allows with {@link KafkaSourceControls.commitOffsets}: the next offset to read
 * for one topic-partition (Kafka's committed-offset meaning).
 *
 * @example
 * ```ts
 * import type { KafkaCommitPoint } from '@tickflow/sources/kafka';
 * const point: KafkaCommitPoint = { topic: 'trades_raw', partition: 0, offset: 42 }; // 0..41 are done
 * ```
 */
export interface KafkaCommitPoint {
  topic: string;
  partition: number;
  /** The next offset to read after a restart (number or the decimal string kafkajs uses). */
  offset: number | string;
}

/**
 * What {@link kafkaSource} returns: an Observable of records with acknowledgement and shutdown
 * controls ({@link KafkaSourceControls}). One subscription at a time (it runs one consumer).
 *
 * @example
 * ```ts
 * import { Kafka } from 'kafkajs';
 * import { type KafkaSource, kafkaSource } from '@tickflow/sources/kafka';
 * const source: KafkaSource<{ symbol: string; price: number }> = kafkaSource({
 *   kafka: new Kafka({ brokers: ['127.0.0.1:9092'] }),
 *   groupId: 'processor',
 *   topic: 'trades',
 * });
 * source.subscribe((record) => {
 *   console.log(record.value.symbol, record.value.price);
 *   source.ack(record); // handled: its offset may be committed
 * });
 * process.once('SIGTERM', () => void source.close({ drainTimeoutMs: 2000 }));
 * ```
 */
export type KafkaSource<T> = Observable<KafkaRecord<T>> & KafkaSourceControls;

/**
 * The acknowledgement and shutdown controls of a {@link KafkaSource}.
 *
 * @example
 * ```ts
 * import type { KafkaRecordRef, KafkaSourceControls } from '@tickflow/sources/kafka';
 * async function shutdown(controls: KafkaSourceControls, lastHandled: KafkaRecordRef): Promise<void> {
 *   await controls.commit(lastHandled); // acknowledge it and commit now
 *   await controls.close({ drainTimeoutMs: 5000 });
 * }
 * ```
 */
export interface KafkaSourceControls {
  /**
   * Tells the source `record` is durably handled downstream; its offset is committed once every
   * earlier record of its partition is acknowledged too.
   *
   * @param record - a record from this source, an `Ack` of one, or `{ topic, partition, offset }`
   */
  ack(record: KafkaRecordRef | Ack<KafkaRecordRef>): void;
  /**
   * Acknowledges `record` when given, then commits every safe offset now.
   *
   * @param record - optionally, a record to acknowledge first
   * @returns a promise settled once the commit is done
   */
  commit(record?: KafkaRecordRef | Ack<KafkaRecordRef>): Promise<void>;
  /**
   * Manual commits (`commitMode: 'manual'`): allows each partition to be committed up to `points`'
   * offset and commits now. A partition is never committed past an unacknowledged record nor past
   * what was allowed; a partition this consumer has not read in its current generation is ignored.
   *
   * @param points - the next offset to read, per topic-partition
   * @returns a promise settled once the commit is done
   * @throws ConfigurationError when the source was created with `commitMode: 'acked'`
   * @example
   * ```ts
   * import type { KafkaSourceControls } from '@tickflow/sources/kafka';
   * async function checkpoint(source: KafkaSourceControls, firstOpen: number): Promise<void> {
   *   await source.commitOffsets([{ topic: 'trades_raw', partition: 0, offset: firstOpen }]);
   * }
   * ```
   */
  commitOffsets(points: readonly KafkaCommitPoint[]): Promise<void>;
  /**
   * Stops emitting and completes the stream, waits up to `drainTimeoutMs` (default 5000) for
   * downstream to acknowledge what it has, commits what is safe, then stops the consumer
   * (disconnecting it only when the source created it). Records still unacknowledged will be
   * delivered again to the next consumer of the group.
   *
   * @param options - `drainTimeoutMs`: how long to wait for outstanding acknowledgements
   * @returns a promise settled once the consumer stopped
   */
  close(options?: { drainTimeoutMs?: number }): Promise<void>;
}
