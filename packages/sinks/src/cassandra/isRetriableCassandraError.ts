import { isRetriable } from '@tickflow/core';

// cassandra-driver's responseErrorCodes that a later attempt of an idempotent write can get past.
const RETRIABLE_CODES = new Set([
  0x1000, // unavailableException: not enough replicas alive
  0x1001, // overloaded: coordinator shedding load
  0x1002, // isBootstrapping
  0x1003, // truncateError
  0x1100, // writeTimeout: replicas did not answer in time
  0x1200, // readTimeout
]);

const RETRIABLE_NAMES = new Set([
  'NoHostAvailableError', // every host down or unreachable (the cluster is restarting)
  'OperationTimedOutError', // the client-side request timeout fired
  'BusyConnectionError', // every connection at maxRequestsPerConnection
]);

/**
 * Whether a cassandra-driver error is worth retrying for an idempotent write: `NoHostAvailableError`,
 * `OperationTimedOutError`, `BusyConnectionError`, and server responses Unavailable, Overloaded,
 * IsBootstrapping, Truncate, WriteTimeout and ReadTimeout. Transient socket errors (`ECONNRESET`, …)
 * and retriable tickflow errors count too (core's `isRetriable`). Syntax, invalid-query,
 * unauthorized, authentication and encoding errors are not retriable: retrying cannot fix them —
 * including a `NoHostAvailableError` whose every host refused the login (`innerErrors` all
 * `AuthenticationError`: a wrong password or missing credentials).
 *
 * Errors are recognised by `name` and `code`, so this works without loading cassandra-driver.
 *
 * @param error - anything a `client.execute` rejected with
 * @returns true when retrying the same idempotent statement may succeed
 * @example
 * ```ts
 * import { isRetriableCassandraError } from '@tickflow/sinks/cassandra';
 * const err = Object.assign(new Error('All host(s) tried for query failed'), { name: 'NoHostAvailableError' });
 * isRetriableCassandraError(err); // true
 * ```
 */
export function isRetriableCassandraError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as { name?: unknown; code?: unknown; innerErrors?: unknown };
  if (typeof e.name === 'string') {
    if (e.name === 'NoHostAvailableError' && refusedLogin(e.innerErrors)) return false;
    if (RETRIABLE_NAMES.has(e.name)) return true;
    if (e.name === 'ResponseError') return typeof e.code === 'number' && RETRIABLE_CODES.has(e.code);
  }
  return isRetriable(error);
}

/** Every host answered, and refused the credentials: retrying the same client cannot succeed. */
function refusedLogin(innerErrors: unknown): boolean {
  if (typeof innerErrors !== 'object' || innerErrors === null) return false;
  const inner = Object.values(innerErrors);
  return inner.length > 0 && inner.every((i) => (i as { name?: unknown } | null)?.name === 'AuthenticationError');
}
