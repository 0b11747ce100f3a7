import { TickflowError } from '../errors/TickflowError.js';

/**
 * Whether an error is worth retrying: a {@link TickflowError} says so itself; other errors are
 * retriable when they carry `retriable: true` (kafkajs errors do) or are common transient
 * network errors (`ECONNRESET`, `ECONNREFUSED`, `ETIMEDOUT`, `EPIPE`, `EAI_AGAIN`).
 *
 * @param error - anything thrown
 * @returns true when a retry may succeed
 * @example
 * ```ts
 * import { isRetriable } from '@tickflow/core';
 * isRetriable(Object.assign(new Error('reset'), { code: 'ECONNRESET' })); // true
 * ```
 */
export function isRetriable(error: unknown): boolean {
  if (error instanceof TickflowError) return error.retriable;
  if (typeof error !== 'object' || error === null) return false;
  const e = error as { retriable?: unknown; code?: unknown; name?: unknown };
  if (typeof e.retriable === 'boolean') return e.retriable;
  return typeof e.code === 'string' && TRANSIENT.has(e.code);
}

const TRANSIENT = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ENOTFOUND', 'EHOSTUNREACH']);
