import { TickflowError, type TickflowErrorOptions } from './TickflowError.js';

/**
 * A network connection failed or dropped. Retriable by default.
 *
 * @example
 * ```ts
 * import { ConnectionError } from '@tickflow/core';
 * throw new ConnectionError('WebSocket to wss://ws.finnhub.io closed (1006)', { endpoint: 'wss://ws.finnhub.io' });
 * ```
 */
export class ConnectionError extends TickflowError {
  /** The endpoint involved, without credentials. */
  readonly endpoint: string | undefined;

  /**
   * @param message - what failed
   * @param options - the endpoint and the usual error options
   */
  constructor(message: string, options: TickflowErrorOptions & { endpoint?: string } = {}) {
    super(message, { ...options, code: options.code ?? 'CONNECTION', retriable: options.retriable ?? true });
    this.endpoint = options.endpoint;
  }
}
