import { isRetriable } from '@tickflow/core';
import { isRecordError } from './isRecordError.js';

/** kafkajs errors that wrap the error a retrier gave up on. */
const WRAPPERS = new Set(['KafkaJSNumberOfRetriesExceeded', 'KafkaJSNonRetriableError']);

/**
 * Whether the sink should retry a failed send: core's `isRetriable` rules, plus kafkajs's
 * `KafkaJSNumberOfRetriesExceeded` and `KafkaJSNonRetriableError` wrappers (non-retriable
 * themselves: nested kafkajs retriers wrap an exhausted inner retry this way) when the error they
 * gave up on was retriable, e.g. the broker was down for longer than the producer's own retries.
 * Record-level errors are never retried.
 *
 * @param error - the send error
 * @returns whether to retry
 * @internal
 */
export function isRetriableSendError(error: unknown): boolean {
  if (isRecordError(error)) return false;
  if (isRetriable(error)) return true;
  const e = error as { name?: unknown; cause?: unknown } | null;
  return WRAPPERS.has(String(e?.name)) && e?.cause !== undefined && e.cause !== error && isRetriable(e.cause);
}
