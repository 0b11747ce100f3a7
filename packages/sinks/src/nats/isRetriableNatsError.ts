import { isRetriable } from '@tickflow/core';

const RETRIABLE_CODES = new Set(['TIMEOUT', '503', '408', 'DISCONNECT', 'CONNECTION_REFUSED', 'CONNECTION_TIMEOUT', 'REQUEST_ERROR']);

/**
 * Whether a `nats` publish error may succeed when retried: PubAck timeouts, no responders (the
 * stream's leader is moving, or the stream does not exist yet), disconnects, plus core's rules.
 *
 * @param error - what the publish threw
 * @returns true when a retry may help
 */
export function isRetriableNatsError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && RETRIABLE_CODES.has(code)) return true;
  return isRetriable(error);
}
