import type { Instrumentation, InvalidRecord, RetryPolicy } from '@tickflow/core';
import type { JetStreamClient, NatsConnection } from 'nats';
import type { SchedulerLike } from 'rxjs';

/**
 * Where an acknowledged record went; the `meta` of {@link natsSink}'s acks.
 *
 * @example
 * ```ts
 * import type { Ack, Quote } from '@tickflow/core';
 * import type { NatsAckMeta } from '@tickflow/sinks/nats';
 * const logAck = (ack: Ack<Quote, NatsAckMeta>) => {
 *   const m = ack.meta;
 *   if (m?.deadLetter) console.warn(`${ack.record.symbol} not published: ${m.deadLetter}`);
 *   else console.log(`${m?.subject} -> ${m?.stream} #${m?.seq}${m?.duplicate ? ' (duplicate)' : ''}`);
 * };
 * ```
 */
export interface NatsAckMeta {
  /** Subject published to. */
  subject: string;
  /** Stream that stored the message (from the PubAck); empty for dead-lettered records. */
  stream: string;
  /** Stream sequence of the message (for a duplicate: of the original). */
  seq: number;
  /** True when JetStream recognised the `Nats-Msg-Id` as already stored and dropped this copy. */
  duplicate: boolean;
  /** The `Nats-Msg-Id` sent, if any. */
  msgId: string | undefined;
  /** The correlation id header sent (a UUID per record, kept across retries). */
  correlationId: string;
  /** Set when the record was not published (it can never be): the reason. */
  deadLetter?: string;
}

/**
 * A record {@link natsSink} could not publish, as given to `onInvalid`.
 *
 * @example
 * ```ts
 * import { connect } from 'nats';
 * import { type NatsDeadLetter, natsSink } from '@tickflow/sinks/nats';
 * const nc = await connect({ servers: 'nats://127.0.0.1:4222' });
 * const onInvalid = (dead: NatsDeadLetter) => console.warn(`dead letter (${dead.kind}): ${dead.reason}`);
 * const publish = natsSink({ client: nc, subject: 'data.market.{symbol}', onInvalid });
 * ```
 */
export interface NatsDeadLetter extends InvalidRecord {
  /** `'subject'` (the template could not be filled), `'encode'` (the encoder threw) or `'too_large'` (over the server's max_payload). */
  kind: 'subject' | 'encode' | 'too_large';
}

/**
 * Options of {@link natsSink}.
 *
 * @example
 * ```ts
 * import type { Quote } from '@tickflow/core';
 * import { connect } from 'nats';
 * import { type NatsSinkOptions, natsSink } from '@tickflow/sinks/nats';
 * const nc = await connect({ servers: 'nats://127.0.0.1:4222' });
 * const options: NatsSinkOptions<Quote> = {
 *   client: nc,
 *   subject: 'data.market.{symbol}',
 *   msgId: (q) => `${q.symbol}|${q.ts}`,
 *   maxInFlight: 1, // stream order = input order, even across retries
 *   expectStream: 'MARKET',
 *   timeoutMs: 2000,
 * };
 * const publish = natsSink(options);
 * ```
 */
export interface NatsSinkOptions<T> {
  /**
   * The caller's `NatsConnection` (the sink calls `jetstream()` on it) or a `JetStreamClient`.
   * The sink never closes or drains it.
   */
  client: NatsConnection | JetStreamClient;
  /**
   * Subject: a fixed subject, a template whose `{field}` placeholders are filled from the record
   * (`'data.market.{symbol}'`; `.`, `*`, `>` and whitespace in values become `_`), or a function.
   * Default `'data.market.quote'`.
   */
  subject?: string | ((record: T) => string);
  /**
   * The `Nats-Msg-Id` JetStream de-duplicates on within the stream's duplicate window. Default:
   * the record's `id`, else `symbol|ts`, else `symbol|interval|start` (bars), else none.
   * `false` sends no message id.
   */
  msgId?: ((record: T) => string | undefined) | false;
  /** Header carrying a fresh UUID per record (default `'X-Correlation-Id'`). */
  correlationHeader?: string;
  /** Extra headers per record. */
  headers?: (record: T) => Record<string, string> | undefined;
  /** Payload encoder (default `JSON.stringify`, UTF-8). */
  encode?: (record: T) => Uint8Array | string;
  /**
   * Publishes awaiting their PubAck at once (default 256). Acks are still emitted in input order,
   * but with more than 1 a retried publish can be stored after a later one: use 1 when the
   * stream's order must equal the input order even across retries.
   */
  maxInFlight?: number;
  /** Records held (waiting + in flight) before the sink errors with `BACKPRESSURE` (default 100000). */
  maxBuffered?: number;
  /** How long to wait for a PubAck, ms (default 5000). A timeout is retried. */
  timeoutMs?: number;
  /** Reject the publish unless this stream captures the subject (JetStream `expect.streamName`). */
  expectStream?: string;
  /** Retry policy of retriable publish failures (timeouts, no responders, disconnects); default core's `defaultRetryPolicy`. */
  retry?: Partial<RetryPolicy>;
  /** Called for each record that can never be published (it is acked with `meta.deadLetter` and counted). */
  onInvalid?: (dead: NatsDeadLetter) => void;
  /** Metrics and logs (default none). */
  instrumentation?: Instrumentation;
  /** Scheduler of retry waits (default `asyncScheduler`). */
  scheduler?: SchedulerLike;
  /** Random source of retry jitter. */
  random?: () => number;
}
