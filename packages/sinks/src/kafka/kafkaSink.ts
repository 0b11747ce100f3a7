import { type Ack, ConfigurationError, retryAsync, TickflowError } from '@tickflow/core';
import { asyncScheduler, Observable, type OperatorFunction, type Subscription } from 'rxjs';
import { countAcked } from './countAcked.js';
import { deadLetterMessage } from './deadLetterMessage.js';
import type { KafkaAckMeta } from './KafkaAckMeta.js';
import type { KafkaOutgoingMessage } from './KafkaProducerAdapter.js';
import type { KafkaDeadLetter, KafkaSinkOptions } from './KafkaSinkOptions.js';
import { isRecordError } from './isRecordError.js';
import { isRetriableSendError } from './isRetriableSendError.js';
import { placeAcked } from './placeAcked.js';
import { resolveEncoder } from './resolveEncoder.js';
import { resolveProducer } from './resolveProducer.js';
import { sinkMetrics } from './sinkMetrics.js';
import { sinkSettings } from './sinkSettings.js';

interface Entry<T> {
  record: T;
  message: KafkaOutgoingMessage;
  meta: KafkaAckMeta;
}

/** A record waiting in a batch; encoded only when its batch is sent, so memory holds no encoded backlog. */
interface Pending<T> {
  record: T;
  topic: string;
  /** Already built (a dead-letter message routed before batching). */
  entry?: Entry<T>;
}

/**
 * Writes each record to Kafka and emits an `Ack` only after the broker acknowledged it
 * (acks = all by default). Records are batched (`batchSize`, `lingerMs`), encoded synchronously
 * (Avro in the Confluent wire format through the schema registry by default, or any
 * {@link KafkaValueEncoder}), keyed by `symbol`, and sent with at most `maxInFlightBatches`
 * batches in flight. Retriable errors are retried with core's backoff; a record that can never be
 * written (encoding failure, too large, refused by the broker) goes to `dlqTopic` with the reason in
 * `x-tickflow-reason`, is counted, reported to `onInvalid`, and acknowledged with
 * `meta.deadLetter` set, so the stream goes on and an upstream Kafka source can commit past it.
 *
 * Each ack's meta ({@link KafkaAckMeta}) names the topic and key, and, when the producer tells
 * which partition each message went to, the record's exact `partition` and `offset` (from the
 * send attempt that succeeded): always with `producer: kafka`, with a kafkajs producer created with
 * `createPartitioner: trackingPartitioner(Partitioners.DefaultPartitioner)`, and with adapters that
 * return `indexes`.
 *
 * Backpressure: RxJS cannot pause a push source, so the sink holds at most `maxBuffered` records
 * and errors with a `BACKPRESSURE` `TickflowError` past that. Pair it with a pausable source
 * (`kafkaSource` holds back while too many records are unacknowledged) or size `maxBuffered` for the
 * hot source's burst.
 *
 * @param options - producer, topic, key, encoder and batching options
 * @returns an operator turning records into broker acknowledgements
 * @example
 * ```ts
 * import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
 * import { kafkaSink, trackingPartitioner } from '@tickflow/sinks/kafka';
 * import { Kafka, Partitioners } from 'kafkajs';
 * import { of } from 'rxjs';
 *
 * const producer = new Kafka({ brokers: ['127.0.0.1:9092'] }).producer({
 *   idempotent: true,
 *   createPartitioner: trackingPartitioner(Partitioners.DefaultPartitioner), // acks then carry partition and offset
 * });
 * await producer.connect();
 * of({ symbol: 'AAPL', price: 190.1, size: 5, ts: Date.now() })
 *   .pipe(kafkaSink({ producer, topic: 'trades_raw', registry: new SchemaRegistry({ host: 'http://127.0.0.1:8081' }) }))
 *   .subscribe((ack) => console.log('durable', ack.record, ack.meta?.partition, ack.meta?.offset));
 * ```
 */
export function kafkaSink<T>(options: KafkaSinkOptions<T>): OperatorFunction<T, Ack<T, KafkaAckMeta>> {
  const { batchSize, maxInFlight, maxBuffered, maxBytes, lingerMs } = sinkSettings(options);
  const encoder = resolveEncoder(options);
  const topicOf = typeof options.topic === 'function' ? options.topic : constant(options.topic);
  if (typeof options.topic === 'string' && options.topic === '') throw new ConfigurationError('kafkaSink topic is empty', { setting: 'topic' });
  const keyOf = options.key ?? defaultKey;
  const headersOf = options.headers;
  const dlqTopic = options.dlqTopic;
  const scheduler = options.scheduler ?? asyncScheduler;
  const m = sinkMetrics(options.instrumentation);
  const retryOpts = {
    ...(options.retry ? { policy: options.retry } : {}),
    scheduler,
    ...(options.random ? { random: options.random } : {}),
    onRetry: (error: unknown, attempt: number, delayMs: number) => {
      m.retries.inc();
      m.errors.inc(1, { kind: 'retriable' });
      m.i.log('warn', 'kafka_sink_retry', { attempt, delayMs, error: (error as Error)?.message ?? String(error) });
    },
  };

  return (source) =>
    new Observable<Ack<T, KafkaAckMeta>>((subscriber) => {
      const { adapter, start, close } = resolveProducer(options.producer, {
        ...(options.acks !== undefined ? { acks: options.acks } : {}),
        ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
        ...(options.compression !== undefined ? { compression: options.compression } : {}),
      });
      // Marked handled at once: a failed connect surfaces (and is retried) with the first send.
      let started: Promise<void> | undefined = handled(start?.());
      let current: Pending<T>[] = [];
      const queue: Pending<T>[][] = [];
      const done = new Map<number, Entry<T>[]>();
      let nextSeq = 0;
      let nextEmit = 0;
      let inFlight = 0;
      let buffered = 0;
      // Records held while the encoder gets ready for a topic; `waitingAt` is the next one to process.
      let waiting: [T, string][] | null = null;
      let waitingAt = 0;
      let linger: Subscription | null = null;
      let prebuilt: Entry<T>[] | null = null;
      let prebuild: Subscription | null = null;
      let upstreamDone = false;
      let closed = false;
      let unplacedSaid = false;

      const fail = (error: unknown) => {
        if (closed) return;
        closed = true;
        m.errors.inc(1, { kind: 'fatal' });
        m.i.log('error', 'kafka_sink_failed', { error: (error as Error)?.message ?? String(error) });
        subscriber.error(error);
      };

      const hold = (n: number) => {
        buffered += n;
        m.buffered.set(buffered);
        if (buffered > maxBuffered) {
          fail(
            new TickflowError(`kafkaSink holds ${buffered} records, over maxBuffered ${maxBuffered}: the broker is slower than the source`, {
              code: 'BACKPRESSURE',
              hint: 'use a pausable source (kafkaSource), throttle the source, or raise maxBuffered / batchSize / maxInFlightBatches',
            }),
          );
        }
      };

      const seal = () => {
        linger?.unsubscribe();
        linger = null;
        if (current.length === 0) return;
        queue.push(current);
        current = [];
        pump();
      };

      const push = (pending: Pending<T>) => {
        current.push(pending);
        hold(1);
        if (closed) return;
        if (current.length >= batchSize) seal();
        else if (current.length === 1) linger = scheduler.schedule(seal, lingerMs);
      };

      const deadLetter = (record: T, topic: string, kind: KafkaDeadLetter['kind'], reason: string) => {
        const dead: KafkaDeadLetter = { reason, input: record, topic, kind };
        m.deadLetters.inc(1, { kind });
        m.i.log('warn', 'kafka_sink_dead_letter', { topic, kind, reason, dlqTopic: dlqTopic ?? null });
        try {
          options.onInvalid?.(dead);
        } catch (error) {
          m.i.log('error', 'kafka_sink_on_invalid_threw', { error: (error as Error)?.message ?? String(error) });
        }
        return dead;
      };

      const add = (record: T, topic: string) => push({ record, topic });

      /** Encodes a batch about to be sent; records that cannot be written become dead letters. */
      const build = (batch: Pending<T>[]): Entry<T>[] => {
        const out: Entry<T>[] = [];
        for (const { record, topic, entry } of batch) {
          if (entry) {
            out.push(entry);
            continue;
          }
          let key: string | null = null;
          let value: Buffer;
          try {
            key = keyOf(record) ?? null;
            value = encoder.encode(record, topic);
          } catch (error) {
            const reason = (error as Error)?.message ?? String(error);
            const dead = deadEntry(record, deadLetter(record, topic, 'encode', reason), key);
            if (dead) out.push(dead);
            continue;
          }
          if (value.length > maxBytes) {
            const reason = `encoded value is ${value.length} bytes, over maxMessageBytes ${maxBytes}`;
            const dead = deadEntry(record, deadLetter(record, topic, 'too_large', reason), key);
            if (dead) out.push(dead);
            continue;
          }
          const headers = headersOf?.(record);
          out.push({ record, message: headers ? { topic, key, value, headers } : { topic, key, value }, meta: { topic, key } });
        }
        return out;
      };

      /** The dead-letter entry for a record, or null when there is no DLQ topic (then it is acked at once). */
      const deadEntry = (record: T, dead: KafkaDeadLetter, key: string | null): Entry<T> | null => {
        if (dlqTopic) {
          const message = deadLetterMessage(dlqTopic, dead, key, encoder.format, scheduler.now(), maxBytes);
          return { record, message, meta: { topic: dlqTopic, key, deadLetter: dead.reason } };
        }
        // No dead-letter topic: the record was reported (onInvalid, log, counter); ack it so upstream commits go on.
        hold(-1);
        subscriber.next({ record, meta: { topic: dead.topic, key, deadLetter: dead.reason } });
        return null;
      };

      const accept = (record: T) => {
        let topic: string;
        try {
          topic = topicOf(record);
        } catch (error) {
          hold(1);
          const entry = deadEntry(record, deadLetter(record, '', 'encode', `topic function threw: ${(error as Error)?.message ?? error}`), null);
          if (entry) {
            hold(-1);
            push({ record, topic: '', entry });
          }
          return;
        }
        if (waiting) {
          waiting.push([record, topic]);
          hold(1);
          return;
        }
        const p = encoder.prepare(topic);
        if (!p) {
          add(record, topic);
          return;
        }
        waiting = [[record, topic]];
        waitingAt = 0;
        hold(1);
        prepareThenDrain(p);
      };

      const prepareThenDrain = (p: Promise<void>) => {
        const topic = waiting?.[waitingAt]?.[1] ?? '';
        retryAsync((attempt) => (attempt === 1 ? p : (encoder.prepare(topic) ?? Promise.resolve())), {
          ...retryOpts,
          operation: `kafkaSink schema lookup for topic '${topic}'`,
        }).then(drainWaiting, fail);
      };

      const drainWaiting = () => {
        while (waiting && waitingAt < waiting.length && !closed) {
          const [record, topic] = waiting[waitingAt] as [T, string];
          const p = encoder.prepare(topic);
          if (p) {
            prepareThenDrain(p);
            return;
          }
          waiting[waitingAt++] = undefined as never; // let it be collected
          hold(-1);
          add(record, topic);
        }
        waiting = null;
        if (upstreamDone) finish();
      };

      const sendOnce = async (messages: KafkaOutgoingMessage[]) => {
        if (started) {
          const connecting = started;
          // A failed connect of a producer the sink created is retried with the send.
          await connecting.catch((error: unknown) => {
            if (started === connecting) started = handled(start?.());
            throw error;
          });
        }
        return adapter.send(messages);
      };

      /** Puts each acked entry's partition and offset (from the attempt that succeeded) in its meta; says once when it cannot. */
      const place = (batch: Entry<T>[], reports: unknown) => {
        if (placeAcked(batch, reports) === batch.length || unplacedSaid) return;
        unplacedSaid = true;
        m.i.log('info', 'kafka_sink_acks_without_offsets', {
          topic: batch[0]?.message.topic ?? null,
          hint: 'the producer did not say which partition each message went to, so acks carry topic and key only: create the kafkajs producer with createPartitioner: trackingPartitioner(Partitioners.DefaultPartitioner), pass a Kafka as producer, or return indexes from your adapter (acks: 0 never tells)',
        });
      };

      const deliver = async (batch: Entry<T>[]): Promise<Entry<T>[]> => {
        try {
          const reports = await retryAsync(() => sendOnce(batch.map((e) => e.message)), {
            ...retryOpts,
            isRetriable: isRetriableSendError,
            operation: 'kafkaSink send',
          });
          place(batch, reports);
          return batch;
        } catch (error) {
          if (!isRecordError(error)) throw error;
          if (batch.length > 1) {
            const out: Entry<T>[] = [];
            for (const e of batch) out.push(...(await deliver([e])));
            return out;
          }
          const e = batch[0] as Entry<T>;
          if (e.meta.deadLetter !== undefined || !dlqTopic) {
            if (e.meta.deadLetter !== undefined) throw error; // the dead-letter message itself was refused
            deadLetter(e.record, e.message.topic, 'rejected', (error as Error).message);
            return [{ ...e, meta: { ...e.meta, deadLetter: (error as Error).message } }];
          }
          const dead = deadLetter(e.record, e.message.topic, 'rejected', `broker refused the record: ${(error as Error).message}`);
          const message = deadLetterMessage(dlqTopic, dead, e.meta.key, encoder.format, scheduler.now(), maxBytes);
          return deliver([{ record: e.record, message, meta: { topic: dlqTopic, key: e.meta.key, deadLetter: dead.reason } }]);
        }
      };

      /** The next batch to send, encoded: the one pre-built while the previous was in flight, if any. */
      const nextBatch = (): Entry<T>[] => {
        if (prebuilt) {
          const b = prebuilt;
          prebuilt = null;
          return b;
        }
        return build(queue.shift() as Pending<T>[]);
      };

      /** Encodes the next batch while the broker handles the current one (after the send got going). */
      const prebuildSoon = () => {
        if (closed || prebuilt || prebuild || queue.length === 0) return;
        prebuild = scheduler.schedule(() => {
          prebuild = null;
          if (!closed && !prebuilt && queue.length > 0) prebuilt = build(queue.shift() as Pending<T>[]);
        }, 0);
      };

      const pump = () => {
        while (!closed && inFlight < maxInFlight && (prebuilt || queue.length > 0)) {
          const batch = nextBatch();
          const seq = nextSeq++;
          const t0 = scheduler.now();
          inFlight++;
          (batch.length > 0 ? deliver(batch) : Promise.resolve(batch)).then((acked) => {
            if (closed) return;
            inFlight--;
            m.batchLatency.observe(scheduler.now() - t0);
            done.set(seq, acked);
            pump(); // get the next batch going before spending time on acks
            emitInOrder();
            if (upstreamDone) finish();
          }, fail);
        }
        prebuildSoon();
      };

      const emitInOrder = () => {
        let batch = done.get(nextEmit);
        while (batch) {
          done.delete(nextEmit++);
          hold(-batch.length);
          countAcked(m, batch);
          for (const e of batch) {
            if (closed) return;
            subscriber.next({ record: e.record, meta: e.meta });
          }
          batch = done.get(nextEmit);
        }
      };

      const finish = () => {
        if (closed || waiting) return;
        seal();
        if (queue.length === 0 && !prebuilt && inFlight === 0 && done.size === 0) {
          closed = true;
          subscriber.complete();
        }
      };

      const upstream = source.subscribe({
        next: (record) => {
          if (!closed) accept(record);
        },
        error: (error) => fail(error),
        complete: () => {
          upstreamDone = true;
          finish();
        },
      });

      return () => {
        closed = true;
        upstream.unsubscribe();
        linger?.unsubscribe();
        prebuild?.unsubscribe();
        if (close) {
          const c = started ? started.then(close, close) : close();
          started = undefined;
          c.catch((error: unknown) => m.i.log('warn', 'kafka_sink_close_failed', { error: (error as Error)?.message ?? String(error) }));
        }
      };
    });
}

function handled(p: Promise<void> | undefined): Promise<void> | undefined {
  p?.catch(() => {});
  return p;
}

function defaultKey(record: unknown): string | null {
  const s = (record as { symbol?: unknown } | null)?.symbol;
  return typeof s === 'string' ? s : null;
}

function constant(topic: string) {
  return () => topic;
}
