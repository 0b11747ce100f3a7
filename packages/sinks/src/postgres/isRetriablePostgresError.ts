import { isRetriable } from '@tickflow/core';

const RETRIABLE_STATES = new Set(['40001', '40P01', '53300', '57P01', '57P02', '57P03', '55P03']);

/**
 * Whether a `pg` error may succeed when retried: connection exceptions (SQLSTATE class 08),
 * serialization failures and deadlocks, too many connections, server shutdown/starting, lock
 * timeouts, a dropped connection, plus core's network rules.
 *
 * @param error - what a query failed with
 * @returns true when a retry may help
 */
export function isRetriablePostgresError(error: unknown): boolean {
  const e = error as { code?: unknown; message?: unknown } | null;
  if (typeof e?.code === 'string' && (e.code.startsWith('08') || RETRIABLE_STATES.has(e.code))) return true;
  if (typeof e?.message === 'string' && /Connection terminated|timeout exceeded when trying to connect/i.test(e.message)) return true;
  return isRetriable(error);
}
