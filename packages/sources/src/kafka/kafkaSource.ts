import { type Ack, ConfigurationError, retryAsync, ValidationError } from '@tickflow/core';
import type { Consumer, EachBatchPayload, IHeaders, KafkaMessage } from 'kafkajs';
import { asyncScheduler, Observable, type Subscriber, type Subscription } from 'rxjs';
import { avroDecoder } from './avroDecoder.js';
import { jsonDecoder } from './jsonDecoder.js';
import type { KafkaRecord, KafkaRecordRef } from './KafkaRecord.js';
import type { KafkaCommitPoint, KafkaInvalidMessage, KafkaSource, KafkaSourceOptions } from './KafkaSourceOptions.js';
import type { KafkaValueDecoder } from './KafkaValueDecoder.js';
import { createOffsetTracker } from './offsetTracker.js';
import { sourceMetrics } from './sourceMetrics.js';

interface Session {
  ack(ref: KafkaRecordRef): void;
  allow(points: readonly KafkaCommitPoint[]): void;
  commitNow(): Promise<void>;
  close(drainTimeoutMs: number): Promise<void>;
}

const noop = () => {};

/**
 * Reads a consumer group's topics and emits each message as a {@link KafkaRecord} (decoded from
 * Avro by the schema id in each message when `registry` is given, else JSON, or any
 * {@link KafkaValueDecoder}). Offsets are committed only for records acknowledged downstream
 * (`source.ack(record)` or the `acks$` option), and never past an unacknowledged record of the same
 * partition: commit = highest contiguous acknowledged offset + 1. At-least-once: records not
 * acknowledged when the consumer stops or loses a partition are delivered again.
 *
 * Manual commits (`commitMode: 'manual'`): acknowledgements then only free buffer room, and a
 * partition is committed no further than the caller allows with `source.commitOffsets(points)` (and
 * never past an unacknowledged record either). For pipelines whose state outlives the records, e.g.
 * open windows: acknowledge each record once it is folded in and its writes are durable, so memory
 * stays bounded, and commit only up to the first record of the oldest open window.
 *
 * Backpressure: when `maxBuffered` records are delivered but unacknowledged, the source stops
 * taking records (kafkajs fetches nothing more meanwhile; the group heartbeat goes on) until
 * acknowledgements bring that down to half. On a rebalance, safe
 * offsets are committed and tracking restarts from the committed offsets, so partitions that moved
 * are re-delivered to their new owner. Undecodable messages (wrong magic byte, unknown schema id,
 * truncated Avro, bad JSON) go to `onInvalid` with the reason, are counted, and are committed past.
 *
 * @param options - consumer (or Kafka + groupId), topics, decoder and flow-control options
 * @returns the source: an Observable with `ack`, `commit` and `close`
 * @example
 * ```ts
 * import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
 * import { kafkaSource } from '@tickflow/sources/kafka';
 * import { Kafka } from 'kafkajs';
 *
 * const source = kafkaSource<{ symbol: string; price: number }>({
 *   kafka: new Kafka({ brokers: ['127.0.0.1:9092'] }),
 *   groupId: 'processor',
 *   topics: 'trades_raw',
 *   registry: new SchemaRegistry({ host: 'http://127.0.0.1:8081' }),
 * });
 * source.subscribe((record) => {
 *   console.log(record.value.symbol, record.offset);
 *   source.ack(record); // durable downstream: its offset may be committed
 * });
 * ```
 */
export function kafkaSource<T = unknown>(options: KafkaSourceOptions<T>): KafkaSource<T> {
  if (!options.consumer && !(options.kafka && options.groupId)) {
    throw new ConfigurationError('kafkaSource needs a consumer', { setting: 'consumer', hint: 'pass consumer, or kafka and groupId' });
  }
  const wanted = options.topics ?? options.topic ?? [];
  const topics = typeof wanted === 'string' ? [wanted] : [...wanted];
  if (topics.length === 0 || topics.some((t) => typeof t !== 'string' || t === '')) {
    throw new ConfigurationError('kafkaSource topics must be one or more non-empty topic names', { setting: 'topics' });
  }
  const maxBuffered = options.maxBuffered ?? 10_000;
  if (!Number.isInteger(maxBuffered) || maxBuffered < 1) {
    throw new ConfigurationError(`kafkaSource maxBuffered must be an integer >= 1, got ${maxBuffered}`, { setting: 'maxBuffered' });
  }
  const resumeAt = Math.floor(maxBuffered / 2);
  const commitIntervalMs = options.commitIntervalMs ?? 1000;
  const commitMode = options.commitMode ?? 'acked';
  if (commitMode !== 'acked' && commitMode !== 'manual') {
    throw new ConfigurationError(`kafkaSource commitMode must be 'acked' or 'manual', got ${String(commitMode)}`, { setting: 'commitMode' });
  }
  const decoder: KafkaValueDecoder<T> = options.decoder ?? (options.registry ? avroDecoder<T>({ registry: options.registry }) : jsonDecoder<T>());
  const scheduler = options.scheduler ?? asyncScheduler;
  const m = sourceMetrics(options.instrumentation);
  const retryOpts = { ...(options.retry ? { policy: options.retry } : {}), scheduler, onRetry: () => m.errors.inc(1, { kind: 'retriable' }) };
  let active: Session | null = null;

  const observable = new Observable<KafkaRecord<T>>((subscriber) => {
    if (active) {
      subscriber.error(new ConfigurationError('kafkaSource runs one consumer: it supports one subscription at a time', { hint: 'share() it' }));
      return;
    }
    const session = run(subscriber);
    active = session;
    return () => {
      session.close(0).catch(noop);
    };
  });

  function run(subscriber: Subscriber<KafkaRecord<T>>): Session {
    const owned = !options.consumer;
    const consumer: Consumer =
      options.consumer ?? (options.kafka as NonNullable<typeof options.kafka>).consumer({ ...options.consumerConfig, groupId: options.groupId as string });
    const tracker = createOffsetTracker({ manual: commitMode === 'manual' });
    const removers: (() => void)[] = [];
    let emitting = true;
    let stopping: Promise<void> | null = null;
    let commitTimer: Subscription | null = null;
    let commitChain: Promise<void> = Promise.resolve();
    let drained: (() => void) | null = null;
    let room: (() => void) | null = null;
    let ackSub: Subscription | undefined;

    const log = (level: 'info' | 'warn' | 'error', event: string, error?: unknown, fields: Record<string, unknown> = {}) =>
      m.i.log(level, event, { ...fields, topics, ...(error !== undefined ? { error: (error as Error)?.message ?? String(error) } : {}) });

    const fail = (error: unknown) => {
      if (!emitting) return;
      emitting = false;
      m.errors.inc(1, { kind: 'fatal' });
      log('error', 'kafka_source_failed', error);
      subscriber.error(error);
      session.close(0).catch(noop);
    };

    const commitNow = (): Promise<void> => {
      const run = commitChain.then(async () => {
        const commits = tracker.takeCommits();
        if (commits.length === 0) return;
        try {
          await consumer.commitOffsets(commits);
          m.commits.inc();
        } catch (error) {
          tracker.restore(commits);
          m.errors.inc(1, { kind: 'commit' });
          log('warn', 'kafka_source_commit_failed', error);
          throw error;
        }
      });
      commitChain = run.catch(noop);
      return run;
    };

    const scheduleCommit = () => {
      if (commitTimer || stopping) return;
      commitTimer = scheduler.schedule(() => {
        commitTimer = null;
        commitNow().catch(noop);
      }, commitIntervalMs);
    };

    // The unacked gauge follows at the end of the current turn, not per record (a metrics call per
    // acknowledgement costs more than the bookkeeping at 100k records/s).
    let unackedQueued = false;
    const reportUnacked = () => {
      unackedQueued = false;
      m.unacked.set(tracker.unacked);
    };
    const queueUnacked = () => {
      if (unackedQueued) return;
      unackedQueued = true;
      queueMicrotask(reportUnacked);
    };

    const ack = (ref: KafkaRecordRef) => {
      if (tracker.ack(ref.topic, ref.partition, Number(ref.offset)) && commitMode === 'acked') scheduleCommit();
      queueUnacked();
      if (room && tracker.unacked <= resumeAt) room();
      if (drained && tracker.unacked === 0) drained();
    };

    const invalid = (message: KafkaInvalidMessage['input'], reason: string) => {
      m.invalid.inc(1, { topic: message.topic });
      log('warn', 'kafka_source_invalid', undefined, { topic: message.topic, partition: message.partition, offset: message.offset, reason });
      try {
        options.onInvalid?.({ reason, input: message });
      } catch (error) {
        log('error', 'kafka_source_on_invalid_threw', error);
      }
    };

    /**
     * Backpressure: waits inside eachBatch, heartbeating, until downstream acknowledged down to
     * half of maxBuffered. (Pausing the consumer instead would stall every resume for kafkajs's
     * maxWaitTime.) A rebalance makes heartbeat() throw, which hands control back to kafkajs.
     */
    const waitForRoom = async (heartbeat: () => Promise<void>, live: () => boolean) => {
      m.pauses.inc();
      let beat = scheduler.now();
      while (tracker.unacked > resumeAt && live()) {
        await new Promise<void>((resolve) => {
          const timer = scheduler.schedule(() => resolve(), 100);
          room = () => {
            timer.unsubscribe();
            resolve();
          };
        });
        room = null;
        if (scheduler.now() - beat >= 1000 && live()) {
          await heartbeat();
          beat = scheduler.now();
        }
      }
    };

    const eachBatch = async ({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload) => {
      const live = () => emitting && isRunning() && !isStale();
      const { topic, partition } = batch;
      let n = 0;
      let bytes = 0;
      let next = -1;
      for (const message of batch.messages) {
        if (!emitting || !isRunning() || isStale()) break;
        if (tracker.unacked >= maxBuffered) {
          await waitForRoom(heartbeat, live);
          if (!live()) break;
        }
        const offset = Number(message.offset);
        if (!tracker.delivered(topic, partition, offset)) {
          resolveOffset(message.offset);
          continue;
        }
        next = offset + 1;
        let value: T;
        try {
          const r = decoder.decode(message.value);
          value = isPromise(r) ? await retryAsync((a) => (a === 1 ? r : Promise.resolve(decoder.decode(message.value))), retryOpts) : r;
        } catch (error) {
          if (!(error instanceof ValidationError)) {
            fail(error);
            return;
          }
          resolveOffset(message.offset);
          const base = recordOf(topic, partition, message, undefined);
          invalid({ ...base, value: message.value }, error.message);
          ack(base);
          continue;
        }
        resolveOffset(message.offset);
        n++;
        bytes += message.value?.length ?? 0;
        subscriber.next(recordOf(topic, partition, message, value));
        if ((n & 1023) === 0) await heartbeat();
      }
      if (n > 0) {
        m.records.inc(n, { topic });
        m.bytes.inc(bytes, { topic });
      }
      if (next >= 0) m.lag.set(Math.max(0, Number(batch.highWatermark) - next), { topic, partition: String(partition) });
      queueUnacked();
    };

    const started = (async () => {
      removers.push(
        consumer.on(consumer.events.REBALANCING, () => {
          commitNow().catch(noop);
        }),
        consumer.on(consumer.events.CRASH, (e) => {
          // kafkajs restarts itself after retriable crashes; anything else ends the stream loudly.
          if (e.payload.restart) log('warn', 'kafka_source_consumer_restarting', e.payload.error);
          else fail(e.payload.error);
        }),
        consumer.on(consumer.events.GROUP_JOIN, (e) => {
          // New generation: kafkajs fetches again from the committed offsets, so forget what was in flight.
          tracker.reset();
          m.unacked.set(0);
          room?.();
          log('info', 'kafka_source_assigned', undefined, { assignment: e.payload.memberAssignment });
        }),
      );
      await consumer.connect();
      await consumer.subscribe({ topics, fromBeginning: options.fromBeginning ?? false });
      await consumer.run({ autoCommit: false, eachBatchAutoResolve: false, eachBatch });
    })();
    started.catch(fail);

    if (options.acks$) ackSub = options.acks$.subscribe({ next: (a) => ack(refOf(a)), error: (e) => fail(e) });

    const close = (drainTimeoutMs: number): Promise<void> => {
      if (stopping) return stopping;
      emitting = false;
      // Stop fetching: records not emitted yet stay unresolved and are read again by the next consumer.
      try {
        consumer.pause(topics.map((topic) => ({ topic })));
      } catch (error) {
        log('warn', 'kafka_source_pause_failed', error);
      }
      stopping = (async () => {
        if (drainTimeoutMs > 0 && tracker.unacked > 0) {
          await new Promise<void>((resolve) => {
            const timer = scheduler.schedule(() => resolve(), drainTimeoutMs);
            drained = () => {
              timer.unsubscribe();
              resolve();
            };
          });
        }
        commitTimer?.unsubscribe();
        ackSub?.unsubscribe();
        await started.catch(noop);
        await commitNow().catch(noop);
        await consumer.stop().catch((e: unknown) => log('warn', 'kafka_source_stop_failed', e));
        for (const remove of removers) remove();
        if (owned) await consumer.disconnect().catch((e: unknown) => log('warn', 'kafka_source_disconnect_failed', e));
      })().finally(() => {
        if (active === session) active = null;
      });
      // Completing runs the teardown, which calls close(0): `stopping` is already set, so it is a no-op.
      if (!subscriber.closed) subscriber.complete();
      return stopping;
    };

    const allow = (points: readonly KafkaCommitPoint[]) => {
      for (const p of points) tracker.allow(p.topic, p.partition, Number(p.offset));
    };

    const session: Session = { ack, allow, commitNow, close };
    return session;
  }

  return Object.assign(observable, {
    ack(record: KafkaRecordRef | Ack<KafkaRecordRef>) {
      active?.ack(refOf(record));
    },
    async commit(record?: KafkaRecordRef | Ack<KafkaRecordRef>) {
      if (record) active?.ack(refOf(record));
      await active?.commitNow();
    },
    async commitOffsets(points: readonly KafkaCommitPoint[]) {
      if (commitMode !== 'manual') {
        throw new ConfigurationError("kafkaSource commitOffsets needs commitMode: 'manual'", { setting: 'commitMode', hint: "create the source with commitMode: 'manual', or use ack()/commit()" });
      }
      active?.allow(points);
      await active?.commitNow();
    },
    close(closeOptions: { drainTimeoutMs?: number } = {}) {
      return active ? active.close(closeOptions.drainTimeoutMs ?? 5000) : Promise.resolve();
    },
  }) as KafkaSource<T>;
}

function refOf(a: KafkaRecordRef | Ack<KafkaRecordRef>): KafkaRecordRef {
  const inner = (a as Ack<KafkaRecordRef>).record;
  return inner && typeof inner === 'object' && 'offset' in inner ? inner : (a as KafkaRecordRef);
}

function isPromise<T>(v: T | Promise<T>): v is Promise<T> {
  return typeof (v as Promise<T> | null)?.then === 'function';
}

/** One record, built as a single literal (the hot path: no intermediate objects). */
function recordOf<T>(topic: string, partition: number, message: KafkaMessage, value: T): KafkaRecord<T> {
  return {
    topic,
    partition,
    offset: message.offset,
    key: message.key ? message.key.toString('utf8') : null,
    value,
    headers: headersOf(message.headers),
    timestamp: Number(message.timestamp),
  };
}

function headersOf(headers: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!headers) return out;
  for (const k in headers) {
    if (!Object.hasOwn(headers, k)) continue;
    const v = headers[k];
    const last = Array.isArray(v) ? v[v.length - 1] : v;
    if (last !== undefined) out[k] = typeof last === 'string' ? last : last.toString('utf8');
  }
  return out;
}
