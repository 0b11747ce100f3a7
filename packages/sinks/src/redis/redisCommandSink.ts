import { type Ack, noopInstrumentation } from '@tickflow/core';
import type { OperatorFunction } from 'rxjs';
import { batchedWrites } from '../internal/batchedWrites.js';
import { isRetriableRedisError } from './isRetriableRedisError.js';
import type { RedisAckMeta, RedisDeadLetter, RedisSinkCommonOptions } from './RedisSinkOptions.js';

/** What to do for one record: the key and its commands (none = skipped). */
export interface RedisPlan {
  key: string;
  commands: (string | number)[][];
}

/** A planning failure that names its dead-letter kind. */
export class RedisPlanError extends Error {
  constructor(
    readonly kind: RedisDeadLetter['kind'],
    message: string,
    readonly key = '',
  ) {
    super(message);
  }
}

interface ExecClient {
  pipeline(commands: (string | number)[][]): { exec(): Promise<[Error | null, unknown][] | null> };
  multi(commands: (string | number)[][]): { exec(): Promise<[Error | null, unknown][] | null> };
}

/**
 * The engine of the Redis sinks: plans each record's commands, sends a batch as one pipeline (or
 * MULTI/EXEC), and acks each record once the pipeline's replies arrived. A failed command whose
 * error is transient fails the batch (retried whole: the commands are idempotent except XADD);
 * any other failed command dead-letters its record.
 *
 * @param sink - metric/log name
 * @param options - the common Redis sink options
 * @param plan - record → key and commands; throws a {@link RedisPlanError} for bad records
 * @param meta - extra ack meta from the record's replies
 * @returns the sink operator
 */
export function redisCommandSink<T>(
  sink: string,
  options: RedisSinkCommonOptions<T>,
  plan: (record: T) => RedisPlan,
  meta?: (replies: unknown[]) => Partial<RedisAckMeta>,
): OperatorFunction<T, Ack<T, RedisAckMeta>> {
  const client = options.client as unknown as ExecClient;
  const atomic = options.atomic ?? false;
  const inst = options.instrumentation ?? noopInstrumentation;
  const deadLetters = inst.counter('redis_dead_letters_total', { help: 'Records a Redis sink could not write', labelNames: ['sink', 'kind'] });

  const deadLetter = (record: T, kind: RedisDeadLetter['kind'], reason: string, key: string): Ack<T, RedisAckMeta> => {
    deadLetters.inc(1, { sink, kind });
    inst.log('warn', `${sink}_dead_letter`, { kind, reason, key });
    options.onInvalid?.({ kind, reason, input: record });
    return { record, meta: { key, deadLetter: reason } };
  };

  const write = async (batch: T[]): Promise<Ack<T, RedisAckMeta>[]> => {
    const acks: (Ack<T, RedisAckMeta> | undefined)[] = new Array(batch.length);
    const plans: (RedisPlan | undefined)[] = new Array(batch.length);
    const commands: (string | number)[][] = [];
    for (let i = 0; i < batch.length; i++) {
      const record = batch[i]!;
      try {
        const p = plan(record);
        plans[i] = p;
        for (const c of p.commands) commands.push(c);
        if (p.commands.length === 0) acks[i] = { record, meta: { key: p.key, skipped: true } };
      } catch (e) {
        const err = e as RedisPlanError;
        acks[i] = deadLetter(record, err.kind ?? 'fields', `${err.kind ?? 'fields'}: ${err.message}`, err.key ?? '');
      }
    }
    if (commands.length > 0) {
      const replies = await (atomic ? client.multi(commands) : client.pipeline(commands)).exec();
      if (replies === null) throw Object.assign(new Error(`${sink}: MULTI/EXEC was aborted`), { retriable: true });
      let at = 0;
      for (let i = 0; i < batch.length; i++) {
        const p = plans[i];
        if (!p || p.commands.length === 0) continue;
        const from = at;
        at += p.commands.length;
        let failed: Error | null = null;
        for (let r = from; r < at && failed === null; r++) failed = replies[r]![0];
        if (failed) {
          if (isRetriableRedisError(failed)) throw failed;
          acks[i] = deadLetter(batch[i]!, 'rejected', `rejected: ${failed.message}`, p.key);
          continue;
        }
        acks[i] = { record: batch[i]!, meta: meta ? { key: p.key, ...meta(replies.slice(from, at).map(([, r]) => r)) } : { key: p.key } };
      }
    }
    return acks as Ack<T, RedisAckMeta>[];
  };

  return batchedWrites<T, RedisAckMeta>({
    sink,
    batchSize: options.batchSize ?? 500,
    lingerMs: options.lingerMs ?? 5,
    maxInFlight: options.maxInFlight ?? 2,
    maxBuffered: options.maxBuffered ?? 100_000,
    write,
    retry: options.retry ?? {},
    isRetriable: isRetriableRedisError,
    instrumentation: inst,
    scheduler: options.scheduler,
    random: options.random,
  });
}
