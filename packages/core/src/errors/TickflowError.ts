/**
 * Options shared by every {@link TickflowError}.
 *
 * @example
 * ```ts
 * import { ConnectionError } from '@tickflow/core';
 * throw new ConnectionError('Kafka broker 127.0.0.1:9092 refused the connection', {
 *   retriable: true,
 *   cause: new Error('ECONNREFUSED'),
 *   hint: 'is Kafka running? npm run services:up',
 * });
 * ```
 */
export interface TickflowErrorOptions {
  /** Machine-readable code, e.g. `'VALIDATION'`, `'CONNECTION'`. */
  code?: string;
  /** Whether retrying the same operation may succeed. */
  retriable?: boolean;
  /** The underlying error. */
  cause?: unknown;
  /** What the user can do about it; appended to the message. */
  hint?: string;
}

/**
 * The root of tickflow's error hierarchy. Every error the SDK raises is a `TickflowError` with a
 * `code`, a `retriable` flag and an optional `cause`; retry helpers only retry retriable ones.
 *
 * @example
 * ```ts
 * import { TickflowError } from '@tickflow/core';
 * try { await doWork(); } catch (e) {
 *   if (e instanceof TickflowError && e.retriable) scheduleRetry();
 * }
 * declare function doWork(): Promise<void>; declare function scheduleRetry(): void;
 * ```
 */
export class TickflowError extends Error {
  /** Machine-readable code. */
  readonly code: string;
  /** Whether retrying may succeed. */
  readonly retriable: boolean;
  /** What the user can do about it, if known. */
  readonly hint: string | undefined;

  /**
   * @param message - what went wrong
   * @param options - code, retriable flag, cause and hint
   */
  constructor(message: string, options: TickflowErrorOptions = {}) {
    super(options.hint ? `${message} (${options.hint})` : message, options.cause !== undefined ? { cause: options.cause } : undefined);
    this.name = new.target.name;
    this.code = options.code ?? 'TICKFLOW';
    this.retriable = options.retriable ?? false;
    this.hint = options.hint;
  }
}
