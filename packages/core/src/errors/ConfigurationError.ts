import { TickflowError, type TickflowErrorOptions } from './TickflowError.js';

/**
 * An option or setting is missing or wrong. Never retriable. `setting` names it.
 *
 * @example
 * ```ts
 * import { ConfigurationError } from '@tickflow/core';
 * throw new ConfigurationError('token is required', { setting: 'token', hint: 'pass token or set FINNHUB_API_KEY' });
 * ```
 */
export class ConfigurationError extends TickflowError {
  /** The name of the offending setting. */
  readonly setting: string | undefined;

  /**
   * @param message - what is wrong with the setting
   * @param options - the setting name and the usual error options
   */
  constructor(message: string, options: TickflowErrorOptions & { setting?: string } = {}) {
    super(message, { ...options, code: options.code ?? 'CONFIGURATION', retriable: false });
    this.setting = options.setting;
  }
}
