import { TickflowError, type TickflowErrorOptions } from './TickflowError.js';

/**
 * A record or parameter failed validation. Never retriable. `field` names the offending field.
 *
 * @example
 * ```ts
 * import { ValidationError } from '@tickflow/core';
 * throw new ValidationError('price must be > 0', { field: 'price', input: { price: -1 } });
 * ```
 */
export class ValidationError extends TickflowError {
  /** Dotted path of the offending field, if known. */
  readonly field: string | undefined;
  /** The rejected input. */
  readonly input: unknown;

  /**
   * @param message - what is wrong, naming the field
   * @param options - the field, the input, and the usual error options
   */
  constructor(message: string, options: TickflowErrorOptions & { field?: string; input?: unknown } = {}) {
    super(message, { ...options, code: options.code ?? 'VALIDATION', retriable: false });
    this.field = options.field;
    this.input = options.input;
  }
}
