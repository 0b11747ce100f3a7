import { randomUUID } from 'node:crypto';
import { type Ack, noopInstrumentation, RetriesExhaustedError, retryAsync } from '@tickflow/core';
import { type JetStreamClient, type MsgHdrs, type NatsConnection, headers as natsHeaders, type PubAck } from 'nats';
import type { OperatorFunction } from 'rxjs';
import { batchedWrites } from '../internal/batchedWrites.js';
import { defaultMsgId } from './defaultMsgId.js';
import { isRetriableNatsError } from './isRetriableNatsError.js';
import type { NatsAckMeta, NatsDeadLetter, NatsSinkOptions } from './NatsSinkOptions.js';
import { subjectTemplate } from '../internal/subjectTemplate.js';

const isConnection = (c: NatsConnection | JetStreamClient): c is NatsConnection =>
  typeof (c as Partial<NatsConnection>).jetstream === 'function';

/**
 * Publishes each record to NATS JetStream and emits its ack once JetStream has stored it (the
 * PubAck arrived). Each message carries a `Nats-Msg-Id` (default: the record's `id`, else
 * `symbol|ts`) so JetStream drops re-published copies inside the stream's duplicate window (the
 * ack then says `meta.duplicate: true`), and a correlation-id header with a fresh UUID.
 * Up to `maxInFlight` publishes wait for their PubAck at once; acks are emitted in input order.
 * Retriable failures (PubAck timeout, no responders, disconnect) are retried with core's backoff
 * using the same message id and correlation id, so a retry never stores a second copy. A record
 * that can never be published (template field missing, encoder throws, over max_payload) is
 * acked with `meta.deadLetter`, counted (`nats_dead_letters_total`) and given to `onInvalid`.
 *
 * @param options - the NATS connection or JetStream client, subject, message id, limits
 * @returns an operator from records to `Ack`s carrying {@link NatsAckMeta}
 * @example
 * ```ts
 * import { connect } from 'nats';
 * import { from } from 'rxjs';
 * import { ensureStream, natsSink } from '@tickflow/sinks/nats';
 *
 * const nc = await connect({ servers: process.env.NATS_URL ?? 'nats://127.0.0.1:4222' });
 * await ensureStream(await nc.jetstreamManager(), { name: 'MARKET', subjects: ['data.market.>'] });
 * from([{ symbol: 'AAPL', price: 190.1, ts: Date.now(), volume: 1, change: 0, changePercent: 0 }])
 *   .pipe(natsSink({ client: nc, subject: 'data.market.quote' }))
 *   .subscribe((ack) => console.log('stored as', ack.meta?.seq));
 * ```
 */
export function natsSink<T>(options: NatsSinkOptions<T>): OperatorFunction<T, Ack<T, NatsAckMeta>> {
  const js = isConnection(options.client) ? options.client.jetstream() : options.client;
  const subjectOpt = options.subject ?? 'data.market.quote';
  const subjectOf = typeof subjectOpt === 'function' ? subjectOpt : subjectTemplate<T>(subjectOpt, true);
  const msgIdOf = options.msgId === false ? () => undefined : (options.msgId ?? defaultMsgId);
  const correlationHeader = options.correlationHeader ?? 'X-Correlation-Id';
  const extraHeaders = options.headers;
  const encoder = new TextEncoder();
  const encode = options.encode ?? ((r: T) => JSON.stringify(r));
  const timeout = options.timeoutMs ?? 5000;
  const inst = options.instrumentation ?? noopInstrumentation;
  const deadLetters = inst.counter('nats_dead_letters_total', { help: 'Records natsSink could not publish', labelNames: ['kind'] });
  const duplicates = inst.counter('nats_duplicates_total', { help: 'Publishes JetStream dropped as duplicates' });
  const expect = options.expectStream ? { streamName: options.expectStream } : undefined;
  const retryOptions = {
    isRetriable: isRetriableNatsError,
    ...(options.retry ? { policy: options.retry } : {}),
    ...(options.scheduler ? { scheduler: options.scheduler } : {}),
    ...(options.random ? { random: options.random } : {}),
  };

  const deadLetter = (record: T, kind: NatsDeadLetter['kind'], reason: string, subject: string, correlationId: string, msgId?: string) => {
    deadLetters.inc(1, { kind });
    inst.log('warn', 'nats_dead_letter', { kind, reason, subject });
    options.onInvalid?.({ kind, reason, input: record });
    const meta: NatsAckMeta = { subject, stream: '', seq: 0, duplicate: false, msgId, correlationId, deadLetter: reason };
    return { record, meta };
  };

  const publishOne = async (record: T, signal: AbortSignal): Promise<Ack<T, NatsAckMeta>> => {
    // Continue from a fresh microtask: the nats client captures a stack trace (new Error) per
    // request, and V8 pays per captured frame, so publishing from a shallow stack is cheaper.
    await undefined;
    const correlationId = randomUUID();
    let subject: string;
    try {
      subject = subjectOf(record);
    } catch (e) {
      return deadLetter(record, 'subject', `subject: ${(e as Error).message}`, '', correlationId);
    }
    let data: Uint8Array;
    try {
      const encoded = encode(record);
      data = typeof encoded === 'string' ? encoder.encode(encoded) : encoded;
    } catch (e) {
      return deadLetter(record, 'encode', `encode: ${(e as Error).message}`, subject, correlationId);
    }
    const msgId = msgIdOf(record);
    const h = natsHeaders();
    h.set(correlationHeader, correlationId);
    const extra = extraHeaders?.(record);
    if (extra) for (const k in extra) h.set(k, extra[k]!);
    const publishOptions: { headers: MsgHdrs; timeout: number; msgID?: string; expect?: { streamName: string } } = { headers: h, timeout };
    if (msgId !== undefined) publishOptions.msgID = msgId;
    if (expect) publishOptions.expect = expect;
    let ack: PubAck;
    try {
      try {
        ack = await js.publish(subject, data, publishOptions);
      } catch (first) {
        // Only a failure pays for the retry loop; its first attempt is the failure we already have.
        if (!isRetriableNatsError(first) || signal.aborted) throw first;
        ack = await retryAsync((attempt) => (attempt === 1 ? Promise.reject(first) : js.publish(subject, data, publishOptions)), {
          ...retryOptions,
          operation: `nats publish to ${subject}`,
          signal,
        });
      }
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (code === 'MAX_PAYLOAD_EXCEEDED') {
        return deadLetter(record, 'too_large', `too_large: ${data.length} bytes exceed the server's max_payload`, subject, correlationId, msgId);
      }
      if (e instanceof RetriesExhaustedError && (e.cause as { code?: string } | undefined)?.code === '503') {
        throw new RetriesExhaustedError(`nats publish to ${subject}`, e.attempts, e.cause, {
          hint: `no JetStream stream answered for subject "${subject}": create one with ensureStream(jsm, { name, subjects: ['${subject}'] })`,
        });
      }
      throw e;
    }
    if (ack.duplicate) duplicates.inc();
    return { record, meta: { subject, stream: ack.stream, seq: ack.seq, duplicate: ack.duplicate, msgId, correlationId } };
  };

  return batchedWrites<T, NatsAckMeta>({
    sink: 'nats',
    batchSize: 1,
    lingerMs: 0,
    maxInFlight: options.maxInFlight ?? 256,
    maxBuffered: options.maxBuffered ?? 100_000,
    write: async (batch, signal) => [await publishOne(batch[0]!, signal)],
    instrumentation: inst,
    scheduler: options.scheduler,
  });
}
