/**
 * The version of the `@tickflow/*` packages (they are released together).
 *
 * @example
 * ```ts
 * import { version } from '@tickflow/core';
 * console.log(`tickflow ${version}`);
 * ```
 */
export const version = '0.1.0';
