import { isRetriable } from '@tickflow/core';

const TRANSIENT_REPLY = /^(LOADING|READONLY|BUSY|TRYAGAIN|CLUSTERDOWN|MASTERDOWN|MOVED|ASK|OOM)\b/;

/**
 * Whether a Redis failure may succeed when retried: connection errors (core's rules, plus
 * ioredis' "Connection is closed"/"Stream isn't writeable" errors) and transient server replies
 * (LOADING, READONLY, BUSY, TRYAGAIN, CLUSTERDOWN, MASTERDOWN, OOM).
 *
 * @param error - what the pipeline or a command failed with
 * @returns true when a retry may help
 */
export function isRetriableRedisError(error: unknown): boolean {
  const message = (error as { message?: unknown } | null)?.message;
  if (typeof message === 'string') {
    if (TRANSIENT_REPLY.test(message)) return true;
    if (/Connection is closed|Stream isn't writeable|max retries per request/i.test(message)) return true;
  }
  return isRetriable(error);
}
